/**
 * The pictures OCR reads: each text candidate cropped from the frame at full resolution (widened
 * by a line height on each side, so that a word the candidate cut off is read whole), made dark
 * text on white, stretched to full contrast, scaled so that its line of text stands
 * about `lineHeight` pixels tall (Tesseract's LSTM scales each line to a fixed height anyway;
 * much smaller and strokes merge, much larger only costs time), and candidates stacked one under the other with white between them, so that one
 * call reads several. Where each crop went is kept, to map what OCR reads back to the frame.
 */
import type { DecodedFrame } from './frame-codec.js';
import { type GreyImage, type GreyWindow, greyCrop } from './text-candidates-grey.js';
import type { TextCandidate } from './text-candidates.js';

/** Where one candidate lies in a stack: the stack's rectangle, and how it maps to the frame. */
export interface CropPlacement {
  /** Index into the candidates given to `stackCrops`. */
  readonly candidate: number;
  /** The crop, in frame pixels. */
  readonly crop: { readonly left: number; readonly top: number; readonly width: number; readonly height: number };
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  /** Stack pixels per frame pixel. */
  readonly scale: number;
}

export interface CropStack {
  readonly image: GreyImage;
  readonly placements: readonly CropPlacement[];
}

export interface StackOptions {
  /** The height a line of text is scaled to, in pixels; default 24. */
  readonly lineHeight?: number;
  /** White around and between crops, in pixels; default 16. */
  readonly margin?: number;
}

/** One stack of the candidates listed in `indices` (into `candidates`). */
export function stackCrops(
  frame: DecodedFrame,
  window: GreyWindow,
  candidates: readonly TextCandidate[],
  indices: readonly number[],
  options: StackOptions = {},
): CropStack {
  const lineHeight = options.lineHeight ?? 24;
  const margin = options.margin ?? 16;
  const crops = indices.map((candidate) => {
    const box = candidates[candidate]!;
    const left = Math.max(0, box.left - box.lineHeight);
    const right = Math.min(frame.geometry.columns, box.left + box.width + box.lineHeight);
    const crop = { left, top: box.top, width: right - left, height: box.height };
    // A scale never below 1/8 nor above 4: past those, strokes vanish or blur into each other.
    const scale = Math.min(4, Math.max(0.125, lineHeight / Math.max(1, box.lineHeight)));
    return { candidate, crop, scale, image: resizeGrey(darkOnWhite(greyCrop(frame, window, crop)), scale) };
  });
  const width = Math.max(1, ...crops.map((crop) => crop.image.width)) + 2 * margin;
  const height = crops.reduce((sum, crop) => sum + crop.image.height + margin, margin);
  const data = new Uint8Array(width * height).fill(255);
  const placements: CropPlacement[] = [];
  let top = margin;
  for (const crop of crops) {
    for (let y = 0; y < crop.image.height; y++) {
      data.set(crop.image.data.subarray(y * crop.image.width, (y + 1) * crop.image.width), (top + y) * width + margin);
    }
    placements.push({ candidate: crop.candidate, crop: crop.crop, left: margin, top, width: crop.image.width, height: crop.image.height, scale: crop.scale });
    top += crop.image.height + margin;
  }
  return { image: { width, height, data }, placements };
}

/**
 * The placement a box read in the stack belongs to (the one holding its vertical middle), and
 * the box in frame pixels, clipped to that crop; undefined when it lies in the white between.
 */
export function stackBoxToFrame(
  stack: CropStack,
  box: { x0: number; y0: number; x1: number; y1: number },
): { placement: CropPlacement; left: number; top: number; width: number; height: number } | undefined {
  const middle = (box.y0 + box.y1) / 2;
  const placement = stack.placements.find((p) => middle >= p.top && middle < p.top + p.height);
  if (placement === undefined) return undefined;
  const candidate = placement.crop;
  const clip = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);
  const left = clip(candidate.left + Math.floor((box.x0 - placement.left) / placement.scale), candidate.left, candidate.left + candidate.width);
  const right = clip(candidate.left + Math.ceil((box.x1 - placement.left) / placement.scale), candidate.left, candidate.left + candidate.width);
  const top = clip(candidate.top + Math.floor((box.y0 - placement.top) / placement.scale), candidate.top, candidate.top + candidate.height);
  const bottom = clip(candidate.top + Math.ceil((box.y1 - placement.top) / placement.scale), candidate.top, candidate.top + candidate.height);
  if (right <= left || bottom <= top) return undefined;
  return { placement, left, top, width: right - left, height: bottom - top };
}

/** A grey image as binary PGM (Netpbm P5), which Tesseract's image reader (Leptonica) reads without a codec. */
export function toPgm(image: GreyImage): Buffer {
  const header = Buffer.from(`P5\n${image.width} ${image.height}\n255\n`, 'ascii');
  return Buffer.concat([header, image.data]);
}

/**
 * The crop with its 2nd to 98th percentile stretched to 0..255 and, when most of it is dark
 * (light text on a dark background, as modalities usually burn it), inverted.
 */
export function darkOnWhite(image: GreyImage): GreyImage {
  const histogram = new Uint32Array(256);
  for (const value of image.data) histogram[value]!++;
  const rank = (fraction: number): number => {
    let seen = 0;
    for (let value = 0; value < 256; value++) {
      seen += histogram[value]!;
      if (seen > fraction * image.data.length) return value;
    }
    return 255;
  };
  const low = rank(0.02);
  const high = Math.max(rank(0.98), low + 1);
  let bright = 0;
  const middle = (low + high) / 2;
  for (let value = Math.ceil(middle); value < 256; value++) bright += histogram[value]!;
  const invert = bright * 2 < image.data.length;
  const table = new Uint8Array(256);
  for (let value = 0; value < 256; value++) {
    const v = Math.round(((value - low) * 255) / (high - low));
    const clipped = v < 0 ? 0 : v > 255 ? 255 : v;
    table[value] = invert ? 255 - clipped : clipped;
  }
  return { width: image.width, height: image.height, data: image.data.map((value) => table[value]!) };
}

/** `image` scaled by `scale`: bilinear when enlarging, the mean of each source area when reducing. */
export function resizeGrey(image: GreyImage, scale: number): GreyImage {
  if (scale === 1) return image;
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const data = new Uint8Array(width * height);
  const source = image.data;
  if (scale > 1) {
    for (let y = 0; y < height; y++) {
      const sy = Math.min(image.height - 1, Math.max(0, (y + 0.5) / scale - 0.5));
      const y0 = Math.floor(sy);
      const y1 = Math.min(image.height - 1, y0 + 1);
      const fy = sy - y0;
      for (let x = 0; x < width; x++) {
        const sx = Math.min(image.width - 1, Math.max(0, (x + 0.5) / scale - 0.5));
        const x0 = Math.floor(sx);
        const x1 = Math.min(image.width - 1, x0 + 1);
        const fx = sx - x0;
        const top = source[y0 * image.width + x0]! * (1 - fx) + source[y0 * image.width + x1]! * fx;
        const bottom = source[y1 * image.width + x0]! * (1 - fx) + source[y1 * image.width + x1]! * fx;
        data[y * width + x] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
    return { width, height, data };
  }
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y / scale);
    const y1 = Math.min(image.height, Math.max(y0 + 1, Math.floor((y + 1) / scale)));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x / scale);
      const x1 = Math.min(image.width, Math.max(x0 + 1, Math.floor((x + 1) / scale)));
      let sum = 0;
      for (let sy = y0; sy < y1; sy++) for (let sx = x0; sx < x1; sx++) sum += source[sy * image.width + sx]!;
      data[y * width + x] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return { width, height, data };
}
