import { EMPTY_ROOT, nodeHash } from './hash.js';
import { coveringNodes, storedHashIndex } from './stored-hash-index.js';

/**
 * The right border of a growing tree: the hashes of the complete subtrees that cover leaves
 * [0, size), largest first — at most 53 hashes for any size this code handles. Appending a
 * leaf merges equal-sized subtrees like a binary counter and yields exactly the hashes that
 * storage must keep, in storage-index order (see stored-hash-index.ts). The log keeps one in
 * memory so that appends need no reads and the current root costs log2(size) hashes.
 */
export class CompactRange {
  #size: number;
  /** Parallel to #hashes: the level of each border subtree, strictly decreasing. */
  #levels: number[];
  #hashes: Uint8Array[];

  private constructor(size: number, levels: number[], hashes: Uint8Array[]) {
    this.#size = size;
    this.#levels = levels;
    this.#hashes = hashes;
  }

  static empty(): CompactRange {
    return new CompactRange(0, [], []);
  }

  /** The storage indexes of the border hashes of a tree of `size` leaves, largest first. */
  static borderIndexes(size: number): number[] {
    return coveringNodes(0, size).map((node) => storedHashIndex(node.level, node.n));
  }

  /** A border from the hashes at `borderIndexes(size)`, in that order. */
  static fromBorder(size: number, hashes: Uint8Array[]): CompactRange {
    const levels = coveringNodes(0, size).map((node) => node.level);
    if (levels.length !== hashes.length) {
      throw new RangeError(`a tree of ${size} leaves has ${levels.length} border hashes, got ${hashes.length}`);
    }
    return new CompactRange(size, levels, [...hashes]);
  }

  get size(): number {
    return this.#size;
  }

  clone(): CompactRange {
    return new CompactRange(this.#size, [...this.#levels], [...this.#hashes]);
  }

  /**
   * Adds the next leaf. Returns the hashes that become known — the leaf hash, then each
   * subtree it completes — which are stored at consecutive indexes from
   * `storedHashIndex(0, size before the append)`.
   */
  append(leaf: Uint8Array): Uint8Array[] {
    const created = [leaf];
    let hash = leaf;
    let level = 0;
    while (this.#levels.length > 0 && this.#levels[this.#levels.length - 1] === level) {
      this.#levels.pop();
      hash = nodeHash(this.#hashes.pop()!, hash);
      level++;
      created.push(hash);
    }
    this.#levels.push(level);
    this.#hashes.push(hash);
    this.#size++;
    return created;
  }

  /** MTH of all leaves appended so far (RFC 6962 2.1). */
  root(): Uint8Array {
    if (this.#hashes.length === 0) return EMPTY_ROOT;
    let hash = this.#hashes[this.#hashes.length - 1]!;
    for (let i = this.#hashes.length - 2; i >= 0; i--) hash = nodeHash(this.#hashes[i]!, hash);
    return hash;
  }
}
