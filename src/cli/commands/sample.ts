/**
 * `medveil sample <folder>`: writes synthetic studies of fake patients, with an identifier planted
 * in every place the PS3.15 profile names, and folder and file names made of PHI the way PACS
 * exports are, so that `medveil deid` can be tried without real patient data.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { encodeDicomFile } from '../../dicom/write-dicom-file.js';
import { MedVeilError } from '../../errors.js';
import { syntheticCorpus } from '../../samples/synthetic-corpus.js';

interface SampleFlags {
  patients: string;
  images: string;
  size: string;
  force?: boolean;
}

export function registerSample(program: Command): void {
  program
    .command('sample')
    .description('write synthetic DICOM studies with planted identifiers (no real patient data) to try `medveil deid`')
    .argument('<folder>', 'where to write them')
    .option('--patients <n>', 'fake patients', '3')
    .option('--images <n>', 'CR images per patient (plus one SR report)', '2')
    .option('--size <n>', 'image rows and columns', '64')
    .option('--force', 'replace the folder if it exists')
    .action((folder: string, flags: SampleFlags) => {
      const root = resolve(folder);
      if (existsSync(root) && readdirSync(root).length > 0) {
        if (!flags.force) throw new MedVeilError('usage', `${folder} exists and is not empty`, { hint: `add --force to replace it, or choose another folder` });
        rmSync(root, { recursive: true });
      }
      const corpus = syntheticCorpus({
        patients: wholeNumber(flags.patients, '--patients', 1, 1000),
        imagesPerPatient: wholeNumber(flags.images, '--images', 2, 10000),
        imageSize: wholeNumber(flags.size, '--size', 1, 4096),
      });
      for (const file of corpus.files) {
        const path = join(root, file.relativePath);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, encodeDicomFile(file.file));
      }
      process.stdout.write(`wrote ${corpus.files.length} synthetic DICOM files (${corpus.tokens.length} planted identifiers) to ${folder}\n`);
    });
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new MedVeilError('usage', `${flag} must be a whole number from ${min} to ${max}`);
  return n;
}
