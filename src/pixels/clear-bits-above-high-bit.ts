/**
 * Clears what a frame holds above its High Bit. The retired usage of PS3.5 8.1.2 (and older
 * ACR-NEMA practice) kept overlay planes, often annotations, in the unused high bits of
 * monochrome Pixel Data; a viewer that shows only the stored bits hides them, a tool that reads
 * the whole sample does not. Unsigned samples get zeros there, signed ones the sign extended,
 * so that every sample keeps its value. High Bit is taken as Bits Stored - 1, as `writeFrames`
 * writes it.
 */
import type { DecodedFrame } from './frame-codec.js';

export function clearBitsAboveHighBit(frame: DecodedFrame): { frame: DecodedFrame; changed: boolean } {
  const { geometry } = frame;
  const { bitsAllocated, bitsStored } = geometry;
  if (geometry.samplesPerPixel !== 1 || bitsStored >= bitsAllocated || (bitsAllocated !== 8 && bitsAllocated !== 16)) return { frame, changed: false };
  const source = frame.samples;
  const view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  const width = bitsAllocated / 8;
  const count = Math.floor(source.byteLength / width);
  const mask = 2 ** bitsStored - 1;
  const sign = 2 ** (bitsStored - 1);
  const full = 2 ** bitsAllocated - 1;
  const signed = geometry.pixelRepresentation === 1;
  let out: Uint8Array | undefined;
  for (let i = 0; i < count; i++) {
    const raw = width === 1 ? source[i]! : view.getUint16(i * 2, true);
    const low = raw & mask;
    const clean = signed && (low & sign) !== 0 ? (full & ~mask) | low : low;
    if (clean === raw) continue;
    out ??= new Uint8Array(source);
    if (width === 1) out[i] = clean;
    else { out[i * 2] = clean & 0xff; out[i * 2 + 1] = clean >>> 8; }
  }
  return out === undefined ? { frame, changed: false } : { frame: { geometry, samples: out }, changed: true };
}
