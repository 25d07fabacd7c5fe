import { timingSafeEqual } from 'node:crypto';
import { MedVeilError } from '../../errors.js';
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hash.js';

/**
 * Verifiers of RFC 6962 proofs (2.1.1, 2.1.2; RFC 9162 2.1.3.2 and 2.1.4.2 give the same
 * algorithms iteratively), and of subtree proofs over a node-aligned leaf range [start, end)
 * as in draft-ietf-plants-merkle-tree-certs. Every argument is treated as attacker-controlled:
 * sizes are checked as unsigned 64-bit integers (bigint accepted, so vectors beyond 2^53 are
 * judged exactly), every hash must be 32 bytes, a proof must have exactly the length its sizes
 * imply, and root comparisons run in constant time. Failure throws
 * `MedVeilError('audit-verify')`; success returns nothing.
 */

/** A tree size or leaf index; `number` must be a safe integer. */
export type TreeCount = number | bigint;

const U64_LIMIT = 1n << 64n;

function fail(message: string): never {
  throw new MedVeilError('audit-verify', message);
}

function toU64(name: string, value: TreeCount): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) fail(`${name} ${String(value)} is not a non-negative integer`);
    return BigInt(value);
  }
  if (typeof value !== 'bigint' || value < 0n || value >= U64_LIMIT) fail(`${name} ${String(value)} is not a 64-bit unsigned integer`);
  return value;
}

function requireHash(name: string, hash: unknown): asserts hash is Uint8Array {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
    fail(`${name} is not a ${HASH_SIZE}-byte hash`);
  }
}

function requireProof(proof: unknown): asserts proof is Uint8Array[] {
  if (!Array.isArray(proof)) fail('proof is not a list of hashes');
  proof.forEach((hash, i) => requireHash(`proof[${i}]`, hash));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && timingSafeEqual(a, b);
}

