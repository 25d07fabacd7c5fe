/**
 * Mosaics a whole decoded frame: the frame is cut into squares of `blockSize` pixels (the
 * last row and column of squares may be smaller), and every pixel of a square gets, sample by
 * sample, the rounded mean of that square. This masks anatomy; it is never used over text,
 * which is filled solid first (ARCHITECTURE.md: mosaic over text can be reversed).
 *
 * Every layout a DecodedFrame has (frame-codec.ts) is handled: 1, 8, 16 and 32 bits allocated,
 * signed or not, one or three samples per pixel, pixel-interleaved or planar, and YBR_FULL_422,
 * whose pixel pairs share their chroma (PS3.3 C.7.6.3.1.2): there a square is widened to an
 * even number of columns, so that no pair straddles two squares. Samples are read within Bits
 * Stored (sign-extended when signed) and written back the same way, so bits above High Bit
 * come out cleared. A 1-bit square becomes 1 when at least half of its pixels are 1.
 */
import { MedVeilError } from '../errors.js';
import type { DecodedFrame, FrameGeometry } from './frame-codec.js';

/** The smallest block that mosaics anything; a block of 1 would return the frame unchanged. */
export const MIN_MOSAIC_BLOCK = 2;

export function mosaicFrame(frame: DecodedFrame, blockSize: number): DecodedFrame {
  if (!Number.isSafeInteger(blockSize) || blockSize < MIN_MOSAIC_BLOCK) {
    throw new MedVeilError('pixels', `a mosaic block is a whole number of at least ${MIN_MOSAIC_BLOCK} pixels, not ${blockSize}`);
  }
  const { geometry } = frame;
  const values = readValues(frame);
  const layout = sampleLayout(geometry);
  const blockWidth = geometry.photometricInterpretation === 'YBR_FULL_422' ? blockSize + (blockSize % 2) : blockSize;
  for (let top = 0; top < geometry.rows; top += blockSize) {
    const bottom = Math.min(top + blockSize, geometry.rows);
    for (let left = 0; left < geometry.columns; left += blockWidth) {
      const right = Math.min(left + blockWidth, geometry.columns);
      for (const channel of layout.channels) averageBlock(values, channel, top, bottom, left, right, geometry.bitsAllocated === 1);
    }
  }
  return { geometry, samples: writeValues(values, geometry, frame.samples.length) };
}

/** Where the samples of one channel (a colour component, or the luminance) lie. */
interface Channel {
  /** The step between the columns that hold a sample of this channel (2 for the chroma of pixel pairs). */
  readonly columnStep: number;
  /** The index of this channel's sample of pixel (row, column) in the value array. */
  index(row: number, column: number): number;
}

function sampleLayout(geometry: FrameGeometry): { channels: Channel[] } {
  const { rows, columns, samplesPerPixel } = geometry;
  if (geometry.photometricInterpretation === 'YBR_FULL_422') {
    // Y1 Y2 Cb Cr per pair of pixels; Cb and Cr belong to the pair, counted at its first column.
    const pairs = columns / 2;
    const pair = (row: number, column: number) => (row * pairs + (column >> 1)) * 4;
    return {
      channels: [
        { columnStep: 1, index: (row, column) => pair(row, column) + (column & 1) },
        { columnStep: 2, index: (row, column) => pair(row, column) + 2 },
        { columnStep: 2, index: (row, column) => pair(row, column) + 3 },
      ],
    };
  }
  const channels: Channel[] = [];
  for (let sample = 0; sample < samplesPerPixel; sample++) {
    channels.push(
      samplesPerPixel > 1 && geometry.planarConfiguration === 1
        ? { columnStep: 1, index: (row, column) => (sample * rows + row) * columns + column }
        : { columnStep: 1, index: (row, column) => (row * columns + column) * samplesPerPixel + sample },
    );
  }
  return { channels };
}

function averageBlock(values: Float64Array, channel: Channel, top: number, bottom: number, left: number, right: number, oneBit: boolean): void {
  let sum = 0;
  let count = 0;
  for (let row = top; row < bottom; row++) {
    for (let column = left; column < right; column += channel.columnStep) {
      sum += values[channel.index(row, column)]!;
      count++;
    }
  }
  const mean = oneBit ? (sum * 2 >= count ? 1 : 0) : Math.round(sum / count);
  for (let row = top; row < bottom; row++) {
    for (let column = left; column < right; column += channel.columnStep) values[channel.index(row, column)] = mean;
  }
}

function sampleCount(geometry: FrameGeometry): number {
  const perPixel = geometry.photometricInterpretation === 'YBR_FULL_422' ? 2 : geometry.samplesPerPixel;
  return geometry.rows * geometry.columns * perPixel;
}

/** The stored value of every sample, in the frame's own order. */
function readValues(frame: DecodedFrame): Float64Array {
  const { geometry, samples } = frame;
  const count = sampleCount(geometry);
  const values = new Float64Array(count);
  const { bitsAllocated, bitsStored } = geometry;
  if (bitsAllocated === 1) {
    if (samples.length * 8 < count) throw shortFrame(geometry, samples.length);
    for (let i = 0; i < count; i++) values[i] = (samples[i >> 3]! >> (i & 7)) & 1;
    return values;
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) {
    throw new MedVeilError('pixels', `a mosaic of a frame of Bits Allocated ${bitsAllocated} is not supported`);
  }
  const width = bitsAllocated / 8;
  if (samples.length < count * width) throw shortFrame(geometry, samples.length);
  const view = new DataView(samples.buffer, samples.byteOffset, samples.byteLength);
  const range = 2 ** bitsStored;
  const signed = geometry.pixelRepresentation === 1;
  for (let i = 0; i < count; i++) {
    const raw = width === 1 ? samples[i]! : width === 2 ? view.getUint16(i * 2, true) : view.getUint32(i * 4, true);
    const stored = raw % range;
    values[i] = signed && stored >= range / 2 ? stored - range : stored;
  }
  return values;
}

function writeValues(values: Float64Array, geometry: FrameGeometry, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const { bitsAllocated } = geometry;
  if (bitsAllocated === 1) {
    for (let i = 0; i < values.length; i++) if (values[i] === 1) out[i >> 3]! |= 1 << (i & 7);
    return out;
  }
  const width = bitsAllocated / 8;
  const full = 2 ** bitsAllocated;
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    // Two's complement in the sample's full width: the sign extended above Bits Stored.
    const unsigned = value < 0 ? full + value : value;
    if (width === 1) out[i] = unsigned;
    else if (width === 2) view.setUint16(i * 2, unsigned, true);
    else view.setUint32(i * 4, unsigned, true);
  }
  return out;
}

function shortFrame(geometry: FrameGeometry, length: number): MedVeilError {
  return new MedVeilError('pixels', `a ${geometry.rows} x ${geometry.columns} frame of ${geometry.bitsAllocated}-bit samples cannot be held in ${length} bytes`);
}
