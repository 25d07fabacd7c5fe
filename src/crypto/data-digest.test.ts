import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDataDigester, dataDigests } from './data-digest.js';

test('createDataDigester() gives, piece by piece, the digests dataDigests() gives at once (SM3 from OpenSSL agrees with sm-crypto-v2)', () => {
  const data = Buffer.from(Array.from({ length: 100_003 }, (_, i) => (i * 131 + 17) % 256));
  for (const suite of ['intl', 'gm'] as const) {
    const digester = createDataDigester(suite);
    for (let at = 0; at < data.length; at += 8_191) digester.update(data.subarray(at, at + 8_191));
    const pieces = digester.digests();
    assert.deepEqual(pieces, dataDigests(data, suite));
    assert.deepEqual(pieces.map((d) => d.algorithm), suite === 'gm' ? ['sha256', 'sm3'] : ['sha256']);
  }
});
