import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedVeilError } from '../errors.js';
import { convertWithPeer, pydicomSamplePath, readPixelSample } from '../../test/support/pixel-sample-files.js';
import { maxSampleDifference, syntheticFrame, syntheticGeometry } from '../../test/support/synthetic-frames.js';
import { JPEG_BASELINE, JPEG_EXTENDED, jpegBaselineCodec } from './codec-jpeg-baseline.js';

const isPixelsError = (error: unknown): boolean => error instanceof MedVeilError && error.code === 'pixels';

function firstFrame(name: string): { frame: Uint8Array; sample: ReturnType<typeof readPixelSample> } {
  const sample = readPixelSample(pydicomSamplePath(name));
  assert.ok(sample.frames !== undefined);
  return { frame: sample.frames[0]!, sample };
}

describe('jpegBaselineCodec', () => {
  it('round-trips an 8-bit monochrome frame within 6 grey levels at quality 90', async () => {
    const frame = syntheticFrame(syntheticGeometry({}), { noise: false });
    const { encoded, geometry } = await jpegBaselineCodec.encode(frame, JPEG_BASELINE);
    assert.equal(geometry.photometricInterpretation, 'MONOCHROME2');
    const decoded = await jpegBaselineCodec.decode(encoded, geometry);
    assert.ok(maxSampleDifference(decoded.samples, frame.samples, frame.geometry) <= 6);
  });

  it('writes an RGB frame (planar too) as YBR_FULL and reads it back as RGB within 8 levels', async () => {
    for (const planarConfiguration of [0, 1] as const) {
      const frame = syntheticFrame(syntheticGeometry({ samplesPerPixel: 3, photometricInterpretation: 'RGB', planarConfiguration }), { noise: false });
      const { encoded, geometry } = await jpegBaselineCodec.encode(frame, JPEG_EXTENDED);
      assert.deepEqual([geometry.photometricInterpretation, geometry.planarConfiguration], ['YBR_FULL', 0]);
      const decoded = await jpegBaselineCodec.decode(encoded, geometry);
      assert.deepEqual([decoded.geometry.photometricInterpretation, decoded.geometry.planarConfiguration], ['RGB', 0]);
      const reference = syntheticFrame(syntheticGeometry({ samplesPerPixel: 3, photometricInterpretation: 'RGB' }), { noise: false });
      assert.ok(maxSampleDifference(decoded.samples, reference.samples, decoded.geometry) <= 8);
    }
  });

  it('round-trips frames smaller than a few blocks, and of sizes not a multiple of 8, monochrome and RGB', async () => {
    const sizes: Array<[number, number]> = [[1, 1], [7, 5], [8, 8], [16, 16], [16, 24], [32, 32], [33, 17]];
    for (const [columns, rows] of sizes) {
      for (const [colour, tolerance] of [[false, 6], [true, 8]] as const) {
        const frame = syntheticFrame(syntheticGeometry(colour
          ? { rows, columns, samplesPerPixel: 3, photometricInterpretation: 'RGB' }
          : { rows, columns }), { noise: false });
        const { encoded, geometry } = await jpegBaselineCodec.encode(frame, JPEG_BASELINE);
        assert.deepEqual([geometry.rows, geometry.columns], [rows, columns]);
        const decoded = await jpegBaselineCodec.decode(encoded, geometry);
        const difference = maxSampleDifference(decoded.samples, frame.samples, frame.geometry);
        assert.ok(difference <= tolerance, `${columns}x${rows} ${colour ? 'RGB' : 'monochrome'}: differs by up to ${difference}`);
      }
    }
  });

  it('encodes a frame of noise whose stream is longer than its samples, intact', async () => {
    const geometry = syntheticGeometry({ rows: 24, columns: 24 });
    let seed = 7;
    const samples = new Uint8Array(24 * 24).map(() => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 23);
    const { encoded, geometry: written } = await jpegBaselineCodec.encode({ geometry, samples }, JPEG_BASELINE);
    assert.ok(encoded.length > samples.length);
    assert.deepEqual([encoded[encoded.length - 2], encoded[encoded.length - 1]], [0xff, 0xd9]);
    const decoded = await jpegBaselineCodec.decode(encoded, written);
    assert.ok(maxSampleDifference(decoded.samples, samples, geometry) <= 24);
  });

  it("decodes pydicom's SC_rgb_small_odd_jpeg within 4 levels of its uncompressed twin", async () => {
    const { frame, sample } = firstFrame('SC_rgb_small_odd_jpeg.dcm');
    const twin = readPixelSample(pydicomSamplePath('SC_rgb_small_odd.dcm'));
    const decoded = await jpegBaselineCodec.decode(frame, sample.geometry);
    assert.equal(decoded.geometry.photometricInterpretation, 'RGB');
    assert.ok(twin.native !== undefined);
    assert.ok(maxSampleDifference(decoded.samples, twin.native.subarray(0, decoded.samples.length), decoded.geometry) <= 4);
  });

  it("decodes pydicom's JPEG baseline files (YBR_FULL, YBR_FULL_422, RGB without colour transform) exactly as dcmtk's dcmdjpeg does", async () => {
    const names = [
      'SC_rgb_jpeg_dcmtk.dcm', 'SC_rgb_dcmtk_+eb+cr.dcm', 'SC_rgb_dcmtk_+eb+cy+n1.dcm', 'SC_rgb_dcmtk_+eb+cy+n2.dcm',
      'SC_rgb_dcmtk_+eb+cy+np.dcm', 'SC_rgb_dcmtk_+eb+cy+s2.dcm', 'SC_rgb_dcmtk_+eb+cy+s4.dcm', 'SC_rgb_jpeg_lossy_gdcm.dcm',
      'SC_jpeg_no_color_transform.dcm', 'SC_jpeg_no_color_transform_2.dcm', 'SC_rgb_jpeg_app14_dcmd.dcm',
    ];
    for (const name of names) {
      const { frame, sample } = firstFrame(name);
      const decoded = await jpegBaselineCodec.decode(frame, sample.geometry);
      const peer = convertWithPeer('dcmdjpeg', [], pydicomSamplePath(name));
      assert.ok(peer.native !== undefined);
      const difference = maxSampleDifference(decoded.samples, peer.native.subarray(0, decoded.samples.length), decoded.geometry);
      assert.ok(difference === 0, `${name}: differs from dcmdjpeg by up to ${difference}`);
    }
  });

  it('refuses 12-bit JPEG extended frames with a pixels error that names a way out', async () => {
    const { frame, sample } = firstFrame('JPGExtended.dcm');
    await assert.rejects(jpegBaselineCodec.decode(frame, sample.geometry), (error: unknown) =>
      isPixelsError(error) && /12-bit/.test((error as MedVeilError).message) && (error as MedVeilError).hint !== undefined);
  });

  it('refuses truncated, foreign and mis-sized frames with a pixels error, and decodes the next good frame', async () => {
    const { frame, sample } = firstFrame('SC_rgb_jpeg_dcmtk.dcm');
    const hostile: Array<[Uint8Array, typeof sample.geometry]> = [
      [frame.subarray(0, 200), sample.geometry],
      [frame.subarray(0, frame.length >> 1), sample.geometry],
      [new Uint8Array(300).fill(7), sample.geometry],
      [new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0x00]), sample.geometry],
      [frame, { ...sample.geometry, rows: sample.geometry.rows - 1 }],
      [frame, { ...sample.geometry, samplesPerPixel: 1 }],
      [frame, { ...sample.geometry, bitsAllocated: 16, bitsStored: 16 }],
    ];
    for (const [bytes, geometry] of hostile) await assert.rejects(jpegBaselineCodec.decode(bytes, geometry), isPixelsError);
    const decoded = await jpegBaselineCodec.decode(frame, sample.geometry);
    assert.equal(decoded.samples.length, 100 * 100 * 3);
  });

  it('refuses to write 16-bit, signed or YBR frames, and frames whose length disagrees with their geometry', async () => {
    const refused = [
      syntheticFrame(syntheticGeometry({ bitsAllocated: 16, bitsStored: 12 })),
      syntheticFrame(syntheticGeometry({ pixelRepresentation: 1 })),
      syntheticFrame(syntheticGeometry({ samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL' })),
      { geometry: syntheticGeometry({}), samples: new Uint8Array(10) },
    ];
    for (const frame of refused) await assert.rejects(jpegBaselineCodec.encode(frame, JPEG_BASELINE), isPixelsError);
  });
});
