import { type VR, numericWidth } from './vr.js';

/**
 * Width of the unit whose byte order flips between little and big endian (PS3.5 7.3).
 * AT is an ordered pair of 16-bit unsigned integers (PS3.5 6.2), so it swaps by 2, not 4.
 * Text, OB and UN have no byte order.
 */
export function swapWidth(vr: VR): number {
  return vr === 'AT' ? 2 : numericWidth(vr);
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
