/**
 * Native Pixel Data (PS3.5 8.1.1) cut into frames and joined back. Frames follow each other
 * without padding; with Bits Allocated 1 they are bit ranges that need not start on a byte
 * ("the first pixel of the next frame directly follows the last pixel of the previous one"),
 * so such frames are repacked to start at bit 0 of their own bytes, and packed back across
 * byte boundaries on the way in. Whole-byte frames are views of the value, never copies.
 */
import { MedVeilError } from '../errors.js';
import type { FrameGeometry } from './frame-codec.js';
import { frameBitLength, frameByteLength } from './frame-geometry.js';

export function splitNativeFrames(value: Uint8Array, geometry: FrameGeometry, numberOfFrames: number): Uint8Array[] {
  const bits = frameBitLength(geometry);
  const needed = Math.ceil((bits * numberOfFrames) / 8);
  if (value.length < needed) {
    throw new MedVeilError(
      'pixels',
      `the Pixel Data holds ${value.length} bytes, fewer than the ${needed} of ${numberOfFrames} frame(s) of ` +
        `${geometry.rows} x ${geometry.columns} x ${geometry.samplesPerPixel} samples of ${geometry.bitsAllocated} bits`,
    );
  }
  const frames: Uint8Array[] = [];
  for (let index = 0; index < numberOfFrames; index++) {
    frames.push(bits % 8 === 0 ? value.subarray((index * bits) / 8, ((index + 1) * bits) / 8) : bitRange(value, index * bits, bits));
  }
  return frames;
}

/** The Pixel Data value of `frames`, each `frameByteLength(geometry)` bytes; even length (PS3.5 7.1.1). */
export function joinNativeFrames(frames: readonly Uint8Array[], geometry: FrameGeometry): Uint8Array {
  const bits = frameBitLength(geometry);
  const frameBytes = frameByteLength(geometry);
  for (const frame of frames) {
    if (frame.length !== frameBytes) {
      throw new MedVeilError('pixels', `a native frame of this geometry is ${frameBytes} bytes, not ${frame.length}`);
    }
  }
  const total = Math.ceil((bits * frames.length) / 8);
  const out = new Uint8Array(total + (total % 2));
  if (bits % 8 === 0) {
    frames.forEach((frame, index) => out.set(frame, index * frameBytes));
    return out;
  }
  frames.forEach((frame, index) => writeBits(out, index * bits, frame, bits));
  return out;
}

/** `count` bits from bit `start`, the first pixel in the lowest bit of each byte (PS3.5 8.1.1), moved to start at bit 0. */
function bitRange(bytes: Uint8Array, start: number, count: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(count / 8));
  const shift = start & 7;
  const first = start >>> 3;
  for (let i = 0; i < out.length; i++) {
    const low = bytes[first + i]! >>> shift;
    const high = shift === 0 ? 0 : (bytes[first + i + 1] ?? 0) << (8 - shift);
    out[i] = (low | high) & 0xff;
  }
  const spare = out.length * 8 - count;
  if (spare > 0) out[out.length - 1]! &= 0xff >>> spare;
  return out;
}

function writeBits(out: Uint8Array, start: number, bits: Uint8Array, count: number): void {
  for (let i = 0; i < count; i++) {
    if ((bits[i >>> 3]! >>> (i & 7)) & 1) {
      const at = start + i;
      out[at >>> 3]! |= 1 << (at & 7);
    }
  }
}
