/**
 * OCR for burned-in text (issue 5, finding text (b)): the adapter between `cleanPixels`'s
 * `FindTextRegions` seam and tesseract.js.
 *
 * Per frame, `findTextCandidates` finds lines that look like text on a reduced copy (a few
 * milliseconds), each with a `strength`, the density of its strokes, and `evenInk`, how much
 * of its ink has one value, as a modality draws text. Then:
 *
 * - a candidate with strong, evenly inked strokes (`strength` at least `unreadStrength`,
 *   default 0.5, and `evenInk` at least `unreadEvenInk`, default 0.4) is filled without OCR:
 *   whatever OCR made of it, filling it would be right, since text OCR cannot read (a small or
 *   unusual font, a name in a script whose language is off, text over anatomy) must not pass
 *   for anatomy. Missing text leaks a name; filling a strip that only looked like text loses
 *   little.
 * - the other candidates are cropped, scaled to a size Tesseract reads well and stacked into
 *   one picture per worker (`ocr-crop-stack.ts`), and Tesseract reads them. A candidate in which
 *   it reads at least one word with confidence is text: the candidate's whole line box is
 *   filled, and every confident word's box (padded by a sixth of its height, at least 3 pixels),
 *   which may reach past the candidate, since crops are widened by a line height on each side.
 *   Not only the words: a character dropped or misread beside a word read (a `^` in a name, a
 *   low-confidence digit group) is burned-in text all the same.
 * - any other candidate in which OCR reads nothing with confidence is left as it is: a rib edge,
 *   bone, a wire or a grid that looked like strokes. This is where text can still pass: faint,
 *   small or unevenly inked text in a font OCR cannot read. Raising `unreadStrength` above 1
 *   makes OCR decide every candidate; setting both thresholds to 0 fills every candidate and
 *   never runs OCR.
 *
 * Results are cached per frame, keyed by the SHA-256 of the samples and the geometry, so that a
 * frame seen again (the same image in several exports, identical frames of a multi-frame image)
 * is answered without reading it again. Language data comes from the npm packages
 * `@tesseract.js-data/eng` and `@tesseract.js-data/chi_sim` on disk; nothing is downloaded, and
 * tesseract.js loads its WebAssembly core and worker script from node_modules.
 *
 * Nothing read from the pixels leaves this module: regions and counts only.
 */
import { createHash } from 'node:crypto';
import { access, mkdtemp, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MedVeilError } from '../errors.js';
import type { FindTextRegions } from './clean-pixels.js';
import type { DecodedFrame } from './frame-codec.js';
import { type CropStack, stackBoxToFrame, stackCrops, toPgm } from './ocr-crop-stack.js';
import type { PixelRegion } from './pixel-region.js';
import { isOcrLanguage, OCR_LANGUAGES, type OcrLanguage } from './ocr-language.js';
import { findTextCandidates, type TextCandidate, type TextCandidateOptions } from './text-candidates.js';
import tesseract from 'tesseract.js';

export type { OcrLanguage } from './ocr-language.js';

export interface OcrTextFinderOptions {
  /** Languages Tesseract reads, default `['eng']`; add `'chi_sim'` for Simplified Chinese names. */
  readonly languages?: readonly OcrLanguage[];
  /** Tesseract workers (each a worker thread with its own WebAssembly instance); default 2. */
  readonly workers?: number;
  /** A word of two letters or digits or more counts as read at this confidence (0-100) or more; default 70. */
  readonly minConfidence?: number;
  /**
   * Candidates of this strength (0-1) or more, and inked at least as evenly as `unreadEvenInk`
   * (0-1), are filled without OCR; OCR decides the others. Defaults 0.5 and 0.4.
   */
  readonly unreadStrength?: number;
  readonly unreadEvenInk?: number;
  /** Frames whose regions are remembered; default 1024. */
  readonly cacheSize?: number;
  readonly candidates?: TextCandidateOptions;
}

/** What the finder did, in counts only. */
export interface OcrTextFinderStats {
  readonly framesRead: number;
  readonly cacheHits: number;
  readonly candidates: number;
  /** Candidates filled for their strong, evenly inked strokes, without OCR. */
  readonly candidatesFilledUnread: number;
  /** Other candidates in which OCR read a word, filled. */
  readonly candidatesRead: number;
  /** Other candidates OCR read nothing in, left as they were. */
  readonly candidatesLeft: number;
  readonly ocrCalls: number;
}

export interface OcrTextFinder {
  readonly findTextRegions: FindTextRegions;
  stats(): OcrTextFinderStats;
  /** Ends the workers; the finder refuses frames afterwards. */
  close(): Promise<void>;
}

/** The data tesseract.js 5+ reads by default: the LSTM models, integer-quantised ("best_int"). */
const LANGUAGE_DATA_FOLDER = '4.0.0_best_int';

