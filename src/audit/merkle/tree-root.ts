import { EMPTY_ROOT } from './hash.js';
import type { HashReader } from './hash-reader.js';
import { rangeHashes } from './range-hashes.js';
import { requireTreeSize } from './tree-size.js';

/** MTH(D[0:size]), the root hash of the first `size` leaves, from at most log2(size) stored hashes. */
export async function treeRoot(size: number, reader: HashReader): Promise<Uint8Array> {
  requireTreeSize('size', size);
  if (size === 0) return EMPTY_ROOT;
  const [root] = await rangeHashes([{ start: 0, end: size }], reader);
  return root!;
}
