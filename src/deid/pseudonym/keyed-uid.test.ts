import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { test } from 'node:test';
import { importPseudonymKey } from './keyed-digest.js';
import { keyedUid, uuidV8Integer } from './keyed-uid.js';

/** PS3.5 9.1: components of digits without leading zeros, separated by dots, at most 64 characters. */
const UID_SYNTAX = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

const key = importPseudonymKey(randomBytes(32));

function randomUidLike(): string {
  switch (randomInt(4)) {
    case 0: return Array.from({ length: 1 + randomInt(12) }, () => String(randomInt(1_000_000))).join('.');
    case 1: return `1.2.840.113619.2.${randomInt(1e9)}.${Date.now()}.${randomInt(1e6)}`;
    case 2: return randomBytes(1 + randomInt(40)).toString('latin1');
    default: return `${randomInt(10)}${'0'.repeat(randomInt(5))}.${randomInt(2 ** 47)}`;
  }
}

/** Unkeyed 2.25 forms anyone can recompute from the original UID (CTP's MD5 and hash-then-UUID styles). */
function unkeyedForms(uid: string): string[] {
  const md5 = createHash('md5').update(uid).digest();
  const sha1 = createHash('sha1').update(uid).digest();
  const sha256 = createHash('sha256').update(uid).digest();
  const decimal = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex')}`).toString();
  return [
    `2.25.${decimal(md5)}`,
    `2.25.${decimal(sha256.subarray(0, 16))}`,
    `2.25.${decimal(sha256)}`,
    `2.25.${uuidV8Integer(md5)}`,
    `2.25.${uuidV8Integer(sha1.subarray(0, 16))}`,
    `2.25.${uuidV8Integer(sha256.subarray(0, 16))}`,
  ];
}

test('keyedUid() gives a valid PS3.5 9.1 UID of at most 64 characters for 10,000 random inputs', () => {
  for (let i = 0; i < 10_000; i++) {
    const uid = keyedUid(key, randomUidLike());
    assert.match(uid, UID_SYNTAX);
    assert.ok(uid.length <= 64, uid);
    assert.ok(uid.startsWith('2.25.'), uid);
  }
});

test('keyedUid() sets the RFC 9562 version 8 and variant bits, so the 2.25 arc holds a real UUID', () => {
  for (let i = 0; i < 200; i++) {
    const hex = BigInt(keyedUid(key, randomUidLike()).slice(5)).toString(16).padStart(32, '0');
    assert.equal(hex[12], '8');
    assert.match(hex[16]!, /[89ab]/);
  }
});

test('keyedUid() ignores PS3.5 padding and surrounding spaces', () => {
  const bare = keyedUid(key, '1.2.3.4.5');
  for (const padded of ['1.2.3.4.5\0', '1.2.3.4.5 ', ' 1.2.3.4.5', '1.2.3.4.5\0\0']) assert.equal(keyedUid(key, padded), bare);
  assert.notEqual(keyedUid(key, '1.2.3.4.50'), bare);
});

test('keyedUid() never equals an unkeyed MD5, SHA-1 or SHA-256 2.25 form of its input', () => {
  for (let i = 0; i < 2000; i++) {
    const original = randomUidLike().replace(/[\0 ]+$/, '').trim();
    const pseudonym = keyedUid(key, original);
    assert.ok(!unkeyedForms(original).includes(pseudonym), original);
  }
});

test('keyedUid() depends on the key', () => {
  const other = importPseudonymKey(randomBytes(32));
  for (let i = 0; i < 100; i++) {
    const original = randomUidLike();
    assert.notEqual(keyedUid(key, original), keyedUid(other, original));
  }
});

test('keyedUid() outputs pass pydicom UID validation (peer check)', () => {
  const python = debianPython();
  const uids = Array.from({ length: 300 }, () => keyedUid(key, randomUidLike()));
  // '2.25.01' is a control the peer must reject, so this check can fail.
  const script = 'import sys, warnings\nwarnings.simplefilter("ignore")\nfrom pydicom.uid import UID\nfor line in sys.stdin.read().split():\n    print(line, UID(line).is_valid)';
  const run = spawnSync(python, ['-c', script], { input: [...uids, '2.25.01'].join('\n'), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const verdicts = new Map(run.stdout.trim().split('\n').map((line) => line.split(' ') as [string, string]));
  assert.equal(verdicts.get('2.25.01'), 'False');
  for (const uid of uids) assert.equal(verdicts.get(uid), 'True', uid);
});

/** The interpreter of the Debian python3 package, which is the one that has python3-pydicom. */
function debianPython(): string {
  const listing = spawnSync('dpkg', ['-L', 'python3-minimal'], { encoding: 'utf8' });
  const python = listing.stdout.split('\n').find((line) => /\/bin\/python3$/.test(line));
  assert.ok(python, 'python3-minimal is not installed; install python3-pydicom (see scripts/test.sh)');
  return python;
}
