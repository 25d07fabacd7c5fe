/**
 * Clears what a frame holds above its High Bit. The retired usage of PS3.5 8.1.2 (and older
 * ACR-NEMA practice) kept overlay planes, often annotations, in the unused high bits of
 * monochrome Pixel Data; a viewer that shows only the stored bits hides them, a tool that reads
 * the whole sample does not. Unsigned samples get zeros there, signed ones the sign extended,
 * so that every sample keeps its value. High Bit is taken as Bits Stored - 1, as `writeFrames`
 * writes it.
 */
import type { DecodedFrame } from './frame-codec.js';
import { littleEndianWords } from './little-endian-words.js';

export function clearBitsAboveHighBit(frame: DecodedFrame): { frame: DecodedFrame; changed: boolean } {
  const { geometry } = frame;
  const { bitsAllocated, bitsStored } = geometry;
  if (geometry.samplesPerPixel !== 1 || bitsStored >= bitsAllocated || (bitsAllocated !== 8 && bitsAllocated !== 16)) return { frame, changed: false };
  const mask = 2 ** bitsStored - 1;
  // Signed samples whose stored sign bit is set get every bit above it set.
  const signBit = geometry.pixelRepresentation === 1 ? 2 ** (bitsStored - 1) : 0;
  const high = (2 ** bitsAllocated - 1) & ~mask;
  const source = frame.samples;
  const out = bitsAllocated === 8 ? clearBytes(source, mask, signBit, high) : clearWords(source, mask, signBit, high);
  return out === undefined ? { frame, changed: false } : { frame: { geometry, samples: out }, changed: true };
}

// One small loop per sample width, each seeing only numbers and one array type, so that V8 keeps
// them optimised: a shared loop with a DataView beside the array was deoptimised on large frames
// and ran some fifty times slower.

function clean(raw: number, mask: number, signBit: number, high: number): number {
  const low = raw & mask;
  return (low & signBit) !== 0 ? high | low : low;
}

function clearBytes(source: Uint8Array, mask: number, signBit: number, high: number): Uint8Array | undefined {
  let out: Uint8Array | undefined;
  for (let i = 0; i < source.length; i++) {
    const value = clean(source[i]!, mask, signBit, high);
    if (value === source[i]) continue;
    out ??= new Uint8Array(source);
    out[i] = value;
  }
  return out;
}

function clearWords(source: Uint8Array, mask: number, signBit: number, high: number): Uint8Array | undefined {
  const words = littleEndianWords(source);
  if (words === undefined || source.length % 2 !== 0) return clearWordsByteByByte(source, mask, signBit, high);
  let out: Uint16Array | undefined;
  for (let i = 0; i < words.length; i++) {
    const value = clean(words[i]!, mask, signBit, high);
    if (value === words[i]) continue;
    out ??= new Uint16Array(words);
    out[i] = value;
  }
  return out === undefined ? undefined : new Uint8Array(out.buffer, 0, words.length * 2);
}

function clearWordsByteByByte(source: Uint8Array, mask: number, signBit: number, high: number): Uint8Array | undefined {
  let out: Uint8Array | undefined;
  const count = source.length >>> 1;
  for (let i = 0; i < count; i++) {
    const raw = source[2 * i]! | (source[2 * i + 1]! << 8);
    const value = clean(raw, mask, signBit, high);
    if (value === raw) continue;
    out ??= new Uint8Array(source);
    out[2 * i] = value & 0xff;
    out[2 * i + 1] = value >>> 8;
  }
  return out;
}
