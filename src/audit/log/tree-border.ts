import { EMPTY_ROOT, nodeHash } from '../merkle/hash.js';

/** A complete subtree of 2^level leaves, by its RFC 6962 hash. */
export interface Subtree {
  level: number;
  hash: Uint8Array;
}

/**
 * The right border of a tree being recomputed: the complete subtrees covering leaves
 * [0, size), largest first. Unlike CompactRange it also takes whole subtrees, so that
 * `verifyLog` can add a chunk of leaves hashed elsewhere as the one subtree they form.
 */
export class TreeBorder {
  readonly #levels: number[] = [];
  readonly #hashes: Uint8Array[] = [];

  /**
   * Adds a subtree to the right of the others, all of which must be of a higher or equal
   * level. Returns the hashes of the subtrees this completes, lowest first: levels
   * `level + 1`, `level + 2`, ..., which storage keeps right after the subtree's own hash.
   */
  push(level: number, hash: Uint8Array): Uint8Array[] {
    const completed: Uint8Array[] = [];
    let top = this.#levels.length - 1;
    if (top >= 0 && this.#levels[top]! < level) throw new RangeError(`a subtree of level ${level} cannot follow one of level ${this.#levels[top]}`);
    while (top >= 0 && this.#levels[top] === level) {
      this.#levels.pop();
      hash = nodeHash(this.#hashes.pop()!, hash);
      level++;
      top--;
      completed.push(hash);
    }
    this.#levels.push(level);
    this.#hashes.push(hash);
    return completed;
  }

  /** MTH of the leaves so far followed by those of `after`, complete subtrees to its right, largest first (RFC 6962 2.1). */
  root(after: readonly Uint8Array[] = []): Uint8Array {
    const hashes = after.length === 0 ? this.#hashes : [...this.#hashes, ...after];
    if (hashes.length === 0) return EMPTY_ROOT;
    let hash = hashes[hashes.length - 1]!;
    for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i]!, hash);
    return hash;
  }
}
