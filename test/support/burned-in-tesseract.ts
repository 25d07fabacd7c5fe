/**
 * Debian's `tesseract` command as the independent reader of burned-in text tests (issue 5,
 * acceptance 1): a decoded frame is rendered to an 8-bit grey PNG the way a viewer would show
 * it, and tesseract's text is compared with the planted tokens. tesseract.js, which MedVeil runs,
 * is a different build with its own language data; this is the system's C++ program.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecodedFrame } from '../../src/pixels/frame-codec.js';
import { encodeGreyPng, type GreyImage } from '../../src/pixels/png-encoder.js';

/**
 * A frame as a viewer would show it, in 8 bits: monochrome windowed over the whole stored range
 * (MONOCHROME1 inverted, PS3.3 C.7.6.3.1.2), colour as its luma (Y of YBR_FULL and
 * YBR_FULL_422, 0.299 R + 0.587 G + 0.114 B of RGB). `scale` enlarges by whole pixels, for
 * thumbnails too small for OCR.
 */
export function frameAsGrey(frame: DecodedFrame, scale = 1): GreyImage {
  const g = frame.geometry;
  if (g.bitsAllocated !== 8 && g.bitsAllocated !== 16) throw new Error(`cannot render Bits Allocated ${g.bitsAllocated}`);
  const view = new DataView(frame.samples.buffer, frame.samples.byteOffset, frame.samples.byteLength);
  const bytes = g.bitsAllocated / 8;
  const signed = g.pixelRepresentation === 1;
  const stored = (index: number): number => {
    const raw = bytes === 1 ? view.getUint8(index) : view.getUint16(index * 2, true);
    const masked = raw & (2 ** g.bitsStored - 1);
    return signed && masked >= 2 ** (g.bitsStored - 1) ? masked - 2 ** g.bitsStored : masked;
  };
  const low = signed ? -(2 ** (g.bitsStored - 1)) : 0;
  const span = 2 ** g.bitsStored - 1;
  const pixels = g.rows * g.columns;
  const sample = (pixel: number, s: number): number => {
    if (g.photometricInterpretation === 'YBR_FULL_422') {
      // Y1 Y2 Cb Cr per pair of pixels.
      return stored((pixel >> 1) * 4 + (pixel & 1));
    }
    return stored(g.planarConfiguration === 1 ? s * pixels + pixel : pixel * g.samplesPerPixel + s);
  };
  let level: (pixel: number) => number;
  switch (g.photometricInterpretation) {
    case 'MONOCHROME2': level = (p) => ((sample(p, 0) - low) / span) * 255; break;
    case 'MONOCHROME1': level = (p) => 255 - ((sample(p, 0) - low) / span) * 255; break;
    case 'RGB': level = (p) => (0.299 * sample(p, 0) + 0.587 * sample(p, 1) + 0.114 * sample(p, 2)) * (255 / span); break;
    case 'YBR_FULL':
    case 'YBR_FULL_422': level = (p) => sample(p, 0) * (255 / span); break;
    default: throw new Error(`cannot render ${g.photometricInterpretation}`);
  }
  const width = g.columns * scale;
  const out = new Uint8Array(width * g.rows * scale);
  for (let row = 0; row < g.rows; row++) {
    for (let column = 0; column < g.columns; column++) {
      const value = Math.max(0, Math.min(255, Math.round(level(row * g.columns + column))));
      for (let dy = 0; dy < scale; dy++) out.fill(value, (row * scale + dy) * width + column * scale, (row * scale + dy) * width + (column + 1) * scale);
    }
  }
  return { width, height: g.rows * scale, samples: out };
}

