import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedVeilError } from '../../errors.js';
import { CompactRange } from './compact-range.js';
import { consistencyProof } from './consistency-proof.js';
import { EMPTY_ROOT, leafHash, nodeHash } from './hash.js';
import type { HashReader } from './hash-reader.js';
import { inclusionProof } from './inclusion-proof.js';
import { storedHashCount, storedHashIndex } from './stored-hash-index.js';
import { treeRoot } from './tree-root.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

// MTH straight from the recursive definition of RFC 6962 2.1, as the reference.
function referenceRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leafHash(leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

class MemoryHashes implements HashReader {
  readonly stored: Uint8Array[] = [];
  reads = 0;
  readHashes(indexes: number[]): Uint8Array[] {
    this.reads++;
    return indexes.map((i) => {
      const hash = this.stored[i];
      if (hash === undefined) throw new Error(`hash ${i} was never stored`);
      return hash;
    });
  }
}

function buildTree(count: number): { leaves: Uint8Array[]; store: MemoryHashes; range: CompactRange } {
  const leaves = Array.from({ length: count }, (_, i) => new TextEncoder().encode(`leaf ${i}`));
  const store = new MemoryHashes();
  const range = CompactRange.empty();
  for (const leaf of leaves) store.stored.push(...range.append(leafHash(leaf)));
  return { leaves, store, range };
}

test('storedHashIndex() numbers hashes in the order CompactRange.append() produces them', () => {
  const { store } = buildTree(70);
  assert.equal(store.stored.length, storedHashCount(70));
  for (let level = 0; level < 7; level++) {
    for (let n = 0; (n + 1) * 2 ** level <= 70; n++) {
      const leaves = Array.from({ length: 2 ** level }, (_, i) => new TextEncoder().encode(`leaf ${n * 2 ** level + i}`));
      assert.deepEqual(store.stored[storedHashIndex(level, n)], referenceRoot(leaves), `node (${level}, ${n})`);
    }
  }
});

test('storedHashIndex() stays exact near 2^53', () => {
  const n = 2 ** 52 - 1;
  // Leaf n completes 52 levels above it when n has 52 trailing one bits.
  assert.equal(storedHashIndex(0, n) + 52, storedHashIndex(52, 0));
  assert.equal(storedHashCount(2 ** 52), 2 ** 53 - 1);
});

test('treeRoot() and CompactRange.root() equal the RFC 6962 MTH for every size up to 70', async () => {
  const { leaves, store } = buildTree(70);
  const range = CompactRange.empty();
  for (let size = 0; size <= 70; size++) {
    const expected = referenceRoot(leaves.slice(0, size));
    assert.deepEqual(await treeRoot(size, store), expected, `size ${size}`);
    assert.deepEqual(range.root(), expected, `compact range size ${size}`);
    if (size < 70) range.append(leafHash(leaves[size]!));
  }
});

test('inclusionProof() output verifies for every leaf of every size up to 40, with one read', async () => {
  const { leaves, store } = buildTree(40);
  for (let size = 1; size <= 40; size++) {
    const root = referenceRoot(leaves.slice(0, size));
    for (let index = 0; index < size; index++) {
      store.reads = 0;
      const proof = await inclusionProof(index, size, store);
      assert.ok(store.reads <= 1);
      verifyInclusion(leafHash(leaves[index]!), index, size, proof, root);
      if (proof.length > 0) {
        const bent = proof.map((hash) => Uint8Array.from(hash));
        bent[bent.length - 1]![0]! ^= 1;
        assert.throws(() => verifyInclusion(leafHash(leaves[index]!), index, size, bent, root), MedVeilError);
      }
    }
  }
});

test('consistencyProof() output verifies for every pair of sizes up to 40', async () => {
  const { leaves, store } = buildTree(40);
  const roots = Array.from({ length: 41 }, (_, size) => referenceRoot(leaves.slice(0, size)));
  for (let size2 = 1; size2 <= 40; size2++) {
    for (let size1 = 1; size1 <= size2; size1++) {
      const proof = await consistencyProof(size1, size2, store);
      verifyConsistency(size1, size2, proof, roots[size1]!, roots[size2]!);
      if (size1 < size2) {
        assert.throws(() => verifyConsistency(size1, size2, proof, roots[size1 - 1]!, roots[size2]!), MedVeilError);
      }
    }
  }
});

test('proofs for a size beyond the tree or an index beyond the size are refused', async () => {
  const { store } = buildTree(8);
  await assert.rejects(inclusionProof(8, 8, store), MedVeilError);
  await assert.rejects(consistencyProof(0, 8, store), MedVeilError);
  await assert.rejects(consistencyProof(5, 4, store), MedVeilError);
  await assert.rejects(inclusionProof(3, 9, store), /never stored/);
});

test('proof lengths grow with log2 of the size', async () => {
  const { store } = buildTree(1000);
  assert.equal((await inclusionProof(0, 1000, store)).length, 10);
  // Leaf 999 sits on the right border: one left sibling per one bit of 999.
  assert.equal((await inclusionProof(999, 1000, store)).length, 8);
  assert.ok((await consistencyProof(1, 1000, store)).length <= 2 * 10);
});