export async function createOcrTextFinder(options: OcrTextFinderOptions = {}): Promise<OcrTextFinder> {
  const languages = [...new Set<OcrLanguage>(options.languages ?? ['eng'])];
  if (languages.length === 0) throw new MedVeilError('usage', 'OCR needs at least one language');
  for (const language of languages) {
    if (!isOcrLanguage(language)) throw new MedVeilError('usage', `OCR language ${String(language)} is not available`, { hint: `use ${OCR_LANGUAGES.join(' or ')}` });
  }
  const workerCount = options.workers ?? 2;
  if (!Number.isSafeInteger(workerCount) || workerCount < 1) throw new MedVeilError('usage', `OCR workers must be a whole number of at least 1, not ${workerCount}`);
  const minConfidence = options.minConfidence ?? 70;
  const unreadStrength = options.unreadStrength ?? 0.5;
  const unreadEvenInk = options.unreadEvenInk ?? 0.4;
  const cacheSize = options.cacheSize ?? 1024;

  const scheduler = tesseract.createScheduler();
  const data = await languageFolder(languages);
  try {
    const workers = await withTimeout(Promise.all(Array.from({ length: workerCount }, async () => {
      // The LSTM engine only: the best_int data holds no other. Without an error handler,
      // tesseract.js throws a failed job's error out of its message listener, ending the process.
      const worker = await tesseract.createWorker([...languages], tesseract.OEM.LSTM_ONLY, { cacheMethod: 'none', langPath: data.folder, errorHandler: () => {} });
      // Sparse text: as much text as possible in no particular order, since a stack holds
      // unrelated lines. A stated resolution keeps Tesseract from estimating it (and saying so on stderr).
      await worker.setParameters({ tessedit_pageseg_mode: tesseract.PSM.SPARSE_TEXT, user_defined_dpi: '300' });
      return worker;
    })), START_TIMEOUT_MS);
    for (const worker of workers) scheduler.addWorker(worker);
  } catch (error) {
    await scheduler.terminate().catch(() => {});
    throw new MedVeilError('pixels', 'the OCR workers could not start', { cause: error, hint: 'reinstall the dependencies (npm ci): tesseract.js and its language data come from npm' });
  } finally {
    await data.remove();
  }

  let closed = false;
  const cache = new Map<string, Promise<PixelRegion[]>>();
  const counts = { framesRead: 0, cacheHits: 0, candidates: 0, candidatesRead: 0, candidatesFilledUnread: 0, candidatesLeft: 0, ocrCalls: 0 };

  const recognize = async (stack: CropStack): Promise<RecognizedWord[]> => {
    counts.ocrCalls++;
    try {
      const result = await scheduler.addJob('recognize', toPgm(stack.image), {}, { blocks: true, text: false });
      return wordsOf(result.data);
    } catch (error) {
      throw new MedVeilError('pixels', 'OCR failed on a frame', { cause: error });
    }
  };

  const readFrame = async (frame: DecodedFrame): Promise<PixelRegion[]> => {
    counts.framesRead++;
    const { candidates, window } = findTextCandidates(frame, options.candidates);
    counts.candidates += candidates.length;
    const regions: PixelRegion[] = [];
    const toRead: number[] = [];
    candidates.forEach((candidate, index) => {
      if (candidate.strength < unreadStrength || (candidate.evenInk ?? 0) < unreadEvenInk) toRead.push(index);
      else {
        counts.candidatesFilledUnread++;
        regions.push(boxOf(candidate));
      }
    });
    if (toRead.length === 0) return regions;
    const stacks = groupCandidates(candidates, toRead, workerCount).map((indices) => stackCrops(frame, window, candidates, indices));
    const read = await Promise.all(stacks.map(recognize));
    const confirmed = new Set<number>();
    stacks.forEach((stack, s) => {
      for (const word of read[s]!) {
        if (!isConfident(word, minConfidence)) continue;
        const placed = stackBoxToFrame(stack, word.bbox);
        if (placed === undefined) continue;
        confirmed.add(placed.placement.candidate);
        regions.push(padded(placed, Math.max(3, Math.ceil(placed.height / 6)), frame));
      }
    });
    for (const index of toRead) {
      if (confirmed.has(index)) {
        counts.candidatesRead++;
        regions.push(boxOf(candidates[index]!));
      } else {
        counts.candidatesLeft++;
      }
    }
    return regions;
  };

  const findTextRegions: FindTextRegions = async (frame) => {
    if (closed) throw new MedVeilError('internal', 'internal error (a MedVeil bug): the OCR text finder was used after close()');
    const key = frameKey(frame);
    const cached = cache.get(key);
    if (cached !== undefined) {
      counts.cacheHits++;
      // Most recently used last, so that the oldest entry is the first to go.
      cache.delete(key);
      cache.set(key, cached);
      return cached;
    }
    const pending = readFrame(frame);
    cache.set(key, pending);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    try {
      return await pending;
    } catch (error) {
      cache.delete(key);
      throw error;
    }
  };

  return {
    findTextRegions,
    stats: () => ({ ...counts }),
    close: async () => {
      if (closed) return;
      closed = true;
      cache.clear();
      await scheduler.terminate();
    },
  };
}

