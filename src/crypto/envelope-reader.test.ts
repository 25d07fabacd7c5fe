import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { MedVeilError } from '../errors.js';
import { generateDataKey } from './envelope.js';
import { sealObject } from './envelope-object.js';
import { type SealedSource, SealedObjectReader } from './envelope-reader.js';
import { cryptoSuites } from './suite.js';

const identity = 'instance/00112233445566778899aabbccddeeff';

/** Sealed bytes in memory, read at most `chunk` bytes at a time, as a file may return short reads. */
function memorySource(sealed: Uint8Array, chunk = Infinity): SealedSource {
  return {
    size: sealed.length,
    read: async (into, position) => {
      const count = Math.max(0, Math.min(into.length, sealed.length - position, chunk));
      into.set(sealed.subarray(position, position + count));
      return count;
    },
  };
}

async function readAll(reader: SealedObjectReader): Promise<Buffer> {
  const scratch = Buffer.alloc(reader.maxSegmentBytes);
  const segments: Buffer[] = [];
  for (let index = 0; index < reader.segments; index++) segments.push(await reader.segment(index, scratch));
  return Buffer.concat(segments);
}

const tagOf = (suite: string) => (suite === 'intl' ? 16 : 32);
const integrityFailure = (error: unknown) => error instanceof MedVeilError && error.code === 'crypto' && error.message.startsWith('integrity check failed');

for (const suite of cryptoSuites) {
  test(`${suite}: SealedObjectReader opens what sealObject() wrote, segment by segment through one scratch buffer (the first with the header when it fits), whatever the short reads`, async () => {
    const dataKey = generateDataKey(suite);
    for (const size of [0, 1, 1023, 1024, 1025, 5000]) {
      const plaintext = randomBytes(size);
      const sealed = sealObject(plaintext, { dataKey, identity, segmentLog2: 10 });
      for (const chunk of [Infinity, 7]) {
        const reader = await SealedObjectReader.open(memorySource(sealed, chunk), { identity, resolveKey: () => dataKey });
        assert.equal(reader.plaintextBytes, size);
        assert.equal(reader.segments, Math.max(1, Math.ceil(size / 1024)));
        assert.ok((await readAll(reader)).equals(plaintext), `${size} bytes, reads of ${chunk}`);
        for (const scratchBytes of [44 + 1024 + 64, 1024 + 64]) {
          const opened = await SealedObjectReader.openWithFirstSegment(memorySource(sealed, chunk), { identity, resolveKey: () => dataKey }, Buffer.alloc(scratchBytes));
          assert.ok(opened.first.equals(plaintext.subarray(0, 1024)), `first segment of ${size} bytes through ${scratchBytes} bytes of scratch`);
        }
      }
    }
  });

  test(`${suite}: SealedObjectReader refuses a flipped bit, a cut, an appended byte and another name, as integrity failures`, async () => {
    const dataKey = generateDataKey(suite);
    const sealed = sealObject(randomBytes(2500), { dataKey, identity, segmentLog2: 10 });
    const open = (bytes: Uint8Array, name = identity) => SealedObjectReader.open(memorySource(bytes), { identity: name, resolveKey: () => dataKey });
    for (let at = 0; at < sealed.length; at += 97) {
      const flipped = Buffer.from(sealed);
      flipped[at]! ^= 0x20;
      await assert.rejects(async () => readAll(await open(flipped)), integrityFailure, `byte ${at}`);
      if (at < 44 + 1024 + tagOf(suite)) {
        await assert.rejects(SealedObjectReader.openWithFirstSegment(memorySource(flipped), { identity, resolveKey: () => dataKey }, Buffer.alloc(2048)), integrityFailure, `first segment, byte ${at}`);
      }
    }
    const tag = suite === 'intl' ? 16 : 32;
    for (const [name, bytes] of [
      ['cut by a byte', sealed.subarray(0, -1)],
      ['cut at a segment boundary', sealed.subarray(0, 44 + 2 * (1024 + tag))],
      ['a byte appended', Buffer.concat([sealed, Buffer.from([0])])],
      ['shorter than the header', sealed.subarray(0, 20)],
    ] as const) {
      await assert.rejects(async () => readAll(await open(bytes)), integrityFailure, name);
    }
    await assert.rejects(async () => readAll(await open(sealed, 'instance/ffeeddccbbaa99887766554433221100')), integrityFailure, 'another name');
  });
}
