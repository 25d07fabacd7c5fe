/**
 * Synthetic frames for codec tests: a smooth gradient with a deterministic pattern of sharp
 * edges and noise on top, covering the whole range of Bits Stored (negative values too when
 * signed), written as native little-endian Pixel Data.
 */
import type { DecodedFrame, FrameGeometry } from '../../src/pixels/frame-codec.js';
import { testGeometry } from '../../src/pixels/testing-image-file.js';

export function syntheticGeometry(overrides: Partial<FrameGeometry>): FrameGeometry {
  return testGeometry({ rows: 37, columns: 53, ...overrides });
}

export function syntheticFrame(geometry: FrameGeometry, options: { noise?: boolean } = {}): DecodedFrame {
  const { rows, columns, samplesPerPixel, bitsAllocated, bitsStored, pixelRepresentation } = geometry;
  const bytes = bitsAllocated / 8;
  const samples = new Uint8Array(rows * columns * samplesPerPixel * bytes);
  const view = new DataView(samples.buffer);
  const span = 2 ** bitsStored;
  const min = pixelRepresentation === 1 ? -(span / 2) : 0;
  let seed = 12345;
  const pixels = rows * columns;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      for (let s = 0; s < samplesPerPixel; s++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const gradient = ((x + y * 2 + s * 17) / (columns + rows * 2 + 34)) * (span - 1);
        const edge = ((x >> 3) + (y >> 3)) % 2 === 0 ? 0 : span / 4;
        const noise = options.noise === false ? 0 : (seed % 7) - 3;
        const value = Math.min(span - 1, Math.max(0, Math.round(gradient / 2 + edge + noise))) + min;
        const index = geometry.planarConfiguration === 1 ? s * pixels + y * columns + x : (y * columns + x) * samplesPerPixel + s;
        if (bytes === 1) view.setUint8(index, value & 0xff);
        else view.setUint16(index * 2, value & 0xffff, true);
      }
    }
  }
  return { geometry, samples };
}

/** The largest difference between two frames' samples, read with the geometry's sign and size. */
export function maxSampleDifference(a: Uint8Array, b: Uint8Array, geometry: FrameGeometry): number {
  if (a.length !== b.length) return Infinity;
  const read = sampleReader(geometry);
  let max = 0;
  const count = a.length / (geometry.bitsAllocated / 8);
  for (let i = 0; i < count; i++) max = Math.max(max, Math.abs(read(a, i) - read(b, i)));
  return max;
}

function sampleReader(geometry: FrameGeometry): (bytes: Uint8Array, index: number) => number {
  const signed = geometry.pixelRepresentation === 1;
  if (geometry.bitsAllocated === 8) return (bytes, i) => (signed ? (bytes[i]! << 24) >> 24 : bytes[i]!);
  return (bytes, i) => {
    const value = bytes[i * 2]! | (bytes[i * 2 + 1]! << 8);
    return signed ? (value << 16) >> 16 : value;
  };
}
