import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leafHash, nodeHash } from '../merkle/hash.js';
import { leafHashLatin1, nodeHashLatin1 } from './latin1-tree-hash.js';

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

test('leafHashLatin1() and nodeHashLatin1() give the bytes of leafHash() and nodeHash(), for every byte value and leaf size', () => {
  const leaves = [new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(0xff, 0x80, 0x7f), Uint8Array.from({ length: 256 }, (_, i) => i), new Uint8Array(5000).fill(0xa5)];
  for (const leaf of leaves) assert.equal(leafHashLatin1(leaf), latin1(leafHash(leaf)), `leaf of ${leaf.length} bytes`);
  // The hashes of those leaves hold bytes above 0x7f, which latin1 must carry unchanged.
  for (let i = 1; i < leaves.length; i++) {
    const [left, right] = [leafHash(leaves[i - 1]!), leafHash(leaves[i]!)];
    assert.equal(nodeHashLatin1(latin1(left), latin1(right)), latin1(nodeHash(left, right)));
  }
  // A short leaf after a long one must not hash what the long one left in the shared input.
  assert.equal(leafHashLatin1(Uint8Array.of(1)), latin1(leafHash(Uint8Array.of(1))));
});
