import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedVeilError } from '../errors.js';
import type { FrameGeometry } from './frame-codec.js';
import { fillRegions, fillSamples } from './fill-regions.js';
import { placeRegion } from './pixel-region.js';
import { testGeometry, testSamples } from './testing-image-file.js';

/** Which bytes of a frame belong to pixels inside [left,right) x [top,bottom), sample by sample. */
function insideMask(geometry: FrameGeometry, box: { left: number; top: number; right: number; bottom: number }): boolean[] {
  const bytes = geometry.bitsAllocated / 8;
  const { rows, columns, samplesPerPixel } = geometry;
  const mask: boolean[] = new Array(rows * columns * samplesPerPixel * bytes).fill(false);
  for (let row = box.top; row < box.bottom; row++) {
    for (let column = box.left; column < box.right; column++) {
      for (let s = 0; s < samplesPerPixel; s++) {
        const sampleIndex = geometry.planarConfiguration === 1 ? (s * rows + row) * columns + column : (row * columns + column) * samplesPerPixel + s;
        for (let b = 0; b < bytes; b++) mask[sampleIndex * bytes + b] = true;
      }
    }
  }
  return mask;
}

describe('fillSamples()', () => {
  const cases: Array<[string, Partial<FrameGeometry>, number[]]> = [
    ['MONOCHROME2 unsigned 8-bit is 0', {}, [0]],
    ['MONOCHROME2 signed 12-bit is -2048', { bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1 }, [-2048]],
    ['MONOCHROME1 unsigned 12-bit is 4095', { bitsAllocated: 16, bitsStored: 12, photometricInterpretation: 'MONOCHROME1' }, [4095]],
    ['MONOCHROME1 signed 16-bit is 32767', { bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1, photometricInterpretation: 'MONOCHROME1' }, [32767]],
    ['RGB is black', { samplesPerPixel: 3, photometricInterpretation: 'RGB' }, [0, 0, 0]],
    ['YBR_FULL black is Y 0 with neutral chroma', { samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL' }, [0, 128, 128]],
  ];
  for (const [name, overrides, expected] of cases) {
    it(name, () => assert.deepEqual(fillSamples(testGeometry(overrides)), expected));
  }

  it('refuses a colour space without a defined black', () => {
    assert.throws(() => fillSamples(testGeometry({ samplesPerPixel: 3, photometricInterpretation: 'YBR_ICT' })), MedVeilError);
  });
});

describe('fillRegions()', () => {
  const geometries: Array<Partial<FrameGeometry>> = [
    {},
    { bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1, photometricInterpretation: 'MONOCHROME1' },
    { samplesPerPixel: 3, photometricInterpretation: 'RGB' },
    { samplesPerPixel: 3, photometricInterpretation: 'RGB', planarConfiguration: 1, bitsAllocated: 16, bitsStored: 16 },
  ];
  for (const overrides of geometries) {
    const geometry = testGeometry({ rows: 11, columns: 13, ...overrides });
    it(`fills only the rectangle with the fill value and leaves every other byte alone (${JSON.stringify(overrides)})`, () => {
      const samples = testSamples(geometry, 3);
      const { frame, filled } = fillRegions({ geometry, samples }, [{ left: -5, top: 2, width: 3, height: 4 }]);
      assert.equal(filled, 1);
      const mask = insideMask(geometry, { left: 8, top: 2, right: 11, bottom: 6 });
      const bytes = geometry.bitsAllocated / 8;
      const fill = fillSamples(geometry);
      const view = new DataView(frame.samples.buffer, frame.samples.byteOffset);
      for (let i = 0; i < samples.length; i++) {
        if (!mask[i]) assert.equal(frame.samples[i], samples[i], `byte ${i} outside changed`);
      }
      for (let i = 0; i < samples.length; i += bytes) {
        if (!mask[i]) continue;
        const sampleIndex = i / bytes;
        const plane = geometry.planarConfiguration === 1 ? Math.floor(sampleIndex / (geometry.rows * geometry.columns)) : sampleIndex % geometry.samplesPerPixel;
        const value = bytes === 1 ? view.getUint8(i) : geometry.pixelRepresentation === 1 ? view.getInt16(i, true) : view.getUint16(i, true);
        assert.equal(value, fill[plane]);
      }
      assert.notDeepEqual(frame.samples, samples);
    });
  }

  it('clips a rectangle to the image and counts one that misses it as not filled', () => {
    const geometry = testGeometry({ rows: 4, columns: 4 });
    const samples = testSamples(geometry, 1);
    const clipped = fillRegions({ geometry, samples }, [{ left: 2, top: 2, width: 100, height: 100 }]);
    assert.equal(clipped.filled, 1);
    assert.deepEqual([...clipped.frame.samples.subarray(8)], [samples[8], samples[9], 0, 0, samples[12], samples[13], 0, 0]);
    const missed = fillRegions({ geometry, samples }, [{ left: 10, top: 0, width: 3, height: 3 }]);
    assert.equal(missed.filled, 0);
    assert.equal(missed.frame.samples, samples);
  });

  it('reaches to the edge when width or height is left out', () => {
    assert.deepEqual(placeRegion({ left: 0, top: 0, height: 2 }, 10, 20), { left: 0, top: 0, right: 20, bottom: 2 });
    assert.deepEqual(placeRegion({ left: -4, top: -3 }, 10, 20), { left: 16, top: 7, right: 20, bottom: 10 });
  });

  it('refuses a rectangle of negative size with a MedVeilError', () => {
    const geometry = testGeometry();
    assert.throws(() => fillRegions({ geometry, samples: testSamples(geometry, 1) }, [{ left: 0, top: 0, width: -2, height: 3 }]),
      (error: unknown) => error instanceof MedVeilError && error.code === 'pixels' && /negative size/.test(error.message));
  });

  it('widens a YBR_FULL_422 region to whole pixel pairs, which share their chroma', () => {
    const geometry = testGeometry({ rows: 2, columns: 6, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL_422' });
    const samples = new Uint8Array(2 * 3 * 4).fill(200);
    const { frame } = fillRegions({ geometry, samples }, [{ left: 1, top: 1, width: 2, height: 1 }]);
    // Row 1 holds pairs 0..2 as Y1 Y2 Cb Cr; columns 1-2 touch pairs 0 and 1.
    assert.deepEqual([...frame.samples.subarray(0, 12)], new Array(12).fill(200));
    assert.deepEqual([...frame.samples.subarray(12)], [0, 0, 128, 128, 0, 0, 128, 128, 200, 200, 200, 200]);
  });
});

describe('fillRegions in place', () => {
  it('fills the given samples and returns the same frame, where the default fills a copy', () => {
    const geometry = testGeometry({ rows: 2, columns: 2 });
    const frame = { geometry, samples: Uint8Array.of(9, 9, 9, 9) };
    const copied = fillRegions(frame, [{ left: 0, top: 0, width: 1, height: 1 }]);
    assert.deepEqual([...frame.samples], [9, 9, 9, 9]);
    assert.deepEqual([...copied.frame.samples], [0, 9, 9, 9]);
    const inPlace = fillRegions(frame, [{ left: 1, top: 1, width: 1, height: 1 }], { inPlace: true });
    assert.equal(inPlace.frame, frame);
    assert.deepEqual([...frame.samples], [9, 9, 9, 0]);
  });
});
