import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tag } from '../dicom/tag.js';
import { MedVeilError } from '../errors.js';
import { frameBitLength, frameByteLength, readImagePixel } from './frame-geometry.js';
import { testGeometry, testImageFile } from './testing-image-file.js';

describe('readImagePixel()', () => {
  it('reads the Image Pixel module and the number of frames', () => {
    const geometry = testGeometry({ rows: 3, columns: 4, samplesPerPixel: 3, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1, photometricInterpretation: 'RGB', planarConfiguration: 1 });
    assert.deepEqual(readImagePixel(testImageFile(geometry, 6).dataset), { geometry, numberOfFrames: 6 });
  });

  it('defaults Samples per Pixel, Bits Stored, Pixel Representation, Planar Configuration and Number of Frames', () => {
    const { dataset } = testImageFile(testGeometry({ bitsAllocated: 16, bitsStored: 16 }), 1);
    for (const tag of [Tag.SamplesPerPixel, Tag.BitsStored, Tag.PixelRepresentation]) dataset.delete(tag);
    assert.deepEqual(readImagePixel(dataset), { geometry: testGeometry({ bitsAllocated: 16, bitsStored: 16 }), numberOfFrames: 1 });
  });

  const refusals: ReadonlyArray<readonly [string, (d: ReturnType<typeof testImageFile>['dataset']) => void, RegExp]> = [
    ['Rows 0', (d) => d.set({ tag: Tag.Rows, vr: 'US', value: new Uint8Array(2) }), /Rows and Columns must be at least 1/],
    ['Columns 0', (d) => d.set({ tag: Tag.Columns, vr: 'US', value: new Uint8Array(2) }), /Rows and Columns/],
    ['no Rows', (d) => d.delete(Tag.Rows), /no Rows/],
    ['no Bits Allocated', (d) => d.delete(Tag.BitsAllocated), /no Bits Allocated/],
    ['Bits Allocated 12', (d) => d.set({ tag: Tag.BitsAllocated, vr: 'US', value: new Uint8Array([12, 0]) }), /Bits Allocated 12 is not/],
    ['Bits Stored above Bits Allocated', (d) => d.set({ tag: Tag.BitsStored, vr: 'US', value: new Uint8Array([9, 0]) }), /Bits Stored 9/],
    ['Bits Stored 0', (d) => d.set({ tag: Tag.BitsStored, vr: 'US', value: new Uint8Array([0, 0]) }), /Bits Stored 0/],
    ['Samples per Pixel 2', (d) => d.set({ tag: Tag.SamplesPerPixel, vr: 'US', value: new Uint8Array([2, 0]) }), /Samples per Pixel 2/],
    ['Pixel Representation 2', (d) => d.set({ tag: Tag.PixelRepresentation, vr: 'US', value: new Uint8Array([2, 0]) }), /Pixel Representation 2/],
    ['Number of Frames 0', (d) => d.setString(Tag.NumberOfFrames, '0'), /Number of Frames 0/],
    ['Number of Frames not a number', (d) => d.setString(Tag.NumberOfFrames, '1A'), /Number of Frames/],
    ['no Photometric Interpretation', (d) => d.delete(Tag.PhotometricInterpretation), /no Photometric Interpretation/],
  ];
  for (const [name, change, message] of refusals) {
    it(`refuses ${name} with a MedVeilError`, () => {
      const { dataset } = testImageFile(testGeometry(), 1);
      change(dataset);
      assert.throws(() => readImagePixel(dataset), (error: unknown) => error instanceof MedVeilError && error.code === 'pixels' && message.test(error.message));
    });
  }

  it('refuses a Photometric Interpretation with another number of samples', () => {
    assert.throws(() => readImagePixel(testImageFile(testGeometry({ samplesPerPixel: 3, photometricInterpretation: 'MONOCHROME2' }), 1).dataset), /MONOCHROME2 has 1 sample\(s\) per pixel, not 3/);
    assert.throws(() => readImagePixel(testImageFile(testGeometry({ photometricInterpretation: 'RGB' }), 1).dataset), /RGB has 3 sample\(s\) per pixel, not 1/);
  });

  it('refuses 1-bit colour and odd-width YBR_FULL_422', () => {
    assert.throws(() => readImagePixel(testImageFile(testGeometry({ samplesPerPixel: 3, bitsAllocated: 1, bitsStored: 1, photometricInterpretation: 'RGB' }), 1).dataset), /Bits Allocated 1/);
    assert.throws(() => readImagePixel(testImageFile(testGeometry({ samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL_422' }), 1).dataset), /even number of Columns/);
  });
});

describe('frameBitLength()', () => {
  it('counts rows x columns x samples x bits, two samples per pixel for YBR_FULL_422, whole bytes per frame', () => {
    assert.equal(frameBitLength(testGeometry({ rows: 3, columns: 5, samplesPerPixel: 3, bitsAllocated: 16, photometricInterpretation: 'RGB' })), 3 * 5 * 3 * 16);
    assert.equal(frameBitLength(testGeometry({ rows: 2, columns: 4, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL_422' })), 2 * 4 * 2 * 8);
    assert.equal(frameBitLength(testGeometry({ rows: 3, columns: 3, bitsAllocated: 1, bitsStored: 1 })), 9);
    assert.equal(frameByteLength(testGeometry({ rows: 3, columns: 3, bitsAllocated: 1, bitsStored: 1 })), 2);
  });
});
