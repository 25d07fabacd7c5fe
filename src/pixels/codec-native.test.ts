import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { swapBytes } from '../dicom/write-swap-bytes.js';
import { MedVeilError } from '../errors.js';
import { nativeBigEndianCodec, nativeLittleEndianCodec } from './codec-native.js';
import type { FrameGeometry } from './frame-codec.js';
import { testGeometry, testSamples } from './testing-image-file.js';

const VARIANTS: ReadonlyArray<readonly [string, FrameGeometry]> = [
  ['8-bit MONOCHROME2', testGeometry()],
  ['8-bit signed MONOCHROME1', testGeometry({ pixelRepresentation: 1, photometricInterpretation: 'MONOCHROME1' })],
  ['16-bit signed, 12 stored', testGeometry({ bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1 })],
  ['32-bit', testGeometry({ bitsAllocated: 32, bitsStored: 32 })],
  ['PALETTE COLOR 16-bit', testGeometry({ bitsAllocated: 16, bitsStored: 16, photometricInterpretation: 'PALETTE COLOR' })],
  ['RGB planar 0', testGeometry({ samplesPerPixel: 3, photometricInterpretation: 'RGB' })],
  ['RGB planar 1', testGeometry({ samplesPerPixel: 3, photometricInterpretation: 'RGB', planarConfiguration: 1 })],
  ['YBR_FULL 16-bit planar 1', testGeometry({ samplesPerPixel: 3, bitsAllocated: 16, bitsStored: 16, photometricInterpretation: 'YBR_FULL', planarConfiguration: 1 })],
  ['YBR_FULL_422', testGeometry({ columns: 6, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL_422' })],
  ['1-bit with an odd number of pixels', testGeometry({ bitsAllocated: 1, bitsStored: 1 })],
];

describe('the native codecs', () => {
  for (const [name, geometry] of VARIANTS) {
    it(`${name}: decode(encode(frame)) gives back every sample, little and big endian`, async () => {
      const samples = testSamples(geometry, 3);
      for (const [codec, uid] of [[nativeLittleEndianCodec, '1.2.840.10008.1.2.1'], [nativeLittleEndianCodec, '1.2.840.10008.1.2'], [nativeBigEndianCodec, '1.2.840.10008.1.2.2']] as const) {
        const { encoded, geometry: encodedGeometry } = await codec.encode({ geometry, samples }, uid);
        assert.deepEqual(encodedGeometry, geometry);
        const decoded = await codec.decode(encoded, encodedGeometry);
        assert.deepEqual(decoded.samples, samples, uid);
        assert.deepEqual(decoded.geometry, geometry);
      }
    });
  }

  it('swaps each sample in big endian: 16-bit by 2 bytes, 32-bit by 4, 8-bit never', async () => {
    const cases: ReadonlyArray<readonly [FrameGeometry, number]> = [
      [testGeometry({ bitsAllocated: 16, bitsStored: 16 }), 2],
      [testGeometry({ bitsAllocated: 32, bitsStored: 32 }), 4],
      [testGeometry(), 1],
    ];
    for (const [geometry, width] of cases) {
      const samples = testSamples(geometry, 5);
      const { encoded } = await nativeBigEndianCodec.encode({ geometry, samples }, '1.2.840.10008.1.2.2');
      assert.deepEqual(encoded, swapBytes(samples, width));
    }
  });

  it('keeps a little endian frame as it is, and ignores padding after it', async () => {
    const geometry = testGeometry({ rows: 1, columns: 3 });
    const decoded = await nativeLittleEndianCodec.decode(new Uint8Array([9, 8, 7, 0]), geometry);
    assert.deepEqual([...decoded.samples], [9, 8, 7]);
  });

  it('refuses a frame too short for its geometry, and a syntax it does not write', async () => {
    const geometry = testGeometry({ rows: 2, columns: 2, bitsAllocated: 16 });
    await assert.rejects(nativeLittleEndianCodec.decode(new Uint8Array(7), geometry), MedVeilError);
    await assert.rejects(nativeBigEndianCodec.decode(new Uint8Array(7), geometry), MedVeilError);
    await assert.rejects(nativeLittleEndianCodec.encode({ geometry, samples: new Uint8Array(7) }, '1.2.840.10008.1.2.1'), MedVeilError);
    await assert.rejects(nativeLittleEndianCodec.encode({ geometry, samples: new Uint8Array(8) }, '1.2.840.10008.1.2.2'), MedVeilError);
  });
});
