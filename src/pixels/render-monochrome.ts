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
import { littleEndianWords } from './little-endian-words.js';
import { storedValues } from './stored-values.js';
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
  const { bitsAllocated } = geometry;
  if (geometry.samplesPerPixel !== 1) throw new MedVeilError('pixels', 'a monochrome frame has one sample per pixel');
  if (bitsAllocated !== 1 && bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) {
    throw new MedVeilError('pixels', `rendering a frame of Bits Allocated ${bitsAllocated} is not supported`);
  }
  const count = geometry.rows * geometry.columns;
  if (source.length * 8 < count * bitsAllocated) throw new MedVeilError('pixels', `a ${geometry.rows} x ${geometry.columns} frame needs more than ${source.length} bytes`);
  if (bitsAllocated === 16 && geometry.bitsStored <= 16) {
    const words = littleEndianWords(source);
    if (words !== undefined) return renderWords(words, frame, options);
  }
  const stored = storedValues(frame, count);
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < count; i++) {
    const value = stored[i]!;
    if (value < low) low = value;
    if (value > high) high = value;
  }
  const { slope, intercept } = options.rescale;
  const lowest = Math.min(low * slope + intercept, high * slope + intercept);
  const highest = Math.max(low * slope + intercept, high * slope + intercept);
  // The frame's own range: the lowest value maps to 0, the highest to 255.
  const window = options.window ?? { center: (lowest + highest) / 2 + 0.5, width: highest - lowest + 1 };
  const invert = geometry.photometricInterpretation === 'MONOCHROME1';
  const grey = (value: number) => {
    const y = voiLinear(value * slope + intercept, window);
    return invert ? 255 - y : y;
  };
  const samples = new Uint8Array(count);
  if (high - low < 1 << 20) {
    // At most 2^20 distinct stored values: each is mapped once, through a table.
    const table = new Uint8Array(high - low + 1);
    for (let value = low; value <= high; value++) table[value - low] = grey(value);
    for (let i = 0; i < count; i++) samples[i] = table[stored[i]! - low]!;
  } else {
    for (let i = 0; i < count; i++) samples[i] = grey(stored[i]!);
  }
  return { width: geometry.columns, height: geometry.rows, samples };
}

/**
 * The common case, 16-bit samples, without a copy of every value: the stored range in one pass,
 * then every sample through a table of at most 65536 entries.
 */
function renderWords(words: Uint16Array, frame: DecodedFrame, options: { window?: VoiWindow | undefined; rescale: Rescale }): GreyImage {
  const { geometry } = frame;
  const count = geometry.rows * geometry.columns;
  const bits = geometry.bitsStored;
  const mask = bits === 16 ? 0xffff : (1 << bits) - 1;
  const offset = geometry.pixelRepresentation === 1 ? 1 << (bits - 1) : 0;
  // Signed values are shifted by 2^(bits-1) so that table positions run from 0: stored s at (s + offset).
  const position = (raw: number) => ((raw & mask) + offset) & mask;
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < count; i++) {
    const at = position(words[i]!);
    if (at < low) low = at;
    if (at > high) high = at;
  }
  const { slope, intercept } = options.rescale;
  const value = (at: number) => (at - offset) * slope + intercept;
  const lowest = Math.min(value(low), value(high));
  const highest = Math.max(value(low), value(high));
  const window = options.window ?? { center: (lowest + highest) / 2 + 0.5, width: highest - lowest + 1 };
  const invert = geometry.photometricInterpretation === 'MONOCHROME1';
  const table = new Uint8Array(high - low + 1);
  for (let at = low; at <= high; at++) {
    const y = voiLinear(value(at), window);
    table[at - low] = invert ? 255 - y : y;
  }
  const samples = new Uint8Array(count);
  mapWords(words, samples, table, { mask, offset, low });
  return { width: geometry.columns, height: geometry.rows, samples };
}

function mapWords(words: Uint16Array, samples: Uint8Array, table: Uint8Array, shift: { mask: number; offset: number; low: number }): void {
  const { mask, offset, low } = shift;
  for (let i = 0; i < samples.length; i++) samples[i] = table[(((words[i]! & mask) + offset) & mask) - low]!;
}

/** PS3.3 C.11.2.1.2.1, linear: y = ((x - (c - 0.5)) / (w - 1) + 0.5) · 255 inside the window, 0 and 255 outside. */
function voiLinear(x: number, window: VoiWindow): number {
  const low = window.center - 0.5 - (window.width - 1) / 2;
  const high = window.center - 0.5 + (window.width - 1) / 2;
  if (x <= low) return 0;
  if (x > high) return 255;
  const y = window.width <= 1 ? 255 : Math.round(((x - (window.center - 0.5)) / (window.width - 1) + 0.5) * 255);
  return Math.min(255, Math.max(0, y));
}
