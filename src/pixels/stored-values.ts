/**
 * The stored value of each sample of a decoded frame (PS3.5 8.1.1): masked to Bits Stored and
 * sign-extended when Pixel Representation is 1, as numbers. Shared by the mosaic and the
 * monochrome renderer; one small loop per sample width, since V8 optimises a function with one
 * hot loop far better than one with several.
 */
import { MedVeilError } from '../errors.js';
import type { DecodedFrame } from './frame-codec.js';
import { littleEndianWords } from './little-endian-words.js';

/** The first `count` samples' stored values, in the frame's own order. */
export function storedValues(frame: DecodedFrame, count: number): Float64Array {
  const { geometry, samples } = frame;
  const { bitsAllocated, bitsStored } = geometry;
  if (bitsAllocated !== 1 && bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) {
    throw new MedVeilError('pixels', `samples of Bits Allocated ${bitsAllocated} are not supported`);
  }
  if (samples.length * 8 < count * bitsAllocated) {
    throw new MedVeilError('pixels', `a frame of ${geometry.rows} x ${geometry.columns} holds ${samples.length} bytes, too few for its samples`);
  }
  const values = new Float64Array(count);
  const signed = geometry.pixelRepresentation === 1;
  if (bitsAllocated === 1) readBits(samples, values);
  else if (bitsStored === 32) readWholeWords(samples, values, signed);
  else readStoredBits(samples, values, bitsAllocated / 8, bitsStored, signed);
  return values;
}

function readBits(samples: Uint8Array, values: Float64Array): void {
  for (let i = 0; i < values.length; i++) values[i] = (samples[i >> 3]! >> (i & 7)) & 1;
}

function readWholeWords(samples: Uint8Array, values: Float64Array, signed: boolean): void {
  const view = new DataView(samples.buffer, samples.byteOffset, samples.byteLength);
  for (let i = 0; i < values.length; i++) values[i] = signed ? view.getInt32(i * 4, true) : view.getUint32(i * 4, true);
}

/** Samples of 1, 2 or 4 bytes with fewer than 32 bits stored: the stored bits, sign-extended when signed. */
function readStoredBits(samples: Uint8Array, values: Float64Array, width: number, bitsStored: number, signed: boolean): void {
  const mask = bitsStored === 31 ? 0x7fffffff : (1 << bitsStored) - 1;
  const half = 2 ** (bitsStored - 1);
  const range = 2 ** bitsStored;
  const words = width === 2 ? littleEndianWords(samples) : undefined;
  if (words !== undefined) {
    readWords(words, values, mask, signed ? half : Infinity, range);
    return;
  }
  const view = new DataView(samples.buffer, samples.byteOffset, samples.byteLength);
  for (let i = 0, at = 0; i < values.length; i++, at += width) {
    const raw = width === 1 ? samples[at]! : width === 2 ? view.getUint16(at, true) : view.getUint32(at, true);
    const stored = raw & mask;
    values[i] = signed && stored >= half ? stored - range : stored;
  }
}

/** Stored bits of 16-bit samples; `half` is Infinity for unsigned ones. */
function readWords(words: Uint16Array, values: Float64Array, mask: number, half: number, range: number): void {
  for (let i = 0; i < values.length; i++) {
    const stored = words[i]! & mask;
    values[i] = stored >= half ? stored - range : stored;
  }
}
