/**
 * Where a frame may hold lines of burned-in text, found cheaply on a reduced 8-bit copy so that
 * OCR (`ocr-text-finder.ts`) reads only those places, not the whole image.
 *
 * Text is strokes: along a row through a line of text, brightness steps up and down again and
 * again within short gaps, in both directions, with a contrast well above the image's noise.
 * Anatomy rarely does that: an edge of a rib or of the collimation crosses a row once, a soft
 * tissue gradient not at all, and noise stays below the threshold. So each row of the reduced
 * image is cut into runs of strong steps (at most `gap` pixels apart, at least four steps, up
 * and down both), runs of consecutive rows that overlap are joined, and what is joined is kept
 * when it is as tall as text can be (6..120 pixels at full size) and at least as wide as tall.
 *
 * Two scales cover that height range: the frame reduced to about 1024 pixels on its longer side
 * for small and middle text, and that copy reduced four times more for large text, whose letters
 * are wider than `gap` would bridge at the finer scale.
 */
import type { DecodedFrame } from './frame-codec.js';
import { type GreyImage, type GreyWindow, greyCrop, reducedGrey } from './text-candidates-grey.js';

/** A rectangle of a frame that looks like a line (or a block) of text, in full-resolution pixels. */
export interface TextCandidate {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  /**
   * How surely this is text, 0..1, from the density of strokes in it: 1 when every row of the
   * line holds strong steps at the spacing of letters. With `evenInk`, it decides which
   * candidates OCR must confirm (`ocr-text-finder.ts`).
   */
  readonly strength: number;
  /** The height of its line of text (of the smallest, when lines were merged), unpadded, in full-resolution pixels. */
  readonly lineHeight: number;
  /**
   * How evenly inked it is, 0..1 (`evenInk`): modalities draw burned-in text in one value, while
   * the strokes of anatomy (bone edges, trabeculae) run through a range of values. Set by
   * `findTextCandidates`; 0 on candidates made otherwise.
   */
  readonly evenInk?: number;
}

export interface TextCandidates {
  readonly candidates: TextCandidate[];
  /** How the frame's stored values were mapped to 8 bits; crops for OCR use the same. */
  readonly window: GreyWindow;
}

export interface TextCandidateOptions {
  /** Smallest and largest height of a line of text at full size, in pixels; default 6 and 120. */
  readonly minHeight?: number;
  readonly maxHeight?: number;
  /** The longer side of the reduced copy; default 1024. */
  readonly reducedSize?: number;
}

const COARSE_FACTOR = 4;

export function findTextCandidates(frame: DecodedFrame, options: TextCandidateOptions = {}): TextCandidates {
  const minHeight = options.minHeight ?? 6;
  const maxHeight = options.maxHeight ?? 120;
  const { rows, columns } = frame.geometry;
  const step = Math.max(1, Math.floor(Math.max(rows, columns) / (options.reducedSize ?? 1024)));
  const fine = reducedGrey(frame, step);
  const found: TextCandidate[] = [];
  const add = (image: GreyImage, scale: number, minLine: number): void => {
    for (const line of textLines(image, { minHeight: Math.max(2, Math.floor(minLine / scale)), maxHeight: Math.ceil(maxHeight / scale) })) {
      found.push(toFrame(line, scale, rows, columns));
    }
  };
  add(fine.image, step, minHeight);
  // Text below 3 coarse pixels is the fine scale's; the coarse one adds what the fine one splits.
  const coarse = reduceGrey(fine.image, COARSE_FACTOR);
  add(coarse, step * COARSE_FACTOR, Math.max(minHeight, 3 * step * COARSE_FACTOR));
  const candidates = mergeCandidates(found).map((candidate) => ({ ...candidate, evenInk: evenInk(greyCrop(frame, fine.window, candidate)) }));
  return { candidates, window: fine.window };
}

/**
 * Of the pixels on the ink's side of a crop (the minority side of its median: bright text on a
 * dark ground, or dark on light), the share within 4 of 255 levels of the ink's extreme value.
 * Text drawn in one value (a modality's annotation, even antialiased: the cores of its strokes
 * are that value) scores about 0.4 to 0.9; bone and vessels mostly below 0.3.
 */
export function evenInk(crop: GreyImage): number {
  const histogram = new Uint32Array(256);
  for (const value of crop.data) histogram[value]!++;
  let median = 0;
  for (let seen = 0; median < 255; median++) {
    seen += histogram[median]!;
    if (seen * 2 >= crop.data.length) break;
  }
  let max = 255;
  while (max > 0 && histogram[max] === 0) max--;
  let min = 0;
  while (min < 255 && histogram[min] === 0) min++;
  const bright = max - median > median - min;
  let ink = 0;
  let extreme = 0;
  for (let value = 0; value < 256; value++) {
    const count = histogram[value]!;
    if (bright ? 2 * value < max + median : 2 * value > min + median) continue;
    ink += count;
    if (Math.abs(value - (bright ? max : min)) <= 4) extreme += count;
  }
  return ink === 0 ? 0 : extreme / ink;
}

