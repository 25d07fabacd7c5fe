import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedVeilError } from '../errors.js';
import { convertWithPeer, pydicomSamplePath, readPixelSample } from '../../test/support/pixel-sample-files.js';
import { syntheticFrame, syntheticGeometry } from '../../test/support/synthetic-frames.js';
import { JPEG_LOSSLESS, JPEG_LOSSLESS_SV1, jpegLosslessCodec } from './codec-jpeg-lossless.js';

const isPixelsError = (error: unknown): boolean => error instanceof MedVeilError && error.code === 'pixels';

describe('jpegLosslessCodec', () => {
  it("decodes MR_small (16-bit signed) written by dcmtk's dcmcjpeg with each of the seven predictors to exactly its Pixel Data", async () => {
    const twin = readPixelSample(pydicomSamplePath('MR_small.dcm'));
    const runs = [['+e1'], ...[1, 2, 3, 4, 5, 6, 7].map((sv) => ['+el', '+sv', String(sv)])];
    for (const args of runs) {
      const peer = convertWithPeer('dcmcjpeg', args, pydicomSamplePath('MR_small.dcm'));
      assert.equal(peer.transferSyntaxUid, args[0] === '+e1' ? JPEG_LOSSLESS_SV1 : JPEG_LOSSLESS);
      const decoded = await jpegLosslessCodec.decode(peer.frames![0]!, peer.geometry);
      assert.deepEqual(decoded.samples, new Uint8Array(twin.native!), args.join(' '));
    }
  });

  it("decodes an RGB frame that dcmcjpeg wrote to exactly its source's samples", async () => {
    const source = readPixelSample(pydicomSamplePath('SC_rgb_small_odd.dcm'));
    const peer = convertWithPeer('dcmcjpeg', ['+e1'], pydicomSamplePath('SC_rgb_small_odd.dcm'));
    const decoded = await jpegLosslessCodec.decode(peer.frames![0]!, peer.geometry);
    assert.deepEqual(decoded.samples, new Uint8Array(source.native!.subarray(0, 27)));
  });

  it("decodes pydicom's SC_rgb_jpeg_gdcm (written by GDCM) exactly as dcmtk's dcmdjpeg does", async () => {
    const sample = readPixelSample(pydicomSamplePath('SC_rgb_jpeg_gdcm.dcm'));
    const peer = convertWithPeer('dcmdjpeg', [], pydicomSamplePath('SC_rgb_jpeg_gdcm.dcm'));
    const decoded = await jpegLosslessCodec.decode(sample.frames![0]!, sample.geometry);
    assert.deepEqual(decoded.samples, new Uint8Array(peer.native!));
  });

  it('refuses to write, naming the lossless syntaxes that can be written instead', async () => {
    const frame = syntheticFrame(syntheticGeometry({}));
    for (const syntax of [JPEG_LOSSLESS, JPEG_LOSSLESS_SV1]) {
      await assert.rejects(jpegLosslessCodec.encode(frame, syntax), (error: unknown) =>
        isPixelsError(error) && /1\.2\.840\.10008\.1\.2\.4\.80/.test((error as MedVeilError).hint ?? ''));
    }
  });

  it('refuses truncated, foreign and mis-sized frames with a pixels error', async () => {
    const peer = convertWithPeer('dcmcjpeg', ['+e1'], pydicomSamplePath('MR_small.dcm'));
    const frame = peer.frames![0]!;
    const g = peer.geometry;
    const hostile: Array<[Uint8Array, typeof g]> = [
      [frame.subarray(0, 40), g],
      [frame.subarray(0, frame.length >> 1), g],
      [new Uint8Array(300).fill(7), g],
      [new Uint8Array([0xff, 0xd8, 0xff, 0xc3, 0x00]), g],
      [frame, { ...g, rows: g.rows + 1 }],
      [frame, { ...g, samplesPerPixel: 3, photometricInterpretation: 'RGB' }],
      [frame, { ...g, bitsAllocated: 8, bitsStored: 8 }],
    ];
    for (const [bytes, geometry] of hostile) await assert.rejects(jpegLosslessCodec.decode(bytes, geometry), isPixelsError);
  });
});
