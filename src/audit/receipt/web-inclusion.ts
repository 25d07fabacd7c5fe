import { sha256Web } from './web-bytes.js';

/**
 * RFC 6962 hashing and inclusion proofs (2.1.1; RFC 9162 2.1.3.2 iteratively) for the browser,
 * with WebCrypto's SHA-256: the same algorithm and the same checks as merkle/verify.ts, which
 * cannot run in a browser (node:crypto). Every argument is attacker-controlled: sizes are
 * unsigned 64-bit, every hash 32 bytes, and a proof must have exactly the length its sizes imply.
 */

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);
const HASH_SIZE = 32;
const U64_LIMIT = 1n << 64n;

export function leafHashWeb(leaf: Uint8Array): Promise<Uint8Array> {
  return sha256Web(LEAF_PREFIX, leaf);
}

function nodeHashWeb(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256Web(NODE_PREFIX, left, right);
}

export type InclusionRoot = { readonly root: Uint8Array } | { readonly reason: string };

/** The root that an inclusion proof implies for `leafHash` at `index` of a tree of `size` leaves, or why there is none. */
export async function rootFromInclusionProofWeb(leafHash: Uint8Array, index: bigint | number, size: bigint | number, proof: readonly Uint8Array[]): Promise<InclusionRoot> {
  const i = toU64(index);
  const n = toU64(size);
  if (i === undefined || n === undefined) return { reason: 'index and size must be 64-bit unsigned integers' };
  if (i >= n) return { reason: `index ${i} is outside a tree of ${n} leaves` };
  if (leafHash.length !== HASH_SIZE) return { reason: `the leaf hash is not a ${HASH_SIZE}-byte hash` };
  const short = proof.findIndex((hash) => hash.length !== HASH_SIZE);
  if (short >= 0) return { reason: `proof[${short}] is not a ${HASH_SIZE}-byte hash` };
  // Below `inner` the sibling's side follows the index bits; above, the path runs along the
  // right border, where only left siblings exist.
  const inner = bitLength(i ^ (n - 1n));
  const border = onesCount(i >> BigInt(inner));
  if (proof.length !== inner + border) return { reason: `inclusion proof has ${proof.length} hashes, the sizes need ${inner + border}` };
  let hash = leafHash;
  for (let level = 0; level < inner; level++) {
    const sibling = proof[level]!;
    hash = ((i >> BigInt(level)) & 1n) === 1n ? await nodeHashWeb(sibling, hash) : await nodeHashWeb(hash, sibling);
  }
  for (const sibling of proof.slice(inner)) hash = await nodeHashWeb(sibling, hash);
  return { root: hash };
}

function toU64(value: bigint | number): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  return value >= 0n && value < U64_LIMIT ? value : undefined;
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

function onesCount(v: bigint): number {
  let count = 0;
  for (const digit of v.toString(2)) if (digit === '1') count++;
  return count;
}
