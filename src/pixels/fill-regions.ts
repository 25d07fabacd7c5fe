/**
 * Covers regions of a decoded frame with one solid value that reads as background. Text is
 * never blurred or mosaicked (ARCHITECTURE.md: mosaic over text can be reversed); every sample
 * outside the regions keeps its bytes.
 *
 * The fill is the darkest value the frame can show: the minimum of the stored range for
 * MONOCHROME2 and the maximum for MONOCHROME1 (PS3.3 C.7.6.3.1.2, where the minimum is white),
 * black for RGB, and for YBR_FULL and YBR_FULL_422 Y = 0 with Cb = Cr at the middle of their
 * range (PS3.3 C.7.6.3.1.2 gives the full-range conversion, where zero chroma is 2^(bits-1)).
 * PALETTE COLOR frames are filled with index 0, whatever colour the palette gives it: solid
 * still covers the text.
 */
import { MedVeilError } from '../errors.js';
import type { DecodedFrame, FrameGeometry } from './frame-codec.js';
import { type PixelRegion, type PlacedRegion, placeRegion } from './pixel-region.js';

/**
 * `frame` with `regions` filled, and how many of them covered at least one pixel: a copy, or with
 * `inPlace` (for a caller whose samples are its own copy already) the same frame, changed.
 */
export function fillRegions(frame: DecodedFrame, regions: readonly PixelRegion[], options: { readonly inPlace?: boolean } = {}): { frame: DecodedFrame; filled: number } {
  const { geometry } = frame;
  const placed = regions.map((region) => placeRegion(region, geometry.rows, geometry.columns))
    .filter((region) => region.right > region.left && region.bottom > region.top);
  if (placed.length === 0) return { frame, filled: 0 };
  if (geometry.bitsAllocated % 8 !== 0) {
    throw new MedVeilError('pixels', `filling regions of a frame of Bits Allocated ${geometry.bitsAllocated} is not supported`);
  }
  const samples = options.inPlace === true ? frame.samples : new Uint8Array(frame.samples);
  const fill = fillSamples(geometry);
  for (const region of placed) {
    if (geometry.photometricInterpretation === 'YBR_FULL_422') fillYbr422(samples, geometry, region, fill);
    else fillRectangle(samples, geometry, region, fill);
  }
  return { frame: options.inPlace === true ? frame : { geometry, samples }, filled: placed.length };
}

/** The fill, one value per sample of a pixel, as raw stored values (two's complement when signed). */
export function fillSamples(geometry: FrameGeometry): number[] {
  const bits = geometry.bitsStored;
  const signed = geometry.pixelRepresentation === 1;
  const minimum = signed ? -(2 ** (bits - 1)) : 0;
  const maximum = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const middle = 2 ** (bits - 1);
  switch (geometry.photometricInterpretation) {
    case 'MONOCHROME2': return [minimum];
    case 'MONOCHROME1': return [maximum];
    case 'PALETTE COLOR': return [0];
    case 'RGB': return [0, 0, 0];
    case 'YBR_FULL':
    case 'YBR_FULL_422': return [0, middle, middle];
    default:
      throw new MedVeilError('pixels', `filling regions of a ${geometry.photometricInterpretation} frame is not supported`, {
        hint: 'the frame decodes to a colour space without a defined black; convert it to RGB first',
      });
  }
}

function fillRectangle(samples: Uint8Array, geometry: FrameGeometry, region: PlacedRegion, fill: readonly number[]): void {
  const bytes = geometry.bitsAllocated / 8;
  const { columns, rows, samplesPerPixel } = geometry;
  const planar = samplesPerPixel > 1 && geometry.planarConfiguration === 1;
  const pattern = (values: readonly number[]): Uint8Array => {
    const out = new Uint8Array(values.length * bytes);
    values.forEach((value, i) => writeSample(out, i * bytes, bytes, value));
    return out;
  };
  const width = region.right - region.left;
  if (planar) {
    for (let plane = 0; plane < samplesPerPixel; plane++) {
      const run = repeat(pattern([fill[plane]!]), width);
      for (let row = region.top; row < region.bottom; row++) {
        samples.set(run, ((plane * rows + row) * columns + region.left) * bytes);
      }
    }
    return;
  }
  const run = repeat(pattern(fill), width);
  for (let row = region.top; row < region.bottom; row++) {
    samples.set(run, (row * columns + region.left) * samplesPerPixel * bytes);
  }
}

/**
 * YBR_FULL_422 keeps Y1 Y2 Cb Cr for each pair of pixels (PS3.3 C.7.6.3.1.2): a pair's chroma
 * is shared, so a region is widened to whole pairs. Widening covers more, never less.
 */
function fillYbr422(samples: Uint8Array, geometry: FrameGeometry, region: PlacedRegion, fill: readonly number[]): void {
  const bytes = geometry.bitsAllocated / 8;
  const pairs = geometry.columns / 2;
  const group = new Uint8Array(4 * bytes);
  [fill[0]!, fill[0]!, fill[1]!, fill[2]!].forEach((value, i) => writeSample(group, i * bytes, bytes, value));
  const first = Math.floor(region.left / 2);
  const run = repeat(group, Math.ceil(region.right / 2) - first);
  for (let row = region.top; row < region.bottom; row++) samples.set(run, (row * pairs + first) * group.length);
}

function writeSample(out: Uint8Array, offset: number, bytes: number, value: number): void {
  // Little endian, two's complement in the sample's full width (PS3.5 8.1.1).
  let unsigned = value < 0 ? 2 ** (bytes * 8) + value : value;
  for (let i = 0; i < bytes; i++) {
    out[offset + i] = unsigned % 256;
    unsigned = Math.floor(unsigned / 256);
  }
}

function repeat(pattern: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(pattern.length * times);
  for (let i = 0; i < times; i++) out.set(pattern, i * pattern.length);
  return out;
}
