import type { Dataset } from './dataset.js';
import type { DataElement } from './element.js';
import { Tag } from './tag.js';
import { type VR, numericWidth } from './vr.js';

/**
 * Width of the unit whose byte order flips between little and big endian (PS3.5 7.3).
 * AT is an ordered pair of 16-bit unsigned integers (PS3.5 6.2), so it swaps by 2, not 4.
 * Text, OB and UN have no byte order.
 */
export function swapWidth(vr: VR): number {
  return vr === 'AT' ? 2 : numericWidth(vr);
}

/**
 * The unit a big endian file swaps in a Pixel Data value of `vr` whose samples have
 * `bitsAllocated` bits: OB none; OW by 16-bit words, so 8-bit samples in OW travel as swapped
 * pairs (PS3.5 8.2); and OW samples wider than 16 bits (32, 64) as a whole sample.
 *
 * The last part is a convention, not a reading of the standard. PS3.5 8.2 packs Pixel Cells into
 * a stream of 16-bit words and orders each word, which puts a 32-bit sample's low word first in
 * a big endian file too; dcmtk (dcmconv +te, +tb) does that. pydicom reads big endian samples
 * whole (numpy '>u4'), and its sample files rtdose_expb.dcm and rtdose.dcm hold the same doses
 * only that way. The pixel stage (src/pixels/native-byte-order.ts) follows pydicom, and the
 * writer must agree with the reader. For 8 and 16 bits the two readings, pydicom and dcmtk agree.
 */
export function pixelDataSwapWidth(vr: VR, bitsAllocated: number | undefined): number {
  const word = swapWidth(vr);
  if (vr !== 'OW' || bitsAllocated === undefined || bitsAllocated <= 16 || bitsAllocated % 16 !== 0) return word;
  return bitsAllocated / 8;
}

/** The unit `element`'s value swaps by when `dataset`, which holds it, changes byte order. */
export function valueSwapWidth(element: DataElement, dataset: Dataset): number {
  if (element.tag !== Tag.PixelData) return swapWidth(element.vr);
  return pixelDataSwapWidth(element.vr, dataset.getNumber(Tag.BitsAllocated));
}

/** A copy of `value` with every `width`-byte unit reversed; the input when nothing swaps. */
export function swapBytes(value: Uint8Array, width: number): Uint8Array {
  if (width <= 1) return value;
  const out = new Uint8Array(value.length);
  const whole = value.length - (value.length % width);
  for (let at = 0; at < whole; at += width) {
    for (let i = 0; i < width; i++) out[at + i] = value[at + width - 1 - i]!;
  }
  out.set(value.subarray(whole), whole);
  return out;
}
