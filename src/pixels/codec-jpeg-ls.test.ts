import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedVeilError } from '../errors.js';
import { LOSSLESS_GEOMETRIES } from '../../test/support/lossless-frames.js';
import { convertWithPeer, pydicomSamplePath, readPixelSample } from '../../test/support/pixel-sample-files.js';
import { syntheticFrame } from '../../test/support/synthetic-frames.js';
import { JPEG_LS_LOSSLESS, JPEG_LS_NEAR_LOSSLESS, jpegLsCodec } from './codec-jpeg-ls.js';
import { interleaved } from './codec-frame-checks.js';

const isPixelsError = (error: unknown): boolean => error instanceof MedVeilError && error.code === 'pixels';

describe('jpegLsCodec', () => {
  for (const [name, geometry] of LOSSLESS_GEOMETRIES) {
    for (const syntax of [JPEG_LS_LOSSLESS, JPEG_LS_NEAR_LOSSLESS]) {
      it(`gives back every sample of a ${name} frame written in ${syntax}`, async () => {
        const frame = syntheticFrame(geometry);
        const written = await jpegLsCodec.encode(frame, syntax);
        assert.equal(written.geometry.planarConfiguration, 0);
        assert.equal(written.geometry.photometricInterpretation, geometry.photometricInterpretation);
        const decoded = await jpegLsCodec.decode(written.encoded, written.geometry);
        assert.deepEqual(decoded.samples, interleaved(frame, geometry.bitsAllocated / 8));
        assert.equal(decoded.geometry.planarConfiguration, 0);
      });
    }
  }

  it("decodes pydicom's MR_small_jpeg_ls_lossless to exactly the Pixel Data of its twin MR_small", async () => {
    const sample = readPixelSample(pydicomSamplePath('MR_small_jpeg_ls_lossless.dcm'));
    const twin = readPixelSample(pydicomSamplePath('MR_small.dcm'));
    const decoded = await jpegLsCodec.decode(sample.frames![0]!, sample.geometry);
    assert.deepEqual(decoded.samples, new Uint8Array(twin.native!));
  });

  it("decodes colour frames that dcmtk's dcmcjpls wrote in each interleave mode to exactly their source's samples", async () => {
    const source = readPixelSample(pydicomSamplePath('SC_rgb_small_odd.dcm'));
    const samples = new Uint8Array(source.native!.subarray(0, 27));
    for (const [mode, planar] of [['+in', 1], ['+il', 0], ['+is', 0]] as const) {
      const peer = convertWithPeer('dcmcjpls', [mode], pydicomSamplePath('SC_rgb_small_odd.dcm'));
      const decoded = await jpegLsCodec.decode(peer.frames![0]!, peer.geometry);
      assert.equal(decoded.geometry.planarConfiguration, planar, mode);
      assert.deepEqual(interleaved(decoded, 1), samples, mode);
    }
  });

  it("decodes pydicom's MR_small_jpeg_ls_lossless exactly as dcmtk's dcmdjpls does", async () => {
    const peer = convertWithPeer('dcmdjpls', [], pydicomSamplePath('MR_small_jpeg_ls_lossless.dcm'));
    const ours = await jpegLsCodec.decode(readPixelSample(pydicomSamplePath('MR_small_jpeg_ls_lossless.dcm')).frames![0]!, peer.geometry);
    assert.deepEqual(ours.samples, new Uint8Array(peer.native!));
  });

  it('refuses truncated, foreign and mis-sized frames with a pixels error, and decodes the next good frame', async () => {
    const sample = readPixelSample(pydicomSamplePath('MR_small_jpeg_ls_lossless.dcm'));
    const frame = sample.frames![0]!;
    const g = sample.geometry;
    const hostile: Array<[Uint8Array, typeof g]> = [
      [frame.subarray(0, 40), g],
      [frame.subarray(0, frame.length >> 1), g],
      [new Uint8Array(300).fill(7), g],
      [new Uint8Array([0xff, 0xd8, 0xff, 0xf7, 0x00]), g],
      [frame, { ...g, columns: g.columns + 1 }],
      [frame, { ...g, samplesPerPixel: 3, photometricInterpretation: 'RGB' }],
      [frame, { ...g, bitsAllocated: 8, bitsStored: 8 }],
    ];
    for (const [bytes, geometry] of hostile) await assert.rejects(jpegLsCodec.decode(bytes, geometry), isPixelsError);
    const decoded = await jpegLsCodec.decode(frame, g);
    assert.equal(decoded.samples.length, 64 * 64 * 2);
  });
});