/** Upper case letters and digits only: spaces, punctuation and what OCR makes of ^ and / drop out. */
export function normaliseText(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The tokens whose letters and digits appear, in order and together, in what OCR read. */
export function tokensRead(ocrText: string, tokens: readonly string[]): string[] {
  const read = normaliseText(ocrText);
  return tokens.filter((token) => read.includes(normaliseText(token)));
}

/**
 * The tokens of which any part of five letters and digits (the whole token when shorter)
 * appears in what OCR read: after cleaning, half a name or the end of an ID leaks too.
 */
export function tokensPartlyRead(ocrText: string, tokens: readonly string[]): string[] {
  const read = normaliseText(ocrText);
  return tokens.filter((token) => {
    const wanted = normaliseText(token);
    const width = Math.min(5, wanted.length);
    for (let start = 0; start + width <= wanted.length; start++) if (read.includes(wanted.slice(start, start + width))) return true;
    return false;
  });
}

export interface TesseractReader {
  /**
   * tesseract's text for `image`, from two passes joined, both as sparse text (`--psm 11`):
   * overlapping strips across its width (192 rows, every 96 rows) with the default global Otsu
   * threshold, and the whole image with adaptive Otsu (`-c thresholding_method=1`), or global
   * Otsu above 1024 x 1024 pixels (adaptive takes about 9 s of one core on a 2048 x 2048 frame,
   * where the strips read every token anyway). On the noisy, uneven backgrounds of radiographs
   * and ultrasound one global threshold over the whole frame loses lines that either pass
   * reads; a strip holds every text line whole at least once.
   */
  read(image: GreyImage): Promise<string>;
  close(): void;
}

const STRIP_ROWS = 192;
const ADAPTIVE_MAX_PIXELS = 1024 * 1024;

/** The strips of `image`: every STRIP_ROWS / 2 rows, the last one ending at the bottom edge. */
export function imageStrips(image: GreyImage): GreyImage[] {
  if (image.height <= STRIP_ROWS) return [image];
  const tops: number[] = [];
  for (let top = 0; top + STRIP_ROWS < image.height; top += STRIP_ROWS / 2) tops.push(top);
  tops.push(image.height - STRIP_ROWS);
  return tops.map((top) => ({ width: image.width, height: STRIP_ROWS, samples: image.samples.subarray(top * image.width, (top + STRIP_ROWS) * image.width) }));
}

/**
 * Runs tesseract a few processes at a time (one thread each). The same image gives the same
 * text, so a result is reused for an identical image (the frames of one image in several
 * lossless syntaxes decode to the same samples).
 */
export function tesseractReader(options: { processes?: number } = {}): TesseractReader {
  const folder = mkdtempSync(join(tmpdir(), 'medveil-tesseract-'));
  const limit = options.processes ?? Math.max(1, availableParallelism());
  const cache = new Map<string, Promise<string>>();
  const waiting: Array<() => void> = [];
  let running = 0;
  let files = 0;

  async function slot<T>(work: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  }

  function writePng(image: GreyImage): string {
    const path = join(folder, `${++files}.png`);
    writeFileSync(path, encodeGreyPng(image));
    return path;
  }

  async function readUncached(image: GreyImage): Promise<string> {
    const adaptive = image.width * image.height <= ADAPTIVE_MAX_PIXELS;
    const whole = slot(() => runTesseract(writePng(image), ['--psm', '11', ...(adaptive ? ['-c', 'thresholding_method=1'] : [])]));
    const strips = slot(() => {
      // One process reads every strip: tesseract takes a text file listing images as its input.
      const list = join(folder, `${++files}.txt`);
      writeFileSync(list, `${imageStrips(image).map(writePng).join('\n')}\n`);
      return runTesseract(list, ['--psm', '11']);
    });
    return (await Promise.all([whole, strips])).join('\n');
  }

  return {
    read(image) {
      const key = createHash('sha256').update(`${image.width}x${image.height}`).update(image.samples).digest('hex');
      let result = cache.get(key);
      if (result === undefined) {
        result = readUncached(image);
        cache.set(key, result);
      }
      return result;
    },
    close: () => rmSync(folder, { recursive: true, force: true }),
  };
}

function runTesseract(input: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('tesseract', [input, 'stdout', '-l', 'eng', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new Error('tesseract could not run: install the Debian packages tesseract-ocr and tesseract-ocr-eng', { cause: error })));
    child.on('close', (status) => {
      if (status === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`tesseract ${args.join(' ')} failed (${status}): ${Buffer.concat(err).toString('utf8')}`));
    });
  });
}
