import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeZip, zipStream } from './zip-writer.js';

test('writeZip() writes an archive that unzip lists, tests and extracts byte for byte, deflated and stored', () => {
  const compressible = Buffer.alloc(10_000, 7);
  const random = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) % 251));
  const dir = mkdtempSync(join(tmpdir(), 'zip-writer-'));
  try {
    const zip = join(dir, 'a.zip');
    writeFileSync(zip, Buffer.concat(writeZip([
      { name: 'DICOMDIR', data: compressible },
      { name: 'DICOM/P0000001/I0000001', data: random },
      { name: 'empty', data: new Uint8Array() },
    ])));
    execFileSync('unzip', ['-tq', zip]);
    execFileSync('unzip', ['-q', zip, '-d', join(dir, 'out')]);
    assert.deepEqual(readFileSync(join(dir, 'out', 'DICOMDIR')), compressible);
    assert.deepEqual(readFileSync(join(dir, 'out', 'DICOM', 'P0000001', 'I0000001')), random);
    assert.equal(readFileSync(join(dir, 'out', 'empty')).length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeZip() refuses names that could leave the folder or repeat', () => {
  for (const name of ['../x', '/abs', 'a/../b', 'a b', 'a\\b', '']) {
    assert.throws(() => writeZip([{ name, data: new Uint8Array(1) }]), /ZIP entry name/);
  }
  assert.throws(() => writeZip([{ name: 'a', data: new Uint8Array(1) }, { name: 'a', data: new Uint8Array(1) }]), /twice/);
});

test('zipStream() writes the same bytes as writeZip(), entry by entry, and refuses what writeZip refuses', async () => {
  const entries = [
    { name: 'DICOMDIR', data: Buffer.alloc(5_000, 3) },
    { name: 'DICOM/P0000001/I0000001', data: Buffer.from(Array.from({ length: 700 }, (_, i) => (i * 31 + 7) % 253)) },
  ];
  async function* arriving() {
    for (const entry of entries) yield entry;
  }
  const streamed: Buffer[] = [];
  for await (const chunk of zipStream(arriving())) streamed.push(chunk);
  assert.deepEqual(Buffer.concat(streamed), Buffer.concat(writeZip(entries)));
  await assert.rejects(async () => {
    for await (const _ of zipStream([entries[0]!, entries[0]!])) void _;
  }, /twice/);
  await assert.rejects(async () => {
    for await (const _ of zipStream([{ name: '../escape', data: new Uint8Array(1) }])) void _;
  }, /ZIP entry name/);
});
