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
import { littleEndianWords } from './little-endian-words.js';
import { storedValues } from './stored-values.js';

/** The smallest block that mosaics anything; a block of 1 would return the frame unchanged. */
export const MIN_MOSAIC_BLOCK = 2;

export function mosaicFrame(frame: DecodedFrame, blockSize: number): DecodedFrame {
  if (!Number.isSafeInteger(blockSize) || blockSize < MIN_MOSAIC_BLOCK) {
    throw new MedVeilError('pixels', `a mosaic block is a whole number of at least ${MIN_MOSAIC_BLOCK} pixels, not ${blockSize}`);
  }
  const { geometry } = frame;
  const words = geometry.bitsAllocated === 16 && geometry.samplesPerPixel === 1 ? littleEndianWords(frame.samples) : undefined;
  if (words !== undefined && words.length >= geometry.rows * geometry.columns) return { geometry, samples: mosaicWords(words, geometry, blockSize) };
  const values = readValues(frame);
  const oneBit = geometry.bitsAllocated === 1;
  if (geometry.photometricInterpretation === 'YBR_FULL_422') {
    mosaicPairs(values, geometry, blockSize + (blockSize % 2), blockSize, oneBit);
  } else {
    const { rows, columns, samplesPerPixel } = geometry;
    const planar = samplesPerPixel > 1 && geometry.planarConfiguration === 1;
    for (let sample = 0; sample < samplesPerPixel; sample++) {
      // Where sample `sample` of pixel (row, column) is: offset + row · rowStride + column · columnStride.
      const layout = planar
        ? { offset: sample * rows * columns, rowStride: columns, columnStride: 1 }
        : { offset: sample, rowStride: columns * samplesPerPixel, columnStride: samplesPerPixel };
      mosaicPlane(values, geometry, layout, blockSize, oneBit);
    }
  }
  return { geometry, samples: writeValues(values, geometry, frame.samples.length) };
}

/**
 * The mosaic at one pixel per square: pixel (row, column) of the result is the value every pixel
 * of square (row, column) has in `mosaicFrame(frame, blockSize)`, so that a picture of it, each
 * pixel widened back to its square (`expandBlocks` in render-frame.ts), is the picture of the
 * whole mosaic, made from a frame some blockSize² times smaller. Undefined for the layouts
 * whose squares are not square in samples (YBR_FULL_422, whose squares are widened to whole
 * pixel pairs) or not whole bytes (1 bit).
 */
export function mosaicBlocks(frame: DecodedFrame, blockSize: number): DecodedFrame | undefined {
  const { geometry } = frame;
  if (geometry.photometricInterpretation === 'YBR_FULL_422' || geometry.bitsAllocated % 8 !== 0) return undefined;
  const { rows, columns, samplesPerPixel } = geometry;
  const small = { ...geometry, rows: Math.ceil(rows / blockSize), columns: Math.ceil(columns / blockSize) };
  const words = geometry.bitsAllocated === 16 && samplesPerPixel === 1 ? littleEndianWords(frame.samples) : undefined;
  if (words !== undefined && words.length >= rows * columns) {
    const means = new Uint16Array(small.rows * small.columns);
    blockMeansOfWords(words, geometry, blockSize, (blockRow, row) => means.set(row, blockRow * small.columns));
    return { geometry: small, samples: new Uint8Array(means.buffer) };
  }
  // The general path: the whole mosaic, then each square's first pixel.
  const mosaic = mosaicFrame(frame, blockSize).samples;
  const bytes = geometry.bitsAllocated / 8;
  const planar = samplesPerPixel > 1 && geometry.planarConfiguration === 1;
  const samples = new Uint8Array(small.rows * small.columns * samplesPerPixel * bytes);
  for (let sample = 0; sample < samplesPerPixel; sample++) {
    for (let blockRow = 0; blockRow < small.rows; blockRow++) {
      for (let blockColumn = 0; blockColumn < small.columns; blockColumn++) {
        const [row, column] = [blockRow * blockSize, blockColumn * blockSize];
        const from = planar ? (sample * rows * columns + row * columns + column) * bytes : ((row * columns + column) * samplesPerPixel + sample) * bytes;
        const to = planar
          ? (sample * small.rows * small.columns + blockRow * small.columns + blockColumn) * bytes
          : ((blockRow * small.columns + blockColumn) * samplesPerPixel + sample) * bytes;
        samples.set(mosaic.subarray(from, from + bytes), to);
      }
    }
  }
  return { geometry: small, samples };
}

