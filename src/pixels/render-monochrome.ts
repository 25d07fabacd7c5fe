/**
 * Rendering of one decoded greyscale frame to 8 bits for the rendered and thumbnail resources
 * (PS3.18 8.3.5.1): stored values masked to Bits Stored and sign-extended (PS3.5 8.1.1), the
 * Modality LUT as Rescale Slope and Intercept (PS3.3 C.11.1.1.2), then the linear VOI window
 * (PS3.3 C.11.2.1.2.1) from the query, the data set, or the frame's own range, and MONOCHROME1
 * inverted. Frames of 1, 8, 16 and 32 bits allocated, from any syntax the codecs decode.
 */
import type { Dataset } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import { MedVeilError } from '../errors.js';
import type { DecodedFrame } from './frame-codec.js';
import type { GreyImage } from './png-encoder.js';

export interface VoiWindow {
  readonly center: number;
  readonly width: number;
}

export interface Rescale {
  readonly slope: number;
  readonly intercept: number;
}

/** The first window of the data set (Window Center and Width are multi-valued; the first is the default). */
export function datasetWindow(dataset: Dataset): VoiWindow | undefined {
  const center = dataset.getNumber(Tag.WindowCenter);
  const width = dataset.getNumber(Tag.WindowWidth);
  if (center === undefined || width === undefined || !Number.isFinite(center) || !Number.isFinite(width) || width < 1) return undefined;
  return { center, width };
}

export function rescaleOf(dataset: Dataset): Rescale {
  const slope = dataset.getNumber(Tag.RescaleSlope);
  const intercept = dataset.getNumber(Tag.RescaleIntercept);
  return {
    slope: slope !== undefined && Number.isFinite(slope) && slope !== 0 ? slope : 1,
    intercept: intercept !== undefined && Number.isFinite(intercept) ? intercept : 0,
  };
}

/** One MONOCHROME1 or MONOCHROME2 frame as 8-bit grey samples. */
export function renderMonochrome(frame: DecodedFrame, options: { window?: VoiWindow | undefined; rescale: Rescale }): GreyImage {
  const { geometry, samples: source } = frame;
  const { bitsAllocated, bitsStored } = geometry;
  if (geometry.samplesPerPixel !== 1) throw new MedVeilError('pixels', 'a monochrome frame has one sample per pixel');
  if (bitsAllocated !== 1 && bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) {
    throw new MedVeilError('pixels', `rendering a frame of Bits Allocated ${bitsAllocated} is not supported`);
  }
  const count = geometry.rows * geometry.columns;
  if (source.length * 8 < count * bitsAllocated) throw new MedVeilError('pixels', `a ${geometry.rows} x ${geometry.columns} frame needs more than ${source.length} bytes`);
  const values = new Float64Array(count);
  const view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  const range = 2 ** bitsStored;
  const signed = geometry.pixelRepresentation === 1;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const raw = bitsAllocated === 1 ? (source[i >> 3]! >> (i & 7)) & 1
      : bitsAllocated === 8 ? source[i]!
        : bitsAllocated === 16 ? view.getUint16(i * 2, true) : view.getUint32(i * 4, true);
    let stored = raw % range;
    if (signed && stored >= range / 2) stored -= range;
    const value = stored * options.rescale.slope + options.rescale.intercept;
    values[i] = value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  // The frame's own range: the lowest value maps to 0, the highest to 255.
  const window = options.window ?? { center: (min + max) / 2 + 0.5, width: max - min + 1 };
  const samples = new Uint8Array(count);
  // PS3.3 C.11.2.1.2.1, linear: y = ((x - (c - 0.5)) / (w - 1) + 0.5) · 255 inside the window.
  const low = window.center - 0.5 - (window.width - 1) / 2;
  const high = window.center - 0.5 + (window.width - 1) / 2;
  const invert = geometry.photometricInterpretation === 'MONOCHROME1';
  for (let i = 0; i < count; i++) {
    const x = values[i]!;
    let y: number;
    if (x <= low) y = 0;
    else if (x > high) y = 255;
    else y = window.width <= 1 ? 255 : Math.round(((x - (window.center - 0.5)) / (window.width - 1) + 0.5) * 255);
    y = Math.min(255, Math.max(0, y));
    samples[i] = invert ? 255 - y : y;
  }
  return { width: geometry.columns, height: geometry.rows, samples };
}