interface RecognizedWord {
  readonly confidence: number;
  readonly symbols: readonly { readonly confidence: number; readonly letterOrDigit: boolean }[];
  readonly bbox: { x0: number; y0: number; x1: number; y1: number };
}

/**
 * A word is read with confidence when Tesseract's confidence in it reaches `minConfidence` and
 * it holds at least two letters or digits. Its per-character confidences are no guide: bone
 * texture read as `ww` or `Fa` gets 90 and more for each character, and 13 to 54 for the word;
 * a single letter is too easily seen in a curve.
 */
function isConfident(word: RecognizedWord, minConfidence: number): boolean {
  return word.confidence >= minConfidence && word.symbols.filter((symbol) => symbol.letterOrDigit).length >= 2;
}

/** The words of a tesseract.js page (blocks, paragraphs, lines, words); the text itself is not kept. */
function wordsOf(page: tesseract.Page): RecognizedWord[] {
  const words: RecognizedWord[] = [];
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        for (const word of line.words) {
          words.push({
            confidence: word.confidence,
            bbox: word.bbox,
            symbols: word.symbols.map((symbol) => ({ confidence: symbol.confidence, letterOrDigit: /^[\p{L}\p{N}]+$/u.test(symbol.text) })),
          });
        }
      }
    }
  }
  return words;
}

/**
 * Candidates shared among at most `groups` stacks, each about as large as the others (largest
 * first, each to the stack with the least area so far), so that the workers read one frame together.
 */
function groupCandidates(candidates: readonly TextCandidate[], indices: readonly number[], groups: number): number[][] {
  // The area a candidate takes in a stack, where its line is scaled to about the same height.
  const area = (c: TextCandidate): number => (c.width * c.height) / Math.max(1, c.lineHeight) ** 2;
  const order = [...indices].sort((a, b) => area(candidates[b]!) - area(candidates[a]!));
  const stacks = Array.from({ length: Math.min(groups, indices.length) }, () => ({ indices: [] as number[], area: 0 }));
  for (const index of order) {
    const smallest = stacks.reduce((best, stack) => (stack.area < best.area ? stack : best));
    smallest.indices.push(index);
    smallest.area += area(candidates[index]!);
  }
  return stacks.map((stack) => stack.indices.sort((a, b) => a - b));
}

function boxOf(candidate: TextCandidate): PixelRegion {
  return { left: candidate.left, top: candidate.top, width: candidate.width, height: candidate.height };
}

function padded(box: { left: number; top: number; width: number; height: number }, pad: number, frame: DecodedFrame): PixelRegion {
  const left = Math.max(0, box.left - pad);
  const top = Math.max(0, box.top - pad);
  const right = Math.min(frame.geometry.columns, box.left + box.width + pad);
  const bottom = Math.min(frame.geometry.rows, box.top + box.height + pad);
  return { left, top, width: right - left, height: bottom - top };
}

function frameKey(frame: DecodedFrame): string {
  return createHash('sha256').update(JSON.stringify(frame.geometry)).update(frame.samples).digest('hex');
}

/**
 * A folder holding `<code>.traineddata.gz` of each language, for tesseract.js's `langPath`: the
 * npm package's own folder for one language; for several, a temporary folder of links to each
 * package's file, removed once the workers have read them. (tesseract.js takes one `langPath`,
 * and its `{ code, data }` form of a language is joined into the initialisation string by its
 * data instead of its code, so that it cannot be used.)
 */
async function languageFolder(languages: readonly OcrLanguage[]): Promise<{ folder: string; remove: () => Promise<void> }> {
  const files = await Promise.all(languages.map(async (code) => {
    let file: string;
    try {
      const packageJson = createRequire(import.meta.url).resolve(`@tesseract.js-data/${code}/package.json`);
      file = join(dirname(packageJson), LANGUAGE_DATA_FOLDER, `${code}.traineddata.gz`);
      await access(file);
    } catch (error) {
      throw new MedVeilError('pixels', `OCR language data for ${code} is missing`, { cause: error, hint: `install the npm package @tesseract.js-data/${code} (npm ci)` });
    }
    return { code, file };
  }));
  if (files.length === 1) return { folder: dirname(files[0]!.file), remove: async () => {} };
  const folder = await mkdtemp(join(tmpdir(), 'medveil-ocr-'));
  try {
    for (const { code, file } of files) await symlink(file, join(folder, `${code}.traineddata.gz`));
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw new MedVeilError('pixels', 'the OCR language data could not be linked into a temporary folder', { cause: error });
  }
  return { folder, remove: () => rm(folder, { recursive: true, force: true }) };
}

/**
 * tesseract.js never settles `createWorker` when Tesseract's initialisation fails (it only
 * rejects a failed load), so a start that takes this long is a failure.
 */
const START_TIMEOUT_MS = 120_000;

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
