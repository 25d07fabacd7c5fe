import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImagePixelFacts } from './pixel-frames.js';
import { fitWithin, renderingProblem, renderMonochrome } from './render-monochrome.js';

const facts = (overrides: Partial<ImagePixelFacts> = {}): ImagePixelFacts => ({
  rows: 1,
  columns: 5,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 12,
  pixelRepresentation: 0,
  photometricInterpretation: 'MONOCHROME2',
  numberOfFrames: 1,
  ...overrides,
});

const frame16 = (values: number[]) => {
  const out = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => out.writeUInt16LE(v & 0xffff, i * 2));
  return out;
};

test('the linear window of PS3.3 C.11.2.1.2.1 maps values below, inside and above it', () => {
  // c = 100, w = 101: 0 at or below 49.5, 255 above 149.5, linear between.
  const image = renderMonochrome(frame16([0, 49, 100, 150, 4095]), facts(), { window: { center: 100, width: 101 }, rescale: { slope: 1, intercept: 0 } });
  // 100 is (100 - 99.5) / 100 + 0.5 of the way: 128.775.
  assert.deepEqual([...image.samples], [0, 0, 129, 255, 255]);
});

test('stored values are masked to Bits Stored, sign-extended when signed, then rescaled', () => {
  // 0xF000 | 5: the bits above Bits Stored are not part of the value.
  const masked = renderMonochrome(frame16([0xf005, 0]), facts({ columns: 2 }), { window: { center: 5.5, width: 2 }, rescale: { slope: 1, intercept: 0 } });
  assert.deepEqual([...masked.samples], [128, 0]);
  // 0xFFF is -1 as a signed 12-bit value; slope 2, intercept 10 gives 8 and 10.
  const signed = renderMonochrome(frame16([0xfff, 0]), facts({ columns: 2, pixelRepresentation: 1 }), { window: { center: 9.5, width: 2 }, rescale: { slope: 2, intercept: 10 } });
  assert.deepEqual([...signed.samples], [0, 255]);
});

test('without a window the frame\'s own range is used, and MONOCHROME1 is inverted', () => {
  const values = [10, 20, 30];
  const two = renderMonochrome(frame16(values), facts({ columns: 3 }), { rescale: { slope: 1, intercept: 0 } });
  const one = renderMonochrome(frame16(values), facts({ columns: 3, photometricInterpretation: 'MONOCHROME1' }), { rescale: { slope: 1, intercept: 0 } });
  assert.equal(two.samples[0], 0);
  assert.equal(two.samples[2], 255);
  assert.deepEqual([...one.samples], [...two.samples].map((v) => 255 - v));
});

test('renderingProblem() names what is not rendered yet: colour, several samples, other bit depths', () => {
  assert.equal(renderingProblem(facts()), undefined);
  assert.match(renderingProblem(facts({ photometricInterpretation: 'RGB' }))!, /MONOCHROME/);
  assert.match(renderingProblem(facts({ samplesPerPixel: 3 }))!, /one sample/);
  assert.match(renderingProblem(facts({ bitsAllocated: 32, bitsStored: 32 }))!, /8 or 16/);
});

test('fitWithin() scales down to the box keeping the aspect, and never up', () => {
  const image = { width: 4, height: 2, samples: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
  const half = fitWithin(image, 2, 2);
  assert.deepEqual([half.width, half.height, ...half.samples], [2, 1, 1, 3]);
  assert.equal(fitWithin(image, 100, 100), image);
});
