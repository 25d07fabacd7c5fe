import assert from 'node:assert/strict';
import { hkdfSync, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { MedVeilError } from '../errors.js';
import { aeadFor } from './aead.js';
import { generateDataKey, readWrappedKeyHeader, rewrapDataKey, unwrapDataKey, wrapDataKey, type DataKey } from './envelope.js';
import { OBJECT_HEADER_BYTES } from './envelope-format.js';
import { openObject, sealObject } from './envelope-object.js';
import { createOpenStream, createSealStream } from './envelope-stream.js';
import { masterKeyFromBytes } from './master-key-file.js';
import { cryptoSuites, type CryptoSuite } from './suite.js';

const MiB = 1 << 20;
const identity = 'instance/00112233445566778899aabbccddeeff';

function integrityFailure(error: unknown): boolean {
  assert.ok(error instanceof MedVeilError, String(error));
  assert.equal(error.code, 'crypto');
  assert.match(error.message, /^integrity check failed: /);
  return true;
}

async function sealByStream(plaintext: Buffer, dataKey: DataKey, chunkBytes: number, segmentLog2?: number): Promise<Buffer> {
  const chunks = function* () {
    for (let at = 0; at < plaintext.length; at += chunkBytes) yield plaintext.subarray(at, at + chunkBytes);
  };
  const sealing = createSealStream({ dataKey, identity, ...(segmentLog2 === undefined ? {} : { segmentLog2 }) });
  const [, out] = await Promise.all([pipeline(Readable.from(chunks()), sealing), buffer(sealing)]);
  return out;
}

async function openByStream(sealed: Uint8Array, dataKey: DataKey, chunkBytes: number, name = identity): Promise<Buffer> {
  const chunks = function* () {
    for (let at = 0; at < sealed.length; at += chunkBytes) yield Buffer.from(sealed.subarray(at, at + chunkBytes));
  };
  const opening = createOpenStream({ identity: name, resolveKey: () => dataKey });
  const [, out] = await Promise.all([pipeline(Readable.from(chunks()), opening), buffer(opening)]);
  return out;
}

for (const suite of cryptoSuites) {
  test(`${suite}: sealObject() writes exactly the documented format (header, HKDF object key, STREAM nonces, header+name as associated data)`, () => {
    const dataKey: DataKey = { id: '000102030405060708090a0b0c0d0e0f', suite, key: Buffer.alloc(32, 0x42) };
    const salt = Buffer.from('f0e1d2c3b4a5968778695a4b3c2d1e0f', 'hex');
    const plaintext = randomBytes(1500);
    const sealed = sealObject(plaintext, { dataKey, identity, segmentLog2: 10, random: () => salt });

    const header = Buffer.concat([Buffer.from('894d56454e560d0a', 'hex'), Buffer.from([1, suite === 'intl' ? 1 : 2, 10, 0]), Buffer.from(dataKey.id, 'hex'), salt]);
    const objectKey = new Uint8Array(hkdfSync(suite === 'intl' ? 'sha256' : 'sm3', dataKey.key, salt, 'MedVeil object key v1', 32));
    const aead = aeadFor(suite, objectKey);
    const ad = Buffer.concat([header, Buffer.from(identity)]);
    const nonce = (index: number, final: boolean) => Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, index, final ? 1 : 0]);
    const first = aead.seal(nonce(0, false), plaintext.subarray(0, 1024), ad);
    const last = aead.seal(nonce(1, true), plaintext.subarray(1024), ad);
    assert.deepEqual(sealed, Buffer.concat([header, first.ciphertext, first.tag, last.ciphertext, last.tag]));
  });

  test(`${suite}: objects of empty, 1 byte, segment-boundary and 20 MiB sizes round-trip whole and streamed, in both directions`, async () => {
    const dataKey = generateDataKey(suite);
    const sizes = [0, 1, MiB - 1, MiB, MiB + 1, 2 * MiB, 20 * MiB];
    for (const size of sizes) {
      const plaintext = randomBytes(size);
      const sealed = sealObject(plaintext, { dataKey, identity });
      assert.ok(openObject(sealed, { dataKey, identity }).equals(plaintext), `whole ${size}`);
      assert.ok((await openByStream(sealed, dataKey, 65_521)).equals(plaintext), `stream-opened ${size}`);
      const streamed = await sealByStream(plaintext, dataKey, 100_003);
      assert.equal(streamed.length, sealed.length, `stream-sealed length ${size}`);
      assert.ok(openObject(streamed, { dataKey, identity }).equals(plaintext), `stream-sealed ${size}`);
    }
  });

  test(`${suite}: small segments and odd chunk sizes give the same plaintext (every boundary position)`, async () => {
    const dataKey = generateDataKey(suite);
    for (const size of [1023, 1024, 1025, 3072, 3500]) {
      const plaintext = randomBytes(size);
      for (const chunk of [1, 43, 44, 45, 1024, 5000]) {
        const sealed = await sealByStream(plaintext, dataKey, chunk, 10);
        assert.ok(openObject(sealed, { dataKey, identity }).equals(plaintext), `seal ${size}/${chunk}`);
        assert.ok((await openByStream(sealed, dataKey, chunk)).equals(plaintext), `open ${size}/${chunk}`);
      }
    }
  });

  test(`${suite}: one flipped byte anywhere, in header, ciphertext or tag of any segment, is an integrity failure whole and streamed`, async () => {
    const dataKey = generateDataKey(suite);
    const sealed = sealObject(randomBytes(3500), { dataKey, identity, segmentLog2: 10 });
    for (let at = 0; at < sealed.length; at++) {
      const tampered = Buffer.from(sealed);
      tampered[at]! ^= 1 << (at % 8);
      assert.throws(() => openObject(tampered, { dataKey, identity }), integrityFailure, `byte ${at}`);
      if (at % 97 === 0 || at < OBJECT_HEADER_BYTES) await assert.rejects(openByStream(tampered, dataKey, 1000), integrityFailure, `stream byte ${at}`);
    }
  });

  test(`${suite}: every bit of the header is covered`, () => {
    const dataKey = generateDataKey(suite);
    const sealed = sealObject(Buffer.from('x'), { dataKey, identity });
    for (let bit = 0; bit < OBJECT_HEADER_BYTES * 8; bit++) {
      const tampered = Buffer.from(sealed);
      tampered[bit >> 3]! ^= 1 << (bit & 7);
      assert.throws(() => openObject(tampered, { dataKey, identity }), integrityFailure, `bit ${bit}`);
    }
  });

  test(`${suite}: truncation, extension, reordered or repeated segments, another name and another key all fail`, async () => {
    const dataKey = generateDataKey(suite);
    const tag = suite === 'intl' ? 16 : 32;
    const stride = 1024 + tag;
    const sealed = sealObject(randomBytes(3000), { dataKey, identity, segmentLog2: 10 });
    const segment = (i: number) => sealed.subarray(OBJECT_HEADER_BYTES + i * stride, OBJECT_HEADER_BYTES + (i + 1) * stride);
    const header = sealed.subarray(0, OBJECT_HEADER_BYTES);
    const cases: [string, Buffer][] = [
      ['nothing', Buffer.alloc(0)],
      ['half a header', sealed.subarray(0, 20)],
      ['the header only', sealed.subarray(0, OBJECT_HEADER_BYTES)],
      ['cut at a segment boundary', sealed.subarray(0, OBJECT_HEADER_BYTES + 2 * stride)],
      ['cut inside a segment', sealed.subarray(0, OBJECT_HEADER_BYTES + stride + 500)],
      ['cut inside the last tag', sealed.subarray(0, sealed.length - 1)],
      ['one byte appended', Buffer.concat([sealed, Buffer.from([0])])],
      ['a segment appended', Buffer.concat([sealed, segment(0)])],
      ['segments 0 and 1 swapped', Buffer.concat([header, segment(1), segment(0), sealed.subarray(OBJECT_HEADER_BYTES + 2 * stride)])],
      ['segment 0 repeated', Buffer.concat([header, segment(0), segment(0), sealed.subarray(OBJECT_HEADER_BYTES + 2 * stride)])],
    ];
    for (const [name, tampered] of cases) {
      assert.throws(() => openObject(tampered, { dataKey, identity }), integrityFailure, name);
      await assert.rejects(openByStream(tampered, dataKey, 777), integrityFailure, `stream: ${name}`);
    }
    assert.throws(() => openObject(sealed, { dataKey, identity: 'instance/ffeeddccbbaa99887766554433221100' }), integrityFailure, 'another name');
    await assert.rejects(openByStream(sealed, dataKey, 777, 'instance/ffeeddccbbaa99887766554433221100'), integrityFailure, 'stream: another name');
    const sameIdOtherKey = { ...dataKey, key: randomBytes(32) };
    assert.throws(() => openObject(sealed, { dataKey: sameIdOtherKey, identity }), integrityFailure, 'another key under the same id');
    assert.throws(() => openObject(sealed, { dataKey: generateDataKey(suite), identity }), /names data key/, 'another data key');
  });

  test(`${suite}: sealing the same plaintext twice gives unrelated bytes (fresh salt per object)`, () => {
    const dataKey = generateDataKey(suite);
    const plaintext = Buffer.alloc(2048, 7);
    const a = sealObject(plaintext, { dataKey, identity });
    const b = sealObject(plaintext, { dataKey, identity });
    assert.notDeepEqual(a.subarray(OBJECT_HEADER_BYTES), b.subarray(OBJECT_HEADER_BYTES));
  });
}

