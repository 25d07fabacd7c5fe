/**
 * A decoded frame as 8-bit brightness, for finding and reading burned-in text: reduced (each
 * pixel the mean of `step` pixels of one row in `step`), or a crop at full resolution.
 *
 * Brightness is the sample of monochrome and palette frames (PALETTE COLOR by its index: the
 * palette is not applied, so text that differs only in colour may read faintly), Y of YBR_FULL
 * and YBR_FULL_422, and 0.299 R + 0.587 G + 0.114 B of RGB (ITU-R BT.601 weights). Signed
 * samples are shifted to unsigned order. MONOCHROME1 is inverted (PS3.3 C.7.6.3.1.2: its
 * minimum is white), so that brighter always means brighter on screen.
 *
 * Stored values map to 0..255 through a window from the 0.01st to the 99.99th percentile of the
 * reduced frame (the block sums, of a large frame every fourth, binned in at most 65536 bins): a handful of extreme
 * pixels (a dead pixel, a lead marker) do not flatten the rest, while burned-in text, which
 * covers far more than 0.01 % of an image, stays inside the window. (A window of the 0.5th to
 * 99.5th percentile clipped text over a bright background to the same 255 as its background.)
 */
import { MedVeilError } from '../errors.js';
import type { DecodedFrame, FrameGeometry } from './frame-codec.js';

export interface GreyImage {
  readonly width: number;
  readonly height: number;
  /** Row by row, one byte per pixel. */
  readonly data: Uint8Array;
}

/** How stored brightness maps to 0..255: (value - low) * 255 / (high - low), clipped, then inverted when `invert`. */
export interface GreyWindow {
  readonly low: number;
  readonly high: number;
  readonly invert: boolean;
}

export interface ReducedGrey {
  readonly image: GreyImage;
  /** Full-resolution pixels per reduced pixel, in each direction. */
  readonly step: number;
  readonly window: GreyWindow;
}

/** Reads `count` pixels of one row of a frame's brightness from column `from`, in stored units (unsigned order), into `out`. */
type RowReader = (row: number, from: number, count: number, out: Float64Array) => void;

/**
 * `frame` reduced by `step` and mapped to 8 bits: each pixel the mean of the `step` pixels of
 * the first row of its block (see `blockSums`); a block at the right edge may be narrower.
 */
export function reducedGrey(frame: DecodedFrame, step: number): ReducedGrey {
  const { rows, columns } = frame.geometry;
  if (!Number.isSafeInteger(step) || step < 1) throw new MedVeilError('internal', `internal error (a MedVeil bug): reduction step ${step}`);
  const width = Math.ceil(columns / step);
  const height = Math.ceil(rows / step);
  const { sums, unit } = blockSums(frame, step, width, height);
  // A partial block at the right edge counts as a whole one.
  const lastColumns = columns - (width - 1) * step;
  if (lastColumns < step) for (let y = 0; y < height; y++) sums[y * width + width - 1] = Math.round((sums[y * width + width - 1]! * step) / lastColumns);

  // A histogram of the block sums (at most 65536 bins) gives the window; a table maps each bin to 8 bits.
  // The largest sum possible, from Bits Stored, sizes the histogram without a pass over the sums.
  const g = frame.geometry;
  const max = Math.min(2 ** 32 - 1, Math.ceil(((2 ** g.bitsStored - 1) * step) / unit));
  let shift = 0;
  while (max / 2 ** shift >= 65536) shift++;
  const bins = Math.floor(max / 2 ** shift) + 1;
  const histogram = new Uint32Array(bins);
  // Of a large image, every fourth block is enough to know the percentiles.
  const stride = sums.length >= 65536 ? 4 : 1;
  let counted = 0;
  for (let i = 0; i < sums.length; i += stride, counted++) histogram[Math.min(bins - 1, sums[i]! >>> shift)]!++;
  const rank = (fraction: number): number => {
    const target = fraction * counted;
    let seen = 0;
    for (let bin = 0; bin < bins; bin++) {
      seen += histogram[bin]!;
      if (seen > target) return bin;
    }
    return bins - 1;
  };
  let lowBin = rank(0.0001);
  let highBin = rank(0.9999) + 1;
  if (highBin - lowBin < 2) {
    lowBin = histogram.findIndex((count) => count > 0);
    highBin = bins;
  }
  const perSample = (2 ** shift) * unit / step;
  const invert = g.photometricInterpretation === 'MONOCHROME1';
  const window: GreyWindow = { low: lowBin * perSample, high: Math.max(highBin, lowBin + 1) * perSample, invert };
  const table = new Uint8Array(bins);
  for (let bin = 0; bin < bins; bin++) {
    const v = Math.round(((bin - lowBin) * 255) / Math.max(highBin - lowBin, 1));
    const clipped = v < 0 ? 0 : v > 255 ? 255 : v;
    table[bin] = invert ? 255 - clipped : clipped;
  }
  const data = new Uint8Array(width * height);
  for (let i = 0; i < sums.length; i++) data[i] = table[Math.min(bins - 1, sums[i]! >>> shift)]!;
  return { image: { width, height, data }, step, window };
}