function requireSameRoot(calculated: Uint8Array, expected: Uint8Array, what: string): void {
  if (!sameBytes(calculated, expected)) fail(`${what}: calculated root does not match the expected root`);
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

function onesCount(v: bigint): number {
  let count = 0;
  for (const digit of v.toString(2)) if (digit === '1') count++;
  return count;
}

function trailingZeros(v: bigint): number {
  if (v === 0n) return 64;
  let count = 0;
  while (((v >> BigInt(count)) & 1n) === 0n) count++;
  return count;
}

function bit(v: bigint, position: number): boolean {
  return ((v >> BigInt(position)) & 1n) === 1n;
}

/** Hashes a left sibling onto `seed` for each proof hash: the part of a path above the right border. */
function chainLeftSiblings(seed: Uint8Array, proof: Uint8Array[]): Uint8Array {
  let hash = seed;
  for (const sibling of proof) hash = nodeHash(sibling, hash);
  return hash;
}

/**
 * The root that an inclusion proof implies for leaf `index` of a tree of `size` leaves. The
 * path splits where the paths to `index` and `size - 1` diverge: below, each level has a
 * sibling on the side the index bit says; above, the path runs along the right border and
 * only left siblings exist.
 */
export function rootFromInclusionProof(leafHash: Uint8Array, index: TreeCount, size: TreeCount, proof: Uint8Array[]): Uint8Array {
  const i = toU64('index', index);
  const n = toU64('size', size);
  if (i >= n) fail(`index ${i} is outside a tree of ${n} leaves`);
  requireHash('leaf hash', leafHash);
  requireProof(proof);
  const inner = bitLength(i ^ (n - 1n));
  const border = onesCount(i >> BigInt(inner));
  if (proof.length !== inner + border) fail(`inclusion proof has ${proof.length} hashes, the sizes need ${inner + border}`);
  let hash = leafHash;
  for (let level = 0; level < inner; level++) {
    const sibling = proof[level]!;
    hash = bit(i, level) ? nodeHash(sibling, hash) : nodeHash(hash, sibling);
  }
  return chainLeftSiblings(hash, proof.slice(inner));
}

/** Checks that `leafHash` is leaf `index` of the tree of `size` leaves with root `root` (RFC 6962 2.1.1). */
export function verifyInclusion(leafHash: Uint8Array, index: TreeCount, size: TreeCount, proof: Uint8Array[], root: Uint8Array): void {
  requireSameRoot(rootFromInclusionProof(leafHash, index, size, proof), root, 'inclusion proof');
}

/**
 * Checks that the tree of `size1` leaves with `root1` is a prefix of the tree of `size2`
 * leaves with `root2` (RFC 6962 2.1.2). Needs 0 < size1 <= size2: a proof from the empty tree
 * proves nothing (every tree extends it) and is refused rather than trusted.
 */
export function verifyConsistency(size1: TreeCount, size2: TreeCount, proof: Uint8Array[], root1: Uint8Array, root2: Uint8Array): void {
  const m = toU64('size1', size1);
  const n = toU64('size2', size2);
  requireProof(proof);
  if (m > n) fail(`size1 ${m} is larger than size2 ${n}: a log never shrinks`);
  if (m === 0n) fail('a consistency proof from the empty tree proves nothing');
  if (m === n) {
    if (proof.length > 0) fail('equal sizes need an empty consistency proof');
    requireSameRoot(root1, root2, 'consistency proof');
    return;
  }
  if (proof.length === 0) fail('consistency proof is empty');
  requireSameRoot(rootFromSubtreeConsistency(0n, m, n, proof, root1), root2, 'consistency proof');
}

/** A node-aligned range of leaves [start, end): the leaves under one node of a larger tree. */
export interface SubtreeRange {
  start: TreeCount;
  end: TreeCount;
}

/**
 * A subtree [start, end) is valid when some node of a tree covers exactly its leaves and
 * possibly more to the right: start is 0 or a multiple of the smallest power of two >= end - start.
 */
function requireSubtree(range: SubtreeRange, allowEmpty: boolean): { start: bigint; end: bigint } {
  const start = toU64('start', range.start);
  const end = toU64('end', range.end);
  if (start > end || (start === end && !allowEmpty)) fail(`subtree [${start}, ${end}) is empty or reversed`);
  const width = end - start;
  if (start !== 0n && width > 0n) {
    const ceiling = 1n << BigInt(bitLength(width - 1n));
    if (start % ceiling !== 0n) fail(`subtree [${start}, ${end}) is not aligned to a node of the tree`);
  }
  return { start, end };
}

/** Checks that `leafHash` is leaf `index` (an index of the whole tree) of the subtree with hash `subtreeRoot`. */
export function verifySubtreeInclusion(
  leafHash: Uint8Array,
  index: TreeCount,
  range: SubtreeRange,
  proof: Uint8Array[],
  subtreeRoot: Uint8Array,
): void {
  const { start, end } = requireSubtree(range, false);
  const i = toU64('index', index);
  if (i < start || i >= end) fail(`index ${i} is outside subtree [${start}, ${end})`);
  requireSameRoot(rootFromInclusionProof(leafHash, i - start, end - start, proof), subtreeRoot, 'subtree inclusion proof');
}

/**
 * Checks that the subtree [start, end) with hash `subtreeRoot` is part of the tree of `size`
 * leaves with root `root`. The empty subtree is part of every tree: it needs an empty proof
 * and the empty-tree hash, and says nothing about `root`.
 */
export function verifySubtreeConsistency(
  range: SubtreeRange,
  size: TreeCount,
  proof: Uint8Array[],
  subtreeRoot: Uint8Array,
  root: Uint8Array,
): void {
  const { start, end } = requireSubtree(range, true);
  const n = toU64('size', size);
  requireProof(proof);
  if (end > n) fail(`subtree [${start}, ${end}) reaches beyond a tree of ${n} leaves`);
  if (start === end) {
    if (proof.length > 0) fail('the empty subtree needs an empty proof');
    requireSameRoot(subtreeRoot, EMPTY_ROOT, 'empty subtree');
    return;
  }
  if (start === 0n && end === n) {
    if (proof.length > 0) fail('a subtree that is the whole tree needs an empty proof');
    requireSameRoot(subtreeRoot, root, 'subtree consistency proof');
    return;
  }
  if (proof.length === 0) fail('subtree consistency proof is empty');
  requireSameRoot(rootFromSubtreeConsistency(start, end, n, proof, subtreeRoot), root, 'subtree consistency proof');
}

/**
 * The root of the tree of `size` leaves implied by a proof that subtree [start, end) with hash
 * `subtreeRoot` belongs to it, after checking the proof also reproduces `subtreeRoot`. Callers
 * have checked the subtree, 0 < end - start, end <= size and (start, end) != (0, size).
 */
function rootFromSubtreeConsistency(start: bigint, end: bigint, size: bigint, proof: Uint8Array[], subtreeRoot: Uint8Array): Uint8Array {
  requireHash('subtree root', subtreeRoot);
  // The subtree's node sits at `height`, position start >> height.
  const height = bitLength((end - 1n) ^ start);
  if (end === size) {
    // The node lies on the right border of the tree: only left siblings above it.
    const expected = onesCount(start >> BigInt(height));
    if (proof.length !== expected) fail(`subtree consistency proof has ${proof.length} hashes, the sizes need ${expected}`);
    return chainLeftSiblings(subtreeRoot, proof);
  }
  // Paths to leaves end - 1 and size - 1 part at `fork`; below it the grown subtree may have
  // right siblings that did not exist when the subtree ended at `end`.
  const fork = bitLength((end - 1n) ^ (size - 1n));
  // The proof starts at the rightmost complete subtree inside [start, end), whose hash is
  // `subtreeRoot` itself when the subtree is complete and otherwise the proof's first hash.
  const low = trailingZeros(end - start);
  const complete = end - start === 1n << BigInt(low);
  const first = complete ? 0 : 1;
  const expected = first + (fork - low) + onesCount((end - 1n) >> BigInt(fork));
  if (proof.length !== expected) fail(`subtree consistency proof has ${proof.length} hashes, the sizes need ${expected}`);
  const seed = complete ? subtreeRoot : proof[0]!;
  let oldHash = seed;
  let grownHash = seed;
  let next = first;
  for (let level = low; level < height; level++) {
    if (bit(end - 1n, level)) {
      const sibling = proof[next++]!;
      oldHash = nodeHash(sibling, oldHash);
      grownHash = nodeHash(sibling, grownHash);
    } else if (level < fork) {
      grownHash = nodeHash(grownHash, proof[next++]!);
    }
  }
  requireSameRoot(oldHash, subtreeRoot, 'subtree consistency proof');
  // What remains proves the grown node's inclusion, with the node as a leaf of the tree
  // seen from level `height`.
  const shift = BigInt(height);
  return rootFromInclusionProof(grownHash, start >> shift, ((size - 1n) >> shift) + 1n, proof.slice(next));
}