test('a stream whose data key cannot be resolved fails with that error, mapped, and yields no plaintext', async () => {
  const dataKey = generateDataKey('intl');
  const sealed = sealObject(randomBytes(5000), { dataKey, identity });
  const opening = createOpenStream({
    identity,
    resolveKey: async () => {
      throw new MedVeilError('storage', 'data key destroyed');
    },
    mapError: (error) => new MedVeilError('storage', `mapped: ${(error as Error).message}`),
  });
  const received: Buffer[] = [];
  opening.on('data', (chunk: Buffer) => received.push(chunk));
  await assert.rejects(pipeline(Readable.from([sealed]), opening), /mapped: data key destroyed/);
  assert.equal(received.length, 0);
});

const masterA = masterKeyFromBytes(randomBytes(32));
const masterB = masterKeyFromBytes(randomBytes(32));

function assertSameKey(actual: DataKey, expected: DataKey) {
  assert.equal(actual.id, expected.id);
  assert.equal(actual.suite, expected.suite);
  assert.deepEqual(Buffer.from(actual.key), Buffer.from(expected.key));
}

for (const suite of cryptoSuites) {
  test(`${suite}: a wrapped data key unwraps under its master key and study, and carries its id, suite and master key id in clear`, () => {
    const dataKey = generateDataKey(suite);
    const wrapped = wrapDataKey(dataKey, masterA, 'study-1');
    assertSameKey(unwrapDataKey(wrapped, masterA, 'study-1'), dataKey);
    assert.deepEqual(readWrappedKeyHeader(wrapped), { dataKeyId: dataKey.id, suite, masterKeyId: masterA.id });
    assert.ok(!Buffer.from(wrapped).includes(Buffer.from(dataKey.key)), 'the key bytes do not appear');
  });

  test(`${suite}: unwrapping under another master key is refused as the wrong master key, naming both ids`, () => {
    const wrapped = wrapDataKey(generateDataKey(suite), masterA, 'study-1');
    assert.throws(
      () => unwrapDataKey(wrapped, masterB, 'study-1'),
      (error: unknown) => error instanceof MedVeilError && error.code === 'key' && error.message.includes(masterA.id) && error.message.includes(masterB.id),
    );
    // A different key that claims the right id (a forged or damaged file) still fails the tag.
    assert.throws(() => unwrapDataKey(wrapped, { id: masterA.id, key: randomBytes(32) }, 'study-1'), integrityFailure);
  });

  test(`${suite}: a wrapped key moved to another scope, or with any bit flipped, is refused`, () => {
    const wrapped = wrapDataKey(generateDataKey(suite), masterA, 'study-1');
    assert.throws(() => unwrapDataKey(wrapped, masterA, 'study-2'), integrityFailure);
    for (let bit = 0; bit < wrapped.length * 8; bit++) {
      const tampered = Buffer.from(wrapped);
      tampered[bit >> 3]! ^= 1 << (bit & 7);
      assert.throws(() => unwrapDataKey(tampered, masterA, 'study-1'), (error: unknown) => error instanceof MedVeilError && ['crypto', 'key'].includes(error.code), `bit ${bit}`);
    }
  });

  test(`${suite}: rewrapping moves a data key to a new master key unchanged; the old master key no longer opens the result`, () => {
    const dataKey = generateDataKey(suite);
    const rewrapped = rewrapDataKey(wrapDataKey(dataKey, masterA, 's'), { scope: 's', from: masterA, to: masterB });
    assertSameKey(unwrapDataKey(rewrapped, masterB, 's'), dataKey);
    assert.throws(() => unwrapDataKey(rewrapped, masterA, 's'), /wrapped by master key/);
  });
}

test('data keys are 32 random bytes with 32-hex-digit ids, distinct each time', () => {
  const keys = cryptoSuites.flatMap((suite: CryptoSuite) => [generateDataKey(suite), generateDataKey(suite)]);
  for (const key of keys) {
    assert.match(key.id, /^[0-9a-f]{32}$/);
    assert.equal(key.key.length, 32);
  }
  assert.equal(new Set(keys.map((key) => key.id)).size, keys.length);
  assert.equal(new Set(keys.map((key) => Buffer.from(key.key).toString('hex'))).size, keys.length);
});