/**
 * For each step x step block, the sum of the brightness of the `step` pixels of its first row,
 * in units of `unit` stored values (1, except for samples of more than 16 bits, which are summed
 * in units of 2^(bits - 16) so that a sum fits 32 bits). Text is found by its vertical strokes,
 * which cross every row of a line, so one row in `step` is enough, and costs 1/step of the reading.
 */
function blockSums(frame: DecodedFrame, step: number, width: number, height: number): { sums: Uint32Array; unit: number } {
  const { rows, columns } = frame.geometry;
  const sums = new Uint32Array(width * height);
  const whole = Math.floor(columns / step);
  const g = frame.geometry;
  if (g.samplesPerPixel === 1 && g.pixelRepresentation === 0 && (g.photometricInterpretation === 'MONOCHROME1' || g.photometricInterpretation === 'MONOCHROME2')) {
    // Unsigned monochrome (nearly every CR and DX image): straight from the samples.
    const samples = g.bitsAllocated === 8 ? frame.samples
      : g.bitsAllocated === 16 && LITTLE_ENDIAN_HOST && frame.samples.byteOffset % 2 === 0 ? new Uint16Array(frame.samples.buffer, frame.samples.byteOffset, rows * columns)
        : undefined;
    if (samples !== undefined) {
      if (samples instanceof Uint16Array) sumBlocks16(samples, sums, height, columns, step, width, whole);
      else sumBlocks8(samples, sums, height, columns, step, width, whole);
      return { sums, unit: 1 };
    }
  }
  const read = rowReader(frame);
  const unit = g.bitsStored > 16 ? 2 ** (g.bitsStored - 16) : 1;
  const line = new Float64Array(columns);
  const values = new Uint32Array(columns);
  for (let y = 0; y < height; y++) {
    read(y * step, 0, columns, line);
    for (let x = 0; x < columns; x++) values[x] = Math.round(line[x]! / unit);
    addRow(values, 0, sums, y * width, columns, step, whole);
  }
  return { sums, unit };
}

function sumBlocks16(samples: Uint16Array, sums: Uint32Array, height: number, columns: number, step: number, width: number, whole: number): void {
  for (let y = 0; y < height; y++) addRow16(samples, y * step * columns, sums, y * width, columns, step, whole);
}

function sumBlocks8(samples: Uint8Array, sums: Uint32Array, height: number, columns: number, step: number, width: number, whole: number): void {
  for (let y = 0; y < height; y++) addRow(samples, y * step * columns, sums, y * width, columns, step, whole);
}

// addRow and addRow16 are the same loop, kept apart so that each sees one kind of array.
function addRow(source: Uint8Array | Uint32Array, start: number, sums: Uint32Array, base: number, columns: number, step: number, whole: number): void {
  let i = start;
  if (step === 2) {
    for (let x = 0; x < whole; x++, i += 2) sums[base + x]! += source[i]! + source[i + 1]!;
  } else {
    for (let x = 0; x < whole; x++) {
      let sum = 0;
      for (let k = 0; k < step; k++, i++) sum += source[i]!;
      sums[base + x]! += sum;
    }
  }
  for (let column = whole * step; column < columns; column++, i++) sums[base + whole]! += source[i]!;
}

