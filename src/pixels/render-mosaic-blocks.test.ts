import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecodedFrame, FrameGeometry } from './frame-codec.js';
import { mosaicBlocks, mosaicFrame } from './mosaic.js';
import { type RenderFacts, renderDecodedFrame, renderMosaicBlocks } from './render-frame.js';
import { testGeometry } from './testing-image-file.js';

/** Samples from a fixed linear congruential sequence, so that every square has its own mean. */
function frameOf(geometry: FrameGeometry, seed: number): DecodedFrame {
  const samples = new Uint8Array(geometry.rows * geometry.columns * geometry.samplesPerPixel * (geometry.bitsAllocated / 8));
  let state = seed;
  for (let i = 0; i < samples.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    samples[i] = state >>> 24;
  }
  return { geometry, samples };
}

const FACTS: RenderFacts = { window: undefined, rescale: { slope: 1, intercept: 0 } };

describe('a masked rendering made from the mosaic\'s squares', () => {
  const cases: [string, Partial<FrameGeometry>][] = [
    ['16-bit MONOCHROME2, 12 stored', { rows: 37, columns: 53, bitsAllocated: 16, bitsStored: 12 }],
    ['signed 16-bit MONOCHROME2', { rows: 40, columns: 41, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1 }],
    ['8-bit MONOCHROME1', { rows: 23, columns: 30, photometricInterpretation: 'MONOCHROME1' }],
    ['RGB, pixel by pixel', { rows: 21, columns: 19, samplesPerPixel: 3, photometricInterpretation: 'RGB' }],
    ['RGB, plane by plane', { rows: 21, columns: 19, samplesPerPixel: 3, photometricInterpretation: 'RGB', planarConfiguration: 1 }],
    ['YBR_FULL', { rows: 16, columns: 22, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL' }],
  ];
  for (const [name, overrides] of cases) {
    it(`is the picture of the whole mosaic, byte for byte: ${name}`, async () => {
      const frame = frameOf(testGeometry(overrides), name.length);
      for (const blockSize of [2, 5, 8]) {
        for (const request of [{ mediaType: 'image/png' as const }, { mediaType: 'image/png' as const, fit: { width: 11, height: 9 } }]) {
          const whole = await renderDecodedFrame(mosaicFrame(frame, blockSize), FACTS, request);
          const blocks = mosaicBlocks(frame, blockSize);
          assert.ok(blocks !== undefined);
          assert.deepEqual([blocks.geometry.rows, blocks.geometry.columns], [Math.ceil(frame.geometry.rows / blockSize), Math.ceil(frame.geometry.columns / blockSize)]);
          const fromBlocks = await renderMosaicBlocks(blocks, blockSize, frame.geometry, FACTS, request);
          assert.ok(whole.equals(fromBlocks), `block ${blockSize}, fit ${JSON.stringify(request.fit)}`);
        }
      }
    });
  }

  it('is not offered where squares are not square in samples (YBR_FULL_422) or not whole bytes (1 bit)', () => {
    assert.equal(mosaicBlocks(frameOf(testGeometry({ rows: 4, columns: 8, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL_422' }), 1), 2), undefined);
    assert.equal(mosaicBlocks({ geometry: testGeometry({ rows: 8, columns: 8, bitsAllocated: 1, bitsStored: 1 }), samples: new Uint8Array(8) }, 2), undefined);
  });
});
