/**
 * Where one image's cleaning time goes, on one thread, one image at a time (no overlap between
 * images or between OCR and the rest): reading the file, decoding its frame, clearing the bits
 * above High Bit (a step of `cleanPixels`), the SHA-256 of the
 * frame (the OCR finder's cache key), finding text candidates, the whole OCR finder on a frame it
 * has not seen, the same with OCR deciding every candidate (`unreadStrength: 2`, as for text
 * weaker than the corpus's), the whole `cleanPixels` with rules and a second finder (its own cache, so OCR
 * runs again), and encoding the file. What the finder adds over candidates and hashing is OCR,
 * with its cropping and stacking.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDicomFile } from '../../src/dicom/read-dicom-file.js';
import { encodeDicomFile } from '../../src/dicom/write-dicom-file.js';
import { clearBitsAboveHighBit } from '../../src/pixels/clear-bits-above-high-bit.js';
import { cleanPixels } from '../../src/pixels/clean-pixels.js';
import { frameCodecFor } from '../../src/pixels/frame-codecs.js';
import { createOcrTextFinder, type OcrTextFinderStats } from '../../src/pixels/ocr-text-finder.js';
import { defaultPixelRules, parsePixelRules } from '../../src/pixels/pixel-rules.js';
import { readFrames } from '../../src/pixels/read-frames.js';
import { findTextCandidates } from '../../src/pixels/text-candidates.js';
import type { CorpusImage } from './pixel-corpus.js';

export const STAGES = ['read file', 'decode frame', 'clear bits above High Bit', 'SHA-256 of frame', 'text candidates', 'OCR finder (whole)', 'OCR finder, OCR on every candidate', 'cleanPixels (rules + OCR, whole)', 'encode file'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageCosts {
  readonly images: number;
  /** Mean milliseconds per image, by stage. */
  readonly meanMs: Readonly<Record<Stage, number>>;
  readonly candidatesPerImage: number;
  /** The finder on the bare frame, and the one `cleanPixels` called after the rules' fill. */
  readonly finder: OcrTextFinderStats;
  readonly cleaner: OcrTextFinderStats;
  /** The finder with `unreadStrength: 2`, where OCR decides every candidate. */
  readonly reader: OcrTextFinderStats;
}

export async function measureStageCosts(options: { imagesFolder: string; rulesFile: string; images: readonly CorpusImage[] }): Promise<StageCosts> {
  const rules = [...defaultPixelRules(), ...parsePixelRules(JSON.parse(readFileSync(options.rulesFile, 'utf8')), options.rulesFile)];
  const finder = await createOcrTextFinder({ languages: ['eng'], workers: 1 });
  const cleaner = await createOcrTextFinder({ languages: ['eng'], workers: 1 });
  // What OCR costs where it decides: text weaker than this corpus's goes to OCR.
  const reader = await createOcrTextFinder({ languages: ['eng'], workers: 1, unreadStrength: 2 });
  const totals = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  let candidates = 0;
  const time = async <T>(stage: Stage, work: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    totals[stage] += performance.now() - started;
    return result;
  };
  try {
    for (const image of options.images) {
      const path = join(options.imagesFolder, image.file);
      const file = await time('read file', () => readDicomFile(readFileSync(path)));
      const read = readFrames(file);
      const frame = await time('decode frame', () => frameCodecFor(read.transferSyntaxUid).decode(read.frames[0]!, read.geometry));
      await time('clear bits above High Bit', () => clearBitsAboveHighBit(frame));
      await time('SHA-256 of frame', () => createHash('sha256').update(frame.samples).digest());
      candidates += (await time('text candidates', () => findTextCandidates(frame))).candidates.length;
      await time('OCR finder (whole)', () => finder.findTextRegions(frame, 0));
      await time('OCR finder, OCR on every candidate', () => reader.findTextRegions(frame, 0));
      const again = readDicomFile(readFileSync(path));
      await time('cleanPixels (rules + OCR, whole)', () => cleanPixels(again, { rules, findTextRegions: cleaner.findTextRegions }));
      await time('encode file', () => encodeDicomFile(again));
    }
    const n = options.images.length;
    return {
      images: n,
      meanMs: Object.fromEntries(STAGES.map((s) => [s, totals[s] / n])) as Record<Stage, number>,
      candidatesPerImage: candidates / n,
      finder: finder.stats(),
      cleaner: cleaner.stats(),
      reader: reader.stats(),
    };
  } finally {
    await finder.close();
    await cleaner.close();
    await reader.close();
  }
}