/**
 * The common case, one 16-bit sample per pixel, without the general path's copy of every value:
 * block sums straight from the samples, means written straight into the result.
 */
function mosaicWords(words: Uint16Array, geometry: FrameGeometry, blockSize: number): Uint8Array {
  const { rows, columns } = geometry;
  const out = new Uint16Array(rows * columns);
  const blockOf = blockColumns(columns, blockSize);
  blockMeansOfWords(words, geometry, blockSize, (blockRow, means) => {
    const top = blockRow * blockSize;
    const bottom = Math.min(top + blockSize, rows);
    for (let at = top * columns; at < bottom * columns; at += columns) {
      for (let column = 0; column < columns; column++) out[at + column] = means[blockOf[column]!]!;
    }
  });
  return new Uint8Array(out.buffer);
}

/** For each row of squares, top to bottom, the 16-bit means of its squares, left to right. */
function blockMeansOfWords(words: Uint16Array, geometry: FrameGeometry, blockSize: number, take: (blockRow: number, means: Uint16Array) => void): void {
  const { rows, columns, bitsStored } = geometry;
  const mask = (1 << bitsStored) - 1;
  const half = geometry.pixelRepresentation === 1 ? 1 << (bitsStored - 1) : Infinity;
  const range = 1 << bitsStored;
  const blocksAcross = Math.ceil(columns / blockSize);
  const blockOf = blockColumns(columns, blockSize);
  const sums = new Float64Array(blocksAcross);
  const means = new Uint16Array(blocksAcross);
  for (let top = 0, blockRow = 0; top < rows; top += blockSize, blockRow++) {
    const bottom = Math.min(top + blockSize, rows);
    sums.fill(0);
    sumWordRows(words, sums, blockOf, { from: top * columns, to: bottom * columns, columns, mask, half, range });
    for (let block = 0; block < blocksAcross; block++) {
      const count = Math.min(blockSize, columns - block * blockSize) * (bottom - top);
      // Two's complement in 16 bits: the sign extended above Bits Stored.
      const mean = Math.round(sums[block]! / count);
      means[block] = mean < 0 ? 65536 + mean : mean;
    }
    take(blockRow, means);
  }
}

function blockColumns(columns: number, blockSize: number): Int32Array {
  const blockOf = new Int32Array(columns);
  for (let column = 0; column < columns; column++) blockOf[column] = Math.floor(column / blockSize);
  return blockOf;
}

function sumWordRows(words: Uint16Array, sums: Float64Array, blockOf: Int32Array, span: { from: number; to: number; columns: number; mask: number; half: number; range: number }): void {
  const { from, to, columns, mask, half, range } = span;
  for (let at = from; at < to; at += columns) {
    for (let column = 0; column < columns; column++) {
      const stored = words[at + column]! & mask;
      sums[blockOf[column]!]! += stored >= half ? stored - range : stored;
    }
  }
}

interface PlaneLayout {
  readonly offset: number;
  readonly rowStride: number;
  readonly columnStride: number;
}

/** One sample of every pixel, laid out linearly: block sums by rows, then the means written back. */
function mosaicPlane(values: Float64Array, geometry: FrameGeometry, layout: PlaneLayout, blockSize: number, oneBit: boolean): void {
  const { rows, columns } = geometry;
  const { offset, rowStride, columnStride } = layout;
  const blocksAcross = Math.ceil(columns / blockSize);
  const sums = new Float64Array(blocksAcross);
  const blockOf = new Int32Array(columns);
  for (let column = 0; column < columns; column++) blockOf[column] = Math.floor(column / blockSize);
  for (let top = 0; top < rows; top += blockSize) {
    const bottom = Math.min(top + blockSize, rows);
    sums.fill(0);
    for (let row = top; row < bottom; row++) {
      let at = offset + row * rowStride;
      for (let column = 0; column < columns; column++, at += columnStride) sums[blockOf[column]!]! += values[at]!;
    }
    for (let block = 0; block < blocksAcross; block++) {
      const width = Math.min(blockSize, columns - block * blockSize);
      sums[block] = mean(sums[block]!, width * (bottom - top), oneBit);
    }
    for (let row = top; row < bottom; row++) {
      let at = offset + row * rowStride;
      for (let column = 0; column < columns; column++, at += columnStride) values[at] = sums[blockOf[column]!]!;
    }
  }
}

