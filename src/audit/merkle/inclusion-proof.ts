import { MedVeilError } from '../../errors.js';
import type { HashReader } from './hash-reader.js';
import { rangeHashes, type LeafRange } from './range-hashes.js';
import { splitPoint } from './stored-hash-index.js';
import { requireTreeSize } from './tree-size.js';

/**
 * The audit path PATH(index, D[0:size]) of RFC 6962 2.1.1, lowest sibling first: the proof
 * that leaf `index` is in the tree of `size` leaves. Reads at most 2·log2(size) stored hashes.
 */
export async function inclusionProof(index: number, size: number, reader: HashReader): Promise<Uint8Array[]> {
  requireTreeSize('index', index);
  requireTreeSize('size', size);
  if (index >= size) {
    throw new MedVeilError('usage', `no leaf ${index} in a tree of ${size} leaves`);
  }
  // PATH(m, D[lo:hi]) = PATH(m, D[lo:lo+k]) : MTH(D[lo+k:hi]) when m < k, else
  // PATH(m - k, D[lo+k:hi]) : MTH(D[lo:lo+k]); the siblings are collected top-down here.
  const siblings: LeafRange[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      siblings.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      siblings.push({ start: lo, end: lo + k });
      lo += k;
    }
  }
  siblings.reverse();
  return rangeHashes(siblings, reader);
}
