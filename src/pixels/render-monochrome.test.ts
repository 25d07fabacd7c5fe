import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DecodedFrame, FrameGeometry } from './frame-codec.js';
import { renderMonochrome } from './render-monochrome.js';

const geometry = (overrides: Partial<FrameGeometry> = {}): FrameGeometry => ({
  rows: 1,
  columns: 5,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 12,
  pixelRepresentation: 0,
  photometricInterpretation: 'MONOCHROME2',
  planarConfiguration: 0,
  ...overrides,
});

const frame16 = (values: number[], overrides: Partial<FrameGeometry> = {}): DecodedFrame => {
  const out = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => out.writeUInt16LE(v & 0xffff, i * 2));
  return { geometry: geometry({ columns: values.length, ...overrides }), samples: out };
};

test('the linear window of PS3.3 C.11.2.1.2.1 maps values below, inside and above it', () => {
  // c = 100, w = 101: 0 at or below 49.5, 255 above 149.5, linear between.
  const image = renderMonochrome(frame16([0, 49, 100, 150, 4095]), { window: { center: 100, width: 101 }, rescale: { slope: 1, intercept: 0 } });
  // 100 is (100 - 99.5) / 100 + 0.5 of the way: 128.775.
  assert.deepEqual([...image.samples], [0, 0, 129, 255, 255]);
});

test('stored values are masked to Bits Stored, sign-extended when signed, then rescaled', () => {
  // 0xF000 | 5: the bits above Bits Stored are not part of the value.
  const masked = renderMonochrome(frame16([0xf005, 0]), { window: { center: 5.5, width: 2 }, rescale: { slope: 1, intercept: 0 } });
  assert.deepEqual([...masked.samples], [128, 0]);
  // 0xFFF is -1 as a signed 12-bit value; slope 2, intercept 10 gives 8 and 10.
  const signed = renderMonochrome(frame16([0xfff, 0], { pixelRepresentation: 1 }), { window: { center: 9.5, width: 2 }, rescale: { slope: 2, intercept: 10 } });
  assert.deepEqual([...signed.samples], [0, 255]);
});

test('without a window the frame\'s own range is used, and MONOCHROME1 is inverted', () => {
  const values = [10, 20, 30];
  const two = renderMonochrome(frame16(values), { rescale: { slope: 1, intercept: 0 } });
  const one = renderMonochrome(frame16(values, { photometricInterpretation: 'MONOCHROME1' }), { rescale: { slope: 1, intercept: 0 } });
  assert.equal(two.samples[0], 0);
  assert.equal(two.samples[2], 255);
  assert.deepEqual([...one.samples], [...two.samples].map((v) => 255 - v));
});

test('8-bit, 1-bit and 32-bit frames render from their own widths', () => {
  const eight = renderMonochrome({ geometry: geometry({ columns: 2, bitsAllocated: 8, bitsStored: 8 }), samples: Uint8Array.from([0, 200]) }, { rescale: { slope: 1, intercept: 0 } });
  assert.deepEqual([...eight.samples], [0, 255]);
  const oneBit = renderMonochrome({ geometry: geometry({ columns: 3, bitsAllocated: 1, bitsStored: 1 }), samples: Uint8Array.from([0b101]) }, { rescale: { slope: 1, intercept: 0 } });
  assert.deepEqual([...oneBit.samples], [255, 0, 255]);
  const wide = Buffer.alloc(8);
  wide.writeUInt32LE(70_000, 4);
  const thirtyTwo = renderMonochrome({ geometry: geometry({ columns: 2, bitsAllocated: 32, bitsStored: 32 }), samples: wide }, { rescale: { slope: 1, intercept: 0 } });
  assert.deepEqual([...thirtyTwo.samples], [0, 255]);
});

test('16-bit samples render the same at an odd address (read byte by byte) as at an even one, signed and MONOCHROME1 too', () => {
  for (const overrides of [{}, { pixelRepresentation: 1 as const }, { photometricInterpretation: 'MONOCHROME1' }]) {
    const even = frame16([0, 0xfff, 0x800, 0x7ff, 17, 0xf123], overrides);
    const odd = new Uint8Array(even.samples.length + 1).subarray(1);
    odd.set(even.samples);
    for (const window of [undefined, { center: 100, width: 300 }]) {
      const options = { window, rescale: { slope: 1.5, intercept: -20 } };
      assert.deepEqual([...renderMonochrome({ ...even, samples: odd }, options).samples], [...renderMonochrome(even, options).samples], JSON.stringify(overrides));
    }
  }
});
