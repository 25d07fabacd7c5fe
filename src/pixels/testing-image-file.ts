/**
 * Image files and samples for the pixel tests: a DicomFile whose Image Pixel module states a
 * geometry (Pixel Data still to be put in), and deterministic samples with both long runs of
 * equal bytes and noise, so that RLE writes replicate and literal runs.
 */
import { Dataset, type DatasetEncoding, EXPLICIT_LITTLE } from '../dicom/dataset.js';
import type { DicomFile } from '../dicom/dicom-file.js';
import { Tag } from '../dicom/tag.js';
import type { FrameGeometry } from './frame-codec.js';
import { frameByteLength } from './frame-geometry.js';

export function testGeometry(overrides: Partial<FrameGeometry> = {}): FrameGeometry {
  return {
    rows: 7,
    columns: 5,
    samplesPerPixel: 1,
    bitsAllocated: 8,
    bitsStored: 8,
    pixelRepresentation: 0,
    photometricInterpretation: 'MONOCHROME2',
    planarConfiguration: 0,
    ...overrides,
  };
}

/** A file holding `geometry` and `numberOfFrames` in its Image Pixel module, no Pixel Data yet. */
export function testImageFile(
  geometry: FrameGeometry,
  numberOfFrames: number,
  options: { encoding?: DatasetEncoding; transferSyntaxUid?: string; sopClassUid?: string } = {},
): DicomFile {
  const dataset = new Dataset(options.encoding ?? EXPLICIT_LITTLE);
  const little = dataset.encoding.littleEndian;
  const us = (tag: number, value: number): void => {
    const bytes = new Uint8Array(2);
    new DataView(bytes.buffer).setUint16(0, value, little);
    dataset.set({ tag, vr: 'US', value: bytes });
  };
  // Secondary Capture by default.
  dataset.setString(Tag.SOPClassUID, options.sopClassUid ?? '1.2.840.10008.5.1.4.1.1.7');
  dataset.setString(Tag.SOPInstanceUID, '2.25.1234567890');
  us(Tag.SamplesPerPixel, geometry.samplesPerPixel);
  dataset.setString(Tag.PhotometricInterpretation, geometry.photometricInterpretation);
  if (geometry.samplesPerPixel > 1) us(Tag.PlanarConfiguration, geometry.planarConfiguration);
  if (numberOfFrames > 1) dataset.setString(Tag.NumberOfFrames, String(numberOfFrames));
  us(Tag.Rows, geometry.rows);
  us(Tag.Columns, geometry.columns);
  us(Tag.BitsAllocated, geometry.bitsAllocated);
  us(Tag.BitsStored, geometry.bitsStored);
  us(Tag.HighBit, geometry.bitsStored - 1);
  us(Tag.PixelRepresentation, geometry.pixelRepresentation);
  const meta = new Dataset(EXPLICIT_LITTLE);
  const transferSyntaxUid = options.transferSyntaxUid ?? '1.2.840.10008.1.2.1';
  meta.setString(Tag.TransferSyntaxUID, transferSyntaxUid, 'UI');
  return { preamble: undefined, meta, dataset, transferSyntaxUid, warnings: [] };
}

/** One frame's worth of samples (in `geometry`'s native little endian layout), different per `seed`. */
export function testSamples(geometry: FrameGeometry, seed: number): Uint8Array {
  const out = new Uint8Array(frameByteLength(geometry));
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    // Every fourth stretch of 32 bytes is one repeated byte.
    out[i] = (i >> 5) % 4 === 0 ? (seed * 37 + (i >> 5)) & 0xff : state & 0xff;
  }
  return out;
}
