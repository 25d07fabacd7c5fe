/**
 * Storage numbering of tree hashes, the scheme of golang.org/x/mod/sumdb/tlog: every hash of
 * a complete subtree is stored once, in the order it becomes known. Appending leaf i stores
 * its leaf hash, then the hash of every subtree that leaf completes, lowest level first. So
 * the numbering is append-only and a tree of n leaves occupies indexes 0 .. 2n - popcount(n) - 1.
 *
 * A node is named by (level, n): the n-th subtree of 2^level leaves from the left, covering
 * leaves [n * 2^level, (n + 1) * 2^level). Arithmetic uses floating-point powers of two, not
 * 32-bit bit operators, so every size up to 2^53 is exact.
 */

/** The number of one bits of a non-negative safe integer. */
export function popCount(value: number): number {
  const high = Math.floor(value / 0x100000000);
  return popCount32(value >>> 0) + popCount32(high >>> 0);
}

function popCount32(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** How many hashes a tree of `size` leaves stores. */
export function storedHashCount(size: number): number {
  return 2 * size - popCount(size);
}

/** The storage index of the hash of node (level, n). */
export function storedHashIndex(level: number, n: number): number {
  // The node is complete when its last leaf, (n + 1) * 2^level - 1, is appended; it is then
  // stored right after that leaf and the `level - 1` nodes below it that the leaf completes.
  const lastLeaf = (n + 1) * 2 ** level - 1;
  return storedHashCount(lastLeaf) + level;
}

/** A complete subtree, named by its level and position. */
export interface TreeNode {
  level: number;
  n: number;
}

/**
 * The complete subtrees that together cover leaves [start, end), largest first. `start` must be
 * a multiple of the largest of them, which holds for every range that RFC 6962's recursive
 * split produces and for [0, size).
 */
export function coveringNodes(start: number, end: number): TreeNode[] {
  const nodes: TreeNode[] = [];
  let lo = start;
  while (lo < end) {
    let level = Math.floor(Math.log2(end - lo));
    while (2 ** level > end - lo) level--;
    while (level > 0 && lo % 2 ** level !== 0) level--;
    nodes.push({ level, n: lo / 2 ** level });
    lo += 2 ** level;
  }
  return nodes;
}

/** The largest power of two strictly below `n` (n >= 2): the split point k of RFC 6962 2.1. */
export function splitPoint(n: number): number {
  let k = 2 ** Math.floor(Math.log2(n - 1));
  while (k >= n) k /= 2;
  while (k * 2 < n) k *= 2;
  return k;
}
