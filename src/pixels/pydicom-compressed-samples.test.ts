/**
 * Every pydicom sample file in a JPEG, JPEG-LS or JPEG 2000 syntax, read with readFrames and
 * decoded through the registry: lossless ones equal their uncompressed twins where pydicom has
 * one, every frame of a lossless-writable syntax re-encodes in its own syntax to the same
 * samples, and what cannot be decoded is refused with a pixels error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { MedVeilError } from '../errors.js';
import { pydicomSamplePath, readPixelSample } from '../../test/support/pixel-sample-files.js';
import { maxSampleDifference } from '../../test/support/synthetic-frames.js';
import { frameCodecFor } from './frame-codecs.js';
import { frameByteLength } from './frame-geometry.js';
import { readFrames } from './read-frames.js';

/** [file, uncompressed twin, largest difference allowed from the twin] */
const DECODED: ReadonlyArray<readonly [string, string?, number?]> = [
  ['MR_small_jpeg_ls_lossless.dcm', 'MR_small.dcm', 0],
  ['MR_small_jp2klossless.dcm', 'MR_small.dcm', 0],
  ['SC_rgb_small_odd_jpeg.dcm', 'SC_rgb_small_odd.dcm', 4],
  ['SC_rgb_jpeg_gdcm.dcm'], ['GDCMJ2K_TextGBR.dcm'], ['J2K_pixelrep_mismatch.dcm'], ['693_J2KI.dcm'], ['JPEG2000.dcm'],
  ['SC_rgb_gdcm_KY.dcm'], ['SC_jpeg_no_color_transform.dcm'], ['SC_jpeg_no_color_transform_2.dcm'], ['SC_rgb_dcmtk_+eb+cr.dcm'],
  ['SC_rgb_dcmtk_+eb+cy+n1.dcm'], ['SC_rgb_dcmtk_+eb+cy+n2.dcm'], ['SC_rgb_dcmtk_+eb+cy+np.dcm'], ['SC_rgb_dcmtk_+eb+cy+s2.dcm'],
  ['SC_rgb_dcmtk_+eb+cy+s4.dcm'], ['SC_rgb_jpeg_app14_dcmd.dcm'], ['SC_rgb_jpeg_dcmtk.dcm'], ['SC_rgb_jpeg_lossy_gdcm.dcm'],
];

/** 12-bit JPEG (no maintained decoder), and a codestream whose SIZ holds an embedded delimiter. */
const REFUSED = ['JPEG-lossy.dcm', 'JPGExtended.dcm', 'JPEG2000-embedded-sequence-delimiter.dcm'];

function framesOf(name: string): ReturnType<typeof readFrames> {
  return readFrames(readDicomFile(readFileSync(pydicomSamplePath(name))));
}

describe("pydicom's compressed sample files", () => {
  for (const [name, twin, tolerance] of DECODED) {
    it(`${name} decodes${twin === undefined ? '' : ` to within ${tolerance} of ${twin}`}, and re-encodes in its own syntax when that is lossless`, async () => {
      const encoded = framesOf(name);
      const codec = frameCodecFor(encoded.transferSyntaxUid);
      for (const frame of encoded.frames) {
        const decoded = await codec.decode(frame, encoded.geometry);
        assert.equal(decoded.samples.length, frameByteLength(decoded.geometry));
        if (twin !== undefined) {
          const native = readPixelSample(pydicomSamplePath(twin)).native!;
          assert.ok(maxSampleDifference(decoded.samples, native.subarray(0, decoded.samples.length), decoded.geometry) <= tolerance!);
        }
        const writable = codec.lossless && !['1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70'].includes(encoded.transferSyntaxUid);
        if (writable) {
          const written = await codec.encode(decoded, encoded.transferSyntaxUid);
          const again = await codec.decode(written.encoded, written.geometry);
          assert.deepEqual(again.samples, decoded.samples);
        }
      }
    });
  }

  for (const name of REFUSED) {
    it(`${name} is refused with a pixels error`, async () => {
      const encoded = framesOf(name);
      await assert.rejects(frameCodecFor(encoded.transferSyntaxUid).decode(encoded.frames[0]!, encoded.geometry),
        (error: unknown) => error instanceof MedVeilError && error.code === 'pixels');
    });
  }
});