/** A line of text found in a grey image, in that image's pixels. */
export interface TextLine {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly strength: number;
}

interface Run {
  readonly row: number;
  readonly start: number;
  readonly end: number;
  readonly steps: number;
  component: number;
}

/**
 * The lines of text in one grey image (the core of `findTextCandidates`, at one scale): rows cut
 * into runs of strong steps, runs of neighbouring rows joined, joined runs kept by their size.
 */
export function textLines(image: GreyImage, options: { minHeight: number; maxHeight: number; gap?: number }): TextLine[] {
  const { width, height, data } = image;
  if (width < 3 || height < options.minHeight) return [];
  const gap = options.gap ?? 6;
  const threshold = stepThreshold(image);
  const runs: Run[] = [];
  const rowStart: number[] = [];
  for (let y = 0; y < height; y++) {
    rowStart.push(runs.length);
    const base = y * width;
    let start = -1;
    let last = -1;
    let up = 0;
    let down = 0;
    const close = (): void => {
      if (start >= 0 && up + down >= 4 && up > 0 && down > 0) runs.push({ row: y, start, end: last + 1, steps: up + down, component: -1 });
      start = -1;
      up = 0;
      down = 0;
    };
    for (let x = 0; x + 1 < width; x++) {
      const difference = data[base + x + 1]! - data[base + x]!;
      if (difference < threshold && -difference < threshold) continue;
      if (start >= 0 && x - last > gap) close();
      if (start < 0) start = x;
      last = x;
      if (difference > 0) up++;
      else down++;
    }
    close();
  }
  rowStart.push(runs.length);

  // Runs of consecutive rows that overlap (within `gap`) belong to one component (union-find).
  const parent: number[] = runs.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (let y = 1; y < height; y++) {
    let above = rowStart[y - 1]!;
    const aboveEnd = rowStart[y]!;
    for (let i = rowStart[y]!; i < rowStart[y + 1]!; i++) {
      const run = runs[i]!;
      while (above < aboveEnd && runs[above]!.end + gap < run.start) above++;
      for (let j = above; j < aboveEnd && runs[j]!.start <= run.end + gap; j++) {
        const a = find(i);
        const b = find(j);
        if (a !== b) parent[a] = b;
      }
    }
  }

  const boxes = new Map<number, { left: number; top: number; right: number; bottom: number; steps: number; rows: Set<number> }>();
  for (const [i, run] of runs.entries()) {
    const root = find(i);
    const box = boxes.get(root);
    if (box === undefined) {
      boxes.set(root, { left: run.start, top: run.row, right: run.end + 1, bottom: run.row + 1, steps: run.steps, rows: new Set([run.row]) });
    } else {
      box.left = Math.min(box.left, run.start);
      box.right = Math.max(box.right, run.end + 1);
      box.top = Math.min(box.top, run.row);
      box.bottom = Math.max(box.bottom, run.row + 1);
      box.steps += run.steps;
      box.rows.add(run.row);
    }
  }
  const lines: TextLine[] = [];
  for (const box of boxes.values()) {
    const lineHeight = box.bottom - box.top;
    const lineWidth = box.right - box.left;
    if (lineHeight < options.minHeight || lineHeight > options.maxHeight || lineWidth < lineHeight) continue;
    // Letters are about as wide as 0.6 of the line's height and hold about two strokes (four
    // steps) on each row, so a row of text holds some 6 steps per line height of its width.
    const stepsPerRow = box.steps / box.rows.size;
    const expected = (6 * lineWidth) / lineHeight;
    const strength = Math.min(1, stepsPerRow / expected) * (box.rows.size / lineHeight);
    lines.push({ left: box.left, top: box.top, right: box.right, bottom: box.bottom, strength });
  }
  return lines;
}

/**
 * A step counts when it is well above the image's noise: six times the median step between
 * horizontal neighbours, and at least 16 of 255.
 */
function stepThreshold(image: GreyImage): number {
  const histogram = new Uint32Array(256);
  const { width, height, data } = image;
  // Every fourth row is enough to know the noise.
  for (let y = 0; y < height; y += 4) {
    for (let x = 0, i = y * width; x + 1 < width; x++, i++) histogram[Math.abs(data[i + 1]! - data[i]!)]!++;
  }
  let total = 0;
  for (const count of histogram) total += count;
  let seen = 0;
  let median = 0;
  for (; median < 256; median++) {
    seen += histogram[median]!;
    if (seen * 2 >= total) break;
  }
  return Math.max(16, 6 * median);
}

