import { MedVeilError } from '../../errors.js';
import { HASH_SIZE, nodeHash } from './hash.js';
import type { HashReader } from './hash-reader.js';
import { coveringNodes, storedHashIndex } from './stored-hash-index.js';

/** A range of leaves [start, end) whose RFC 6962 subtree hash MTH(D[start:end]) is wanted. */
export interface LeafRange {
  start: number;
  end: number;
}

/**
 * The subtree hashes of several leaf ranges, read with one `readHashes` call: each range is
 * covered by at most log2(size) complete subtrees, whose stored hashes are folded right to
 * left as RFC 6962 2.1 defines MTH for a range that is not a power of two.
 */
export async function rangeHashes(ranges: LeafRange[], reader: HashReader): Promise<Uint8Array[]> {
  const covers = ranges.map((range) => coveringNodes(range.start, range.end));
  const indexes = covers.flatMap((nodes) => nodes.map((node) => storedHashIndex(node.level, node.n)));
  const hashes = indexes.length === 0 ? [] : await reader.readHashes(indexes);
  if (hashes.length !== indexes.length) {
    throw new MedVeilError('audit', `hash store returned ${hashes.length} hashes for ${indexes.length} indexes`);
  }
  let next = 0;
  return covers.map((nodes) => {
    const own = hashes.slice(next, next + nodes.length);
    next += nodes.length;
    for (const [i, hash] of own.entries()) {
      if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
        throw new MedVeilError('audit', `stored hash ${indexes[next - nodes.length + i]} is missing or not ${HASH_SIZE} bytes`);
      }
    }
    let folded = own[own.length - 1]!;
    for (let i = own.length - 2; i >= 0; i--) folded = nodeHash(own[i]!, folded);
    return folded;
  });
}
