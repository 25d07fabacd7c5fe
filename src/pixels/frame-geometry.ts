/**
 * The Image Pixel module of a data set (PS3.3 C.7.6.3) as a FrameGeometry and a frame count,
 * checked for what would make the frames impossible to lay out. Refusals are MedVeilErrors
 * with code 'pixels': this is input from outside, read before any sample is touched.
 */
import type { Dataset } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import { MedVeilError } from '../errors.js';
import type { FrameGeometry } from './frame-codec.js';

export interface ImagePixel {
  readonly geometry: FrameGeometry;
  readonly numberOfFrames: number;
}

const BITS_ALLOCATED = new Set([1, 8, 16, 32]);
/** PS3.3 C.7.6.3.1.2: the samples per pixel of each defined Photometric Interpretation. */
const SAMPLES_OF_PHOTOMETRIC: ReadonlyMap<string, number> = new Map([
  ['MONOCHROME1', 1], ['MONOCHROME2', 1], ['PALETTE COLOR', 1],
  ['RGB', 3], ['YBR_FULL', 3], ['YBR_FULL_422', 3], ['YBR_PARTIAL_420', 3], ['YBR_ICT', 3], ['YBR_RCT', 3],
]);

export function readImagePixel(dataset: Dataset): ImagePixel {
  const rows = wholeNumber(dataset, Tag.Rows, 'Rows');
  const columns = wholeNumber(dataset, Tag.Columns, 'Columns');
  const bitsAllocated = wholeNumber(dataset, Tag.BitsAllocated, 'Bits Allocated');
  const samplesPerPixel = wholeNumber(dataset, Tag.SamplesPerPixel, 'Samples per Pixel', 1);
  const bitsStored = wholeNumber(dataset, Tag.BitsStored, 'Bits Stored', bitsAllocated);
  const pixelRepresentation = wholeNumber(dataset, Tag.PixelRepresentation, 'Pixel Representation', 0);
  const planarConfiguration = wholeNumber(dataset, Tag.PlanarConfiguration, 'Planar Configuration', 0);
  const numberOfFrames = wholeNumber(dataset, Tag.NumberOfFrames, 'Number of Frames', 1);
  const photometricInterpretation = dataset.getString(Tag.PhotometricInterpretation)?.trim().toUpperCase();

  if (rows < 1 || columns < 1) refuse(`Rows and Columns must be at least 1, not ${rows} x ${columns}`);
  if (!BITS_ALLOCATED.has(bitsAllocated)) refuse(`Bits Allocated ${bitsAllocated} is not 1, 8, 16 or 32`);
  if (bitsStored < 1 || bitsStored > bitsAllocated) refuse(`Bits Stored ${bitsStored} is not between 1 and Bits Allocated ${bitsAllocated}`);
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) refuse(`Samples per Pixel ${samplesPerPixel} is not 1 or 3`);
  if (samplesPerPixel === 3 && bitsAllocated === 1) refuse('Bits Allocated 1 is only defined for one sample per pixel');
  if (pixelRepresentation !== 0 && pixelRepresentation !== 1) refuse(`Pixel Representation ${pixelRepresentation} is not 0 or 1`);
  // PS3.3 C.7.6.3.1.3: Planar Configuration only has meaning with more than one sample.
  if (samplesPerPixel === 3 && planarConfiguration !== 0 && planarConfiguration !== 1) {
    refuse(`Planar Configuration ${planarConfiguration} is not 0 or 1`);
  }
  if (numberOfFrames < 1) refuse(`Number of Frames ${numberOfFrames} is not at least 1`);
  if (photometricInterpretation === undefined) refuse('the data set has Pixel Data but no Photometric Interpretation (0028,0004)');
  const samplesNeeded = SAMPLES_OF_PHOTOMETRIC.get(photometricInterpretation);
  if (samplesNeeded !== undefined && samplesNeeded !== samplesPerPixel) {
    refuse(`Photometric Interpretation ${photometricInterpretation} has ${samplesNeeded} sample(s) per pixel, not ${samplesPerPixel} (PS3.3 C.7.6.3.1.2)`);
  }
  if (photometricInterpretation === 'YBR_FULL_422' && columns % 2 !== 0) {
    refuse(`YBR_FULL_422 needs an even number of Columns, not ${columns} (PS3.3 C.7.6.3.1.2)`);
  }
  return {
    geometry: {
      rows,
      columns,
      samplesPerPixel,
      bitsAllocated,
      bitsStored,
      pixelRepresentation,
      photometricInterpretation,
      planarConfiguration: samplesPerPixel === 3 ? (planarConfiguration as 0 | 1) : 0,
    },
    numberOfFrames,
  };
}

/**
 * The bits of one frame as native Pixel Data holds it (PS3.5 8.1.1). YBR_FULL_422 keeps two
 * luminance and two chrominance samples per pair of pixels (PS3.3 C.7.6.3.1.2), so two
 * samples per pixel, not three.
 */
export function frameBitLength(geometry: FrameGeometry): number {
  const samples = geometry.photometricInterpretation === 'YBR_FULL_422' ? 2 : geometry.samplesPerPixel;
  return geometry.rows * geometry.columns * samples * geometry.bitsAllocated;
}

/** One frame's bytes on its own (a 1-bit frame starts at a byte and its last byte is padded with zero bits). */
export function frameByteLength(geometry: FrameGeometry): number {
  return Math.ceil(frameBitLength(geometry) / 8);
}

function wholeNumber(dataset: Dataset, tag: number, name: string, fallback?: number): number {
  let value: number | undefined;
  try {
    value = dataset.getNumber(tag);
  } catch (cause) {
    throw new MedVeilError('pixels', `${name} cannot be read as a number`, { cause });
  }
  if (value === undefined) {
    if (fallback === undefined) refuse(`the data set has Pixel Data but no ${name}`);
    return fallback;
  }
  if (!Number.isSafeInteger(value)) refuse(`${name} "${dataset.getString(tag) ?? value}" is not a whole number`);
  return value;
}

function refuse(message: string): never {
  throw new MedVeilError('pixels', message);
}
