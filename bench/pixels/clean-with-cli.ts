/**
 * Cleaning as users run it: `medveil deid <in> <out> --recipe <cleanPixelData> --pixel-rules
 * <rules> [--ocr eng] --jobs <n>`, the CLI's worker pool with one OCR finder per worker, each
 * run timed whole (start-up of the Tesseract workers included) under GNU time. Then every
 * output is read back and every planted text's box is checked: filled whole, or not.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MedVeilError } from '../../src/errors.js';
import { readDicomFile } from '../../src/dicom/read-dicom-file.js';
import { Tag } from '../../src/dicom/tag.js';
import { frameCodecFor } from '../../src/pixels/frame-codecs.js';
import { readFrames } from '../../src/pixels/read-frames.js';
import { unfilledPixels } from '../../test/support/burned-in-text.js';
import { listFiles } from '../deid/list-files.js';
import { measureCommand } from '../deid/measure-command.js';
import type { CorpusImage } from './pixel-corpus.js';

export const CLEAN_RECIPE = 'options: [cleanPixelData]\n';

export interface CleaningRun {
  readonly mode: 'rules + OCR' | 'rules only';
  readonly images: number;
  readonly seconds: number;
  readonly peakRssBytes: number;
  /** Planted texts whose box came out filled whole, of those checked. */
  readonly filled: number;
  readonly planted: number;
  /** Of those, the ones the rule covers (rules alone must fill these). */
  readonly filledByRule: number;
  readonly plantedByRule: number;
  /** Images written (not quarantined). */
  readonly written: number;
}

export interface CleaningSetup {
  readonly node: string;
  readonly medveilBin: string;
  readonly work: string;
  readonly keyFile: string;
  readonly recipeFile: string;
  readonly rulesFile: string;
  readonly imagesFolder: string;
  readonly jobs: number;
  /** Write V8 CPU profiles of every thread of the run here (`node --cpu-prof`). */
  readonly profileDir?: string;
}

/** The key and recipe files a run needs, made once. */
export function prepareCleaning(options: { node: string; medveilBin: string; work: string }): { keyFile: string; recipeFile: string } {
  mkdirSync(options.work, { recursive: true });
  const keyFile = join(options.work, 'deid.key');
  const recipeFile = join(options.work, 'clean-pixels.yaml');
  writeFileSync(recipeFile, CLEAN_RECIPE);
  const keygen = measureCommand(options.node, [options.medveilBin, 'keygen', '--out', keyFile], options.work, 'keygen');
  if (keygen.status !== 0) throw new MedVeilError('io', `medveil keygen failed: ${keygen.stderr.trim()}`);
  return { keyFile, recipeFile };
}

export async function cleanWithCli(setup: CleaningSetup, images: readonly CorpusImage[], mode: CleaningRun['mode'], label: string): Promise<CleaningRun> {
  const input = join(setup.work, `${label}-in`);
  const output = join(setup.work, `${label}-out`);
  const mapping = join(setup.work, `${label}.mapping.tsv`);
  for (const folder of [input, output, `${output}.quarantine`]) rmSync(folder, { recursive: true, force: true });
  mkdirSync(input, { recursive: true });
  for (const image of images) linkSync(join(setup.imagesFolder, image.file), join(input, image.file));
  const args = [
    ...(setup.profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', setup.profileDir]),
    setup.medveilBin, 'deid', input, output,
    '--key-file', setup.keyFile, '--recipe', setup.recipeFile, '--pixel-rules', setup.rulesFile,
    ...(mode === 'rules + OCR' ? ['--ocr', 'eng'] : []),
    '--jobs', String(setup.jobs), '--mapping', mapping, '--no-progress',
  ];
  const run = measureCommand(setup.node, args, setup.work, label);
  if (run.status !== 0) throw new MedVeilError('io', `medveil deid (${mode}) exited ${run.status}: ${(run.stdout + run.stderr).trim().slice(-800)}`);
  const check = await checkCleaned(output, mapping, images);
  rmSync(input, { recursive: true, force: true });
  rmSync(output, { recursive: true, force: true });
  return { mode, images: images.length, seconds: run.seconds, peakRssBytes: run.peakRssBytes, ...check };
}

async function checkCleaned(output: string, mappingFile: string, images: readonly CorpusImage[]): Promise<Pick<CleaningRun, 'filled' | 'planted' | 'filledByRule' | 'plantedByRule' | 'written'>> {
  const original = new Map<string, string>();
  for (const line of readFileSync(mappingFile, 'utf8').trim().split('\n').slice(1)) {
    const [kind, from, to] = line.split('\t');
    if (kind === 'uid') original.set(to!, from!);
  }
  const bySop = new Map(images.map((image) => [image.sopInstanceUid, image]));
  const seen = new Set<string>();
  let filled = 0;
  let filledByRule = 0;
  for (const file of listFiles(output)) {
    const dicom = readDicomFile(readFileSync(join(output, file)));
    const image = bySop.get(original.get(dicom.dataset.getString(Tag.SOPInstanceUID) ?? '') ?? '');
    if (image === undefined) throw new MedVeilError('io', `medveil deid wrote ${file}, which maps to no input image`);
    seen.add(image.sopInstanceUid);
    if (image.tokens.length === 0) continue;
    const read = readFrames(dicom);
    const frame = await frameCodecFor(read.transferSyntaxUid).decode(read.frames[0]!, read.geometry);
    for (const token of image.tokens) {
      if (unfilledPixels(frame, token.box) !== 0) continue;
      filled++;
      if (token.byRule) filledByRule++;
    }
  }
  const tokens = images.flatMap((image) => image.tokens);
  return { filled, planted: tokens.length, filledByRule, plantedByRule: tokens.filter((t) => t.byRule).length, written: seen.size };
}
