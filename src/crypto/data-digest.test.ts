import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDataDigester, dataDigests } from './data-digest.js';
import { sha256 } from './sha256.js';
import { sm3 } from './sm3.js';

test('createDataDigester() gives, piece by piece, the digests dataDigests() gives at once, equal to sha256() and (SM3 from OpenSSL) sm-crypto-v2\'s sm3()', () => {
  const data = Buffer.from(Array.from({ length: 100_003 }, (_, i) => (i * 131 + 17) % 256));
  for (const suite of ['intl', 'gm'] as const) {
    const digester = createDataDigester(suite);
    for (let at = 0; at < data.length; at += 8_191) digester.update(data.subarray(at, at + 8_191));
    const pieces = digester.digests();
    assert.deepEqual(pieces, dataDigests(data, suite));
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
    assert.deepEqual(pieces, [{ algorithm: 'sha256', value: hex(sha256(data)) }, ...(suite === 'gm' ? [{ algorithm: 'sm3', value: hex(sm3(data)) }] : [])]);
  }
});
