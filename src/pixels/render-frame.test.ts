import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { test } from 'node:test';
import type { DecodedFrame } from './frame-codec.js';
import { jpegBaselineCodec } from './codec-jpeg-baseline.js';
import { renderColour } from './render-colour.js';
import { encodeRendered, fitWithin, renderDecodedFrame } from './render-frame.js';
import { testGeometry } from './testing-image-file.js';

const facts = { window: undefined, rescale: { slope: 1, intercept: 0 } };

/** The scanlines of a PNG written by encodePng (one IDAT), filter bytes removed. */
function pngPixels(png: Buffer): { width: number; height: number; colourType: number; samples: number[] } {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const colourType = png[25]!;
  const length = png.readUInt32BE(33);
  const raw = inflateSync(png.subarray(41, 41 + length));
  const rowLength = raw.length / height;
  const samples: number[] = [];
  for (let row = 0; row < height; row++) samples.push(...raw.subarray(row * rowLength + 1, (row + 1) * rowLength));
  return { width, height, colourType, samples };
}

test('renderColour() passes RGB through, planar or interleaved, and scales 16-bit samples from Bits Stored', () => {
  const interleaved: DecodedFrame = { geometry: testGeometry({ rows: 1, columns: 2, samplesPerPixel: 3, photometricInterpretation: 'RGB' }), samples: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
  assert.deepEqual([...renderColour(interleaved).samples], [1, 2, 3, 4, 5, 6]);
  const planar: DecodedFrame = { geometry: testGeometry({ rows: 1, columns: 2, samplesPerPixel: 3, photometricInterpretation: 'RGB', planarConfiguration: 1 }), samples: Uint8Array.from([1, 4, 2, 5, 3, 6]) };
  assert.deepEqual([...renderColour(planar).samples], [1, 2, 3, 4, 5, 6]);
  const wide = Buffer.alloc(6);
  [0xfff, 0x800, 0].forEach((v, i) => wide.writeUInt16LE(v, i * 2));
  const twelve: DecodedFrame = { geometry: testGeometry({ rows: 1, columns: 1, samplesPerPixel: 3, photometricInterpretation: 'RGB', bitsAllocated: 16, bitsStored: 12 }), samples: wide };
  assert.deepEqual([...renderColour(twelve).samples], [255, 128, 0]);
});

test('renderColour() converts YBR_FULL and YBR_FULL_422 by the full-range equations of PS3.3 C.7.6.3.1.2', () => {
  // Grey has no chroma: Y passes through. Pure red (255, 0, 0) is Y 76, Cb 85, Cr 255 in full range.
  const full: DecodedFrame = { geometry: testGeometry({ rows: 1, columns: 2, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL' }), samples: Uint8Array.from([100, 128, 128, 76, 85, 255]) };
  const [g1, g2, g3, r, g, b] = renderColour(full).samples;
  assert.deepEqual([g1, g2, g3], [100, 100, 100]);
  assert.ok(r! >= 253 && g! <= 2 && b! <= 2, `${r} ${g} ${b}`);
  const pairs: DecodedFrame = { geometry: testGeometry({ rows: 1, columns: 2, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL_422' }), samples: Uint8Array.from([50, 200, 128, 128]) };
  assert.deepEqual([...renderColour(pairs).samples], [50, 50, 50, 200, 200, 200]);
});

test('renderColour() refuses PALETTE COLOR by name: a decoded frame has no lookup tables', () => {
  const palette: DecodedFrame = { geometry: testGeometry({ rows: 1, columns: 1, photometricInterpretation: 'PALETTE COLOR' }), samples: Uint8Array.from([3]) };
  assert.throws(() => renderColour(palette), /PALETTE COLOR is not supported/);
});

test('renderDecodedFrame() writes grey PNGs with colour type 0 and colour ones with colour type 2, scaled into the box', async () => {
  const grey: DecodedFrame = { geometry: testGeometry({ rows: 2, columns: 4 }), samples: Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 70]) };
  const png = pngPixels(await renderDecodedFrame(grey, facts, { mediaType: 'image/png', fit: { width: 2, height: 2 } }));
  assert.deepEqual([png.width, png.height, png.colourType], [2, 1, 0]);
  assert.deepEqual(png.samples, [0, 73]);
  const rgb: DecodedFrame = { geometry: testGeometry({ rows: 1, columns: 1, samplesPerPixel: 3, photometricInterpretation: 'RGB' }), samples: Uint8Array.from([9, 8, 7]) };
  const colour = pngPixels(await renderDecodedFrame(rgb, facts, { mediaType: 'image/png' }));
  assert.deepEqual([colour.colourType, ...colour.samples], [2, 9, 8, 7]);
});

test('encodeRendered() writes JPEG that decodes back close to the image, grey and colour', async () => {
  const samples = new Uint8Array(16 * 16 * 3).map((_, i) => (i * 7) % 256 > 128 ? 200 : 40);
  const jpeg = await encodeRendered({ width: 16, height: 16, channels: 3, samples }, 'image/jpeg');
  assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
  const decoded = await jpegBaselineCodec.decode(jpeg, testGeometry({ rows: 16, columns: 16, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL' }));
  assert.equal(decoded.samples.length, samples.length);
  const grey = await encodeRendered({ width: 5, height: 3, channels: 1, samples: new Uint8Array(15).fill(90) }, 'image/jpeg');
  const back = await jpegBaselineCodec.decode(grey, testGeometry({ rows: 3, columns: 5 }));
  assert.ok([...back.samples].every((v) => Math.abs(v - 90) <= 2));
});

test('fitWithin() scales down to the box keeping the aspect, whole pixels of every channel, and never up', () => {
  const image = { width: 4, height: 2, channels: 1 as const, samples: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
  const half = fitWithin(image, 2, 2);
  assert.deepEqual([half.width, half.height, ...half.samples], [2, 1, 1, 3]);
  assert.equal(fitWithin(image, 100, 100), image);
  const rgb = { width: 2, height: 1, channels: 3 as const, samples: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
  assert.deepEqual([...fitWithin(rgb, 1, 1).samples], [1, 2, 3]);
});