/**
 * YBR_FULL_422: Y1 Y2 Cb Cr for each pair of pixels (PS3.3 C.7.6.3.1.2). `blockWidth` is even,
 * so a pair's two luminance samples and its chroma fall in one block.
 */
function mosaicPairs(values: Float64Array, geometry: FrameGeometry, blockWidth: number, blockHeight: number, oneBit: boolean): void {
  const { rows, columns } = geometry;
  const pairsAcross = columns / 2;
  const pairsPerBlock = blockWidth / 2;
  for (let top = 0; top < rows; top += blockHeight) {
    const bottom = Math.min(top + blockHeight, rows);
    for (let firstPair = 0; firstPair < pairsAcross; firstPair += pairsPerBlock) {
      const lastPair = Math.min(firstPair + pairsPerBlock, pairsAcross);
      // Per block: the sum of Y over its pixels, of Cb and of Cr over its pairs.
      const sums = [0, 0, 0];
      for (let row = top; row < bottom; row++) {
        for (let pair = firstPair; pair < lastPair; pair++) {
          const at = (row * pairsAcross + pair) * 4;
          sums[0]! += values[at]! + values[at + 1]!;
          sums[1]! += values[at + 2]!;
          sums[2]! += values[at + 3]!;
        }
      }
      const pairs = (lastPair - firstPair) * (bottom - top);
      const y = mean(sums[0]!, pairs * 2, oneBit);
      const cb = mean(sums[1]!, pairs, oneBit);
      const cr = mean(sums[2]!, pairs, oneBit);
      for (let row = top; row < bottom; row++) {
        for (let pair = firstPair; pair < lastPair; pair++) values.set([y, y, cb, cr], (row * pairsAcross + pair) * 4);
      }
    }
  }
}

function mean(sum: number, count: number, oneBit: boolean): number {
  return oneBit ? (sum * 2 >= count ? 1 : 0) : Math.round(sum / count);
}

function sampleCount(geometry: FrameGeometry): number {
  const perPixel = geometry.photometricInterpretation === 'YBR_FULL_422' ? 2 : geometry.samplesPerPixel;
  return geometry.rows * geometry.columns * perPixel;
}

/** The stored value of every sample, in the frame's own order. */
function readValues(frame: DecodedFrame): Float64Array {
  const count = sampleCount(frame.geometry);
  if (frame.samples.length * 8 < count * frame.geometry.bitsAllocated) throw shortFrame(frame.geometry, frame.samples.length);
  return storedValues(frame, count);
}

function writeValues(values: Float64Array, geometry: FrameGeometry, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (geometry.bitsAllocated === 1) writeBits(values, out);
  else writeWords(values, out, geometry.bitsAllocated / 8);
  return out;
}

function writeBits(values: Float64Array, out: Uint8Array): void {
  for (let i = 0; i < values.length; i++) if (values[i] === 1) out[i >> 3]! |= 1 << (i & 7);
}

/** Little endian, two's complement in the sample's full width: the sign extended above Bits Stored. */
function writeWords(values: Float64Array, out: Uint8Array, width: number): void {
  const full = 2 ** (width * 8);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0, at = 0; i < values.length; i++, at += width) {
    const value = values[i]!;
    const unsigned = value < 0 ? full + value : value;
    if (width === 1) out[at] = unsigned;
    else if (width === 2) view.setUint16(at, unsigned, true);
    else view.setUint32(at, unsigned, true);
  }
}

function shortFrame(geometry: FrameGeometry, length: number): MedVeilError {
  return new MedVeilError('pixels', `a ${geometry.rows} x ${geometry.columns} frame of ${geometry.bitsAllocated}-bit samples cannot be held in ${length} bytes`);
}