/** `image` reduced by `factor`: each pixel the mean of a factor x factor block (narrower or lower at the edges). */
function reduceGrey(image: GreyImage, factor: number): GreyImage {
  const width = Math.ceil(image.width / factor);
  const height = Math.ceil(image.height / factor);
  const whole = Math.floor(image.width / factor);
  const sums = new Uint32Array(width * height);
  for (let row = 0; row < image.height; row++) {
    const base = Math.floor(row / factor) * width;
    let i = row * image.width;
    for (let x = 0; x < whole; x++) {
      let sum = 0;
      for (let k = 0; k < factor; k++, i++) sum += image.data[i]!;
      sums[base + x]! += sum;
    }
    for (let column = whole * factor; column < image.width; column++, i++) sums[base + whole]! += image.data[i]!;
  }
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const blockRows = Math.min(factor, image.height - y * factor);
    for (let x = 0; x < width; x++) data[y * width + x] = Math.round(sums[y * width + x]! / (blockRows * Math.min(factor, image.width - x * factor)));
  }
  return { width, height, data };
}

/**
 * A line in full-resolution pixels, padded and clipped: by half its height above and below,
 * since the rows found are those dense with strokes (the x-height of lower case), and ascenders
 * and descenders reach about that far beyond; by a quarter of its height left and right; by at
 * least 2 pixels and one reduction step.
 */
function toFrame(line: TextLine, scale: number, rows: number, columns: number): TextCandidate {
  const height = (line.bottom - line.top) * scale;
  const across = Math.max(2, Math.ceil(height / 4), scale);
  const upDown = Math.max(2, Math.ceil(height / 2), scale);
  const left = Math.max(0, line.left * scale - across);
  const top = Math.max(0, line.top * scale - upDown);
  const right = Math.min(columns, line.right * scale + across);
  const bottom = Math.min(rows, line.bottom * scale + upDown);
  return { left, top, width: right - left, height: bottom - top, strength: line.strength, lineHeight: (line.bottom - line.top) * scale };
}

/**
 * Overlapping candidates of lines of similar height (within a factor of 2) become one: their
 * union, with the greater strength and the smaller line height, until no more merge; so do the
 * words of one line, up to a gap of two line heights (of word spacing, padding included). Lines of
 * very different heights stay apart, so that OCR can scale each to a size it reads, except that
 * a candidate lying mostly (by half its area) inside a larger one is part of it: the pieces the
 * fine scale finds of a large letter are that letter.
 */
export function mergeCandidates(candidates: readonly TextCandidate[]): TextCandidate[] {
  let merged = [...candidates];
  for (let changed = true; changed;) {
    changed = false;
    const out: TextCandidate[] = [];
    for (const candidate of merged) {
      const index = out.findIndex((other) => (overlap(other, candidate) || sameLine(other, candidate)) && (similarHeight(other, candidate) || mostlyInside(other, candidate)));
      if (index < 0) {
        out.push(candidate);
        continue;
      }
      const other = out[index]!;
      changed = true;
      if (mostlyInside(other, candidate) && !similarHeight(other, candidate)) {
        const [outer, inner] = area(other) >= area(candidate) ? [other, candidate] : [candidate, other];
        out[index] = { ...outer, strength: Math.max(outer.strength, inner.strength) };
        continue;
      }
      const left = Math.min(other.left, candidate.left);
      const top = Math.min(other.top, candidate.top);
      const right = Math.max(other.left + other.width, candidate.left + candidate.width);
      const bottom = Math.max(other.top + other.height, candidate.top + candidate.height);
      out[index] = {
        left, top, width: right - left, height: bottom - top,
        strength: Math.max(other.strength, candidate.strength),
        lineHeight: Math.min(other.lineHeight, candidate.lineHeight),
      };
    }
    merged = out;
  }
  return merged.sort((a, b) => a.top - b.top || a.left - b.left);
}

function area(a: TextCandidate): number {
  return a.width * a.height;
}

/** True when at least half of the smaller of the two lies inside the larger. */
function mostlyInside(a: TextCandidate, b: TextCandidate): boolean {
  const width = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const height = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  return width > 0 && height > 0 && 2 * width * height >= Math.min(area(a), area(b));
}

function similarHeight(a: TextCandidate, b: TextCandidate): boolean {
  return Math.max(a.lineHeight, b.lineHeight) <= 2 * Math.min(a.lineHeight, b.lineHeight);
}

/** Side by side on one line (rows overlapping by half the lower one), at most two line heights apart. */
function sameLine(a: TextCandidate, b: TextCandidate): boolean {
  const rows = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  const gap = Math.max(a.left, b.left) - Math.min(a.left + a.width, b.left + b.width);
  return 2 * rows >= Math.min(a.height, b.height) && gap <= 2 * Math.max(a.lineHeight, b.lineHeight);
}

function overlap(a: TextCandidate, b: TextCandidate): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}
