/**
 * RLE Lossless encoding (PS3.5 Annex G; the format is described in `rle-decode.ts`). Each row
 * of each byte plane is packed on its own (G.3.1 encodes row by row), with replicate runs for
 * three or more equal bytes and literal runs between them, at most 128 bytes per run; each
 * segment is padded to even length with a zero byte (G.4).
 */
import { MedVeilError } from '../errors.js';
import type { FrameGeometry } from './frame-codec.js';
import { RLE_HEADER_LENGTH, RLE_MAX_SEGMENTS, rleBytesPerSample } from './rle-decode.js';

/** Encodes samples in native little endian layout with `geometry`'s planar configuration. */
export function encodeRleFrame(samples: Uint8Array, geometry: FrameGeometry): Uint8Array {
  const bytesPerSample = rleBytesPerSample(geometry);
  const count = geometry.samplesPerPixel * bytesPerSample;
  if (count > RLE_MAX_SEGMENTS) throw new MedVeilError('pixels', `RLE Lossless holds at most 15 segments, not ${count}`);
  const { rows, columns } = geometry;
  const pixels = rows * columns;
  if (samples.length !== pixels * count) {
    throw new MedVeilError('pixels', `a frame of this geometry holds ${pixels * count} bytes of samples, not ${samples.length}`);
  }
  const plane = new Uint8Array(pixels);
  const segments: Uint8Array[] = [];
  // Worst case per row: the bytes, a literal header per 128 of them and one more; then the padding byte.
  const scratch = new Uint8Array(pixels + rows * (Math.ceil(columns / 128) + 1) + 1);
  for (let k = 0; k < count; k++) {
    const sample = Math.floor(k / bytesPerSample);
    const byte = bytesPerSample - 1 - (k % bytesPerSample);
    const [start, step] = geometry.planarConfiguration === 1
      ? [sample * pixels * bytesPerSample + byte, bytesPerSample]
      : [sample * bytesPerSample + byte, count];
    for (let p = 0, at = start; p < pixels; p++, at += step) plane[p] = samples[at]!;
    let length = 0;
    for (let row = 0; row < rows; row++) length = packBits(plane, row * columns, (row + 1) * columns, scratch, length);
    if (length % 2 === 1) scratch[length++] = 0;
    segments.push(scratch.slice(0, length));
  }

  const total = RLE_HEADER_LENGTH + segments.reduce((sum, segment) => sum + segment.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, count, true);
  let at = RLE_HEADER_LENGTH;
  segments.forEach((segment, k) => {
    view.setUint32(4 + 4 * k, at, true);
    out.set(segment, at);
    at += segment.length;
  });
  return out;
}

/** PackBits of `input[start, end)` appended to `out` at `at`; returns the new end. */
function packBits(input: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  let i = start;
  while (i < end) {
    const run = runLength(input, i, end);
    if (run >= 3) {
      out[at++] = 257 - run;
      out[at++] = input[i]!;
      i += run;
      continue;
    }
    let j = i + run;
    // A literal run stops where three equal bytes begin.
    while (j < end && j - i < 128 && !(j + 2 < end && input[j] === input[j + 1] && input[j] === input[j + 2])) j++;
    const length = Math.min(j - i, 128);
    out[at++] = length - 1;
    out.set(input.subarray(i, i + length), at);
    at += length;
    i += length;
  }
  return at;
}

/** Equal bytes from `i`, at most 128. */
function runLength(input: Uint8Array, i: number, end: number): number {
  const value = input[i];
  let n = 1;
  while (i + n < end && n < 128 && input[i + n] === value) n++;
  return n;
}
