import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedVeilError } from '../errors.js';
import { LOSSLESS_GEOMETRIES } from '../../test/support/lossless-frames.js';
import { convertWithPeer, pydicomSamplePath, readPixelSample } from '../../test/support/pixel-sample-files.js';
import { maxSampleDifference, syntheticFrame, syntheticGeometry } from '../../test/support/synthetic-frames.js';
import { JPEG_2000, JPEG_2000_LOSSLESS, jpeg2000Codec } from './codec-jpeg-2000.js';
import { interleaved, signExtendInPlace } from './codec-frame-checks.js';

const isPixelsError = (error: unknown): boolean => error instanceof MedVeilError && error.code === 'pixels';

describe('jpeg2000Codec', () => {
  for (const [name, geometry] of LOSSLESS_GEOMETRIES) {
    for (const syntax of [JPEG_2000_LOSSLESS, JPEG_2000]) {
      it(`gives back every sample of a ${name} frame written in ${syntax}`, async () => {
        const frame = syntheticFrame(geometry);
        const written = await jpeg2000Codec.encode(frame, syntax);
        assert.equal(written.geometry.photometricInterpretation, geometry.samplesPerPixel === 3 ? 'YBR_RCT' : 'MONOCHROME2');
        const decoded = await jpeg2000Codec.decode(written.encoded, written.geometry);
        assert.equal(decoded.geometry.photometricInterpretation, geometry.photometricInterpretation);
        assert.deepEqual(decoded.samples, interleaved(frame, geometry.bitsAllocated / 8));
      });
    }
  }

  it('writes and reads back a 3x3 frame (fewer wavelet levels than the default five)', async () => {
    const frame = syntheticFrame(syntheticGeometry({ rows: 3, columns: 3 }));
    const written = await jpeg2000Codec.encode(frame, JPEG_2000_LOSSLESS);
    assert.deepEqual((await jpeg2000Codec.decode(written.encoded, written.geometry)).samples, frame.samples);
  });

  it("decodes pydicom's MR_small_jp2klossless to exactly the Pixel Data of its twin MR_small", async () => {
    const sample = readPixelSample(pydicomSamplePath('MR_small_jp2klossless.dcm'));
    const twin = readPixelSample(pydicomSamplePath('MR_small.dcm'));
    const decoded = await jpeg2000Codec.decode(sample.frames![0]!, sample.geometry);
    assert.deepEqual(decoded.samples, new Uint8Array(twin.native!));
  });

  it("decodes pydicom's JPEG 2000 files (YBR_RCT, lossy 16-bit signed, lossy RGB) exactly as GDCM's gdcmconv --raw does", async () => {
    for (const name of ['GDCMJ2K_TextGBR.dcm', '693_J2KI.dcm', 'JPEG2000.dcm', 'SC_rgb_gdcm_KY.dcm']) {
      const sample = readPixelSample(pydicomSamplePath(name));
      const decoded = await jpeg2000Codec.decode(sample.frames![0]!, sample.geometry);
      const peer = convertWithPeer('gdcmconv', ['--raw'], pydicomSamplePath(name));
      assert.equal(decoded.geometry.photometricInterpretation, peer.geometry.photometricInterpretation, name);
      assert.equal(maxSampleDifference(decoded.samples, peer.native!.subarray(0, decoded.samples.length), decoded.geometry), 0, name);
    }
  });

  it('reads an unsigned codestream in a signed data set as two\'s complement of its precision, as pydicom does (J2K_pixelrep_mismatch)', async () => {
    const name = 'J2K_pixelrep_mismatch.dcm';
    const sample = readPixelSample(pydicomSamplePath(name));
    const decoded = await jpeg2000Codec.decode(sample.frames![0]!, sample.geometry);
    const peer = convertWithPeer('gdcmconv', ['--raw'], pydicomSamplePath(name));
    const expected = new Uint8Array(peer.native!);
    signExtendInPlace(expected, { ...sample.geometry, bitsStored: 13 });
    assert.notDeepEqual(expected, new Uint8Array(peer.native!));
    assert.deepEqual(decoded.samples, expected);
  });

  it('refuses truncated, foreign and mis-sized frames with a pixels error, and decodes the next good frame', async () => {
    const sample = readPixelSample(pydicomSamplePath('MR_small_jp2klossless.dcm'));
    const frame = sample.frames![0]!;
    const g = sample.geometry;
    const hostile: Array<[Uint8Array, typeof g]> = [
      [frame.subarray(0, 40), g],
      [frame.subarray(0, frame.length >> 1), g],
      [frame.subarray(0, frame.length - 3), g],
      [new Uint8Array(300).fill(7), g],
      [new Uint8Array([0xff, 0x4f, 0xff, 0x51, 0x00, 0xff, 0xd9]), g],
      [frame, { ...g, rows: g.rows * 2 }],
      [frame, { ...g, samplesPerPixel: 3, photometricInterpretation: 'RGB' }],
      [frame, { ...g, bitsAllocated: 8, bitsStored: 8 }],
    ];
    for (const [bytes, geometry] of hostile) await assert.rejects(jpeg2000Codec.decode(bytes, geometry), isPixelsError);
    assert.equal((await jpeg2000Codec.decode(frame, g)).samples.length, 64 * 64 * 2);
  });

  it('refuses to write 16-bit colour, signed 8-bit and YBR colour frames rather than write them wrongly', async () => {
    const refused = [
      syntheticFrame(syntheticGeometry({ samplesPerPixel: 3, photometricInterpretation: 'RGB', bitsAllocated: 16, bitsStored: 16 })),
      syntheticFrame(syntheticGeometry({ pixelRepresentation: 1 })),
      syntheticFrame(syntheticGeometry({ samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL' })),
    ];
    for (const frame of refused) await assert.rejects(jpeg2000Codec.encode(frame, JPEG_2000_LOSSLESS), isPixelsError);
  });
});
