import { MedVeilError } from '../../errors.js';
import type { HashReader } from './hash-reader.js';
import { rangeHashes, type LeafRange } from './range-hashes.js';
import { splitPoint } from './stored-hash-index.js';
import { requireTreeSize } from './tree-size.js';

/**
 * The consistency proof PROOF(size1, D[0:size2]) of RFC 6962 2.1.2: the hashes that let a
 * verifier holding the root of the first `size1` leaves recompute it and the root of `size2`
 * leaves. Empty when the sizes are equal. Reads at most 2·log2(size2) stored hashes.
 */
export async function consistencyProof(size1: number, size2: number, reader: HashReader): Promise<Uint8Array[]> {
  requireTreeSize('size1', size1);
  requireTreeSize('size2', size2);
  if (size1 === 0 || size1 > size2) {
    throw new MedVeilError('usage', `no consistency proof from size ${size1} to size ${size2}: need 0 < size1 <= size2`);
  }
  // SUBPROOF(m, D[lo:hi], b): when m = hi - lo the subtree itself is the answer unless it is
  // the original old tree (b true); otherwise descend left (m <= k) or right, collecting the
  // other half as a sibling.
  const parts: LeafRange[] = [];
  let m = size1;
  let lo = 0;
  let hi = size2;
  let isOldTree = true;
  for (;;) {
    if (m === hi - lo) {
      if (!isOldTree) parts.push({ start: lo, end: hi });
      break;
    }
    const k = splitPoint(hi - lo);
    if (m <= k) {
      parts.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      parts.push({ start: lo, end: lo + k });
      lo += k;
      m -= k;
      isOldTree = false;
    }
  }
  parts.reverse();
  return rangeHashes(parts, reader);
}