function addRow16(source: Uint16Array, start: number, sums: Uint32Array, base: number, columns: number, step: number, whole: number): void {
  let i = start;
  if (step === 2) {
    for (let x = 0; x < whole; x++, i += 2) sums[base + x]! += source[i]! + source[i + 1]!;
  } else {
    for (let x = 0; x < whole; x++) {
      let sum = 0;
      for (let k = 0; k < step; k++, i++) sum += source[i]!;
      sums[base + x]! += sum;
    }
  }
  for (let column = whole * step; column < columns; column++, i++) sums[base + whole]! += source[i]!;
}

/** The rectangle `left, top, width, height` of `frame` at full resolution, through `window`. */
export function greyCrop(frame: DecodedFrame, window: GreyWindow, box: { left: number; top: number; width: number; height: number }): GreyImage {
  const read = rowReader(frame);
  const values = new Float64Array(box.width);
  const data = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    read(box.top + y, box.left, box.width, values);
    mapToGrey(values, data.subarray(y * box.width, (y + 1) * box.width), window);
  }
  return { width: box.width, height: box.height, data };
}

function mapToGrey(values: Float64Array, out: Uint8Array, window: GreyWindow): void {
  const scale = 255 / (window.high - window.low);
  for (let i = 0; i < values.length; i++) {
    const v = Math.round((values[i]! - window.low) * scale);
    const clipped = v < 0 ? 0 : v > 255 ? 255 : v;
    out[i] = window.invert ? 255 - clipped : clipped;
  }
}

function rowReader(frame: DecodedFrame): RowReader {
  const g = frame.geometry;
  if (g.bitsAllocated !== 8 && g.bitsAllocated !== 16 && g.bitsAllocated !== 32) {
    throw new MedVeilError('pixels', `finding text in a frame of Bits Allocated ${g.bitsAllocated} is not supported`);
  }
  const view = new DataView(frame.samples.buffer, frame.samples.byteOffset, frame.samples.byteLength);
  const bytes = g.bitsAllocated / 8;
  const signed = g.pixelRepresentation === 1;
  const offset = signed ? 2 ** (g.bitsStored - 1) : 0;
  const sample: (index: number) => number =
    bytes === 1 ? (signed ? (i) => view.getInt8(i) : (i) => view.getUint8(i))
      : bytes === 2 ? (signed ? (i) => view.getInt16(i * 2, true) : (i) => view.getUint16(i * 2, true))
        : signed ? (i) => view.getInt32(i * 4, true) : (i) => view.getUint32(i * 4, true);
  const { columns, rows } = g;
  const pixels = rows * columns;
  switch (g.photometricInterpretation) {
    case 'MONOCHROME1':
    case 'MONOCHROME2':
    case 'PALETTE COLOR':
      if (g.samplesPerPixel !== 1) break;
      return (row, from, count, out) => {
        for (let x = 0, i = row * columns + from; x < count; x++, i++) out[x] = sample(i) + offset;
      };
    case 'RGB': {
      if (g.samplesPerPixel !== 3) break;
      const at = g.planarConfiguration === 1 ? (i: number, s: number) => s * pixels + i : (i: number, s: number) => i * 3 + s;
      return (row, from, count, out) => {
        for (let x = 0, i = row * columns + from; x < count; x++, i++) {
          out[x] = 0.299 * (sample(at(i, 0)) + offset) + 0.587 * (sample(at(i, 1)) + offset) + 0.114 * (sample(at(i, 2)) + offset);
        }
      };
    }
    case 'YBR_FULL': {
      if (g.samplesPerPixel !== 3) break;
      const at = g.planarConfiguration === 1 ? (i: number) => i : (i: number) => i * 3;
      return (row, from, count, out) => {
        for (let x = 0, i = row * columns + from; x < count; x++, i++) out[x] = sample(at(i)) + offset;
      };
    }
    case 'YBR_FULL_422':
      // Y1 Y2 Cb Cr for each pair of pixels (PS3.3 C.7.6.3.1.2).
      return (row, from, count, out) => {
        for (let x = 0, column = from; x < count; x++, column++) out[x] = sample(((row * columns + column) >> 1) * 4 + (column & 1)) + offset;
      };
    default:
      break;
  }
  throw new MedVeilError('pixels', `finding text in a ${g.photometricInterpretation} frame of ${g.samplesPerPixel} samples per pixel is not supported`, {
    hint: 'convert the image to MONOCHROME2 or RGB first',
  });
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
