import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { sm3 } from './sm3.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('sm3() matches the two examples of GM/T 0004-2012 Appendix A', () => {
  assert.equal(hex(sm3('abc')), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  assert.equal(hex(sm3('abcd'.repeat(16))), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
});

test('sm3() agrees with OpenSSL on inputs around the 64-byte block boundary', () => {
  for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
    const data = randomBytes(length);
    const run = spawnSync('openssl', ['dgst', '-sm3', '-binary'], { input: data });
    assert.equal(run.status, 0, `openssl dgst -sm3 failed: ${run.stderr}`);
    assert.equal(hex(sm3(data)), run.stdout.toString('hex'), `length ${length}`);
  }
});
