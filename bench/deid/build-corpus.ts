/**
 * The mixed corpus of the de-identification benchmark: pydicom's sample files (and dcmtk's
 * rewrites of them in the other uncompressed transfer syntaxes), copied under several folder
 * names, plus 2048x2048 16-bit CR studies from our synthetic generator, which carry the bulk of
 * the bytes and the planted identifiers. A `corpus.json` written last marks a finished corpus,
 * so a later run reuses it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { encodeDicomFile } from '../../src/dicom/write-dicom-file.js';
import { MedVeilError } from '../../src/errors.js';
import { syntheticCorpus } from '../../src/samples/synthetic-corpus.js';
import { listFiles } from './list-files.js';
import { pydicomSampleFiles } from '../pydicom-sample-files.js';

export interface CorpusPlan {
  readonly name: 'small' | 'full';
  readonly patients: number;
  readonly imagesPerPatient: number;
  readonly imageSize: number;
  /** Also write each pydicom file in the other uncompressed transfer syntaxes. */
  readonly convert: boolean;
  /** Copies of the pydicom part are added until the corpus has about this many files. */
  readonly targetFiles: number;
}

export const CORPUS_PLANS: Readonly<Record<CorpusPlan['name'], CorpusPlan>> = {
  // 42 patients x (4 CR + 1 SR): 168 images of 8 MiB, about 1.41 GB, like a CR/DX archive.
  full: { name: 'full', patients: 42, imagesPerPatient: 4, imageSize: 2048, convert: true, targetFiles: 2000 },
  small: { name: 'small', patients: 4, imagesPerPatient: 2, imageSize: 2048, convert: false, targetFiles: 0 },
};

export interface PlantedTokenRecord {
  readonly place: string;
  /** The token's bytes as written in the file, hex. */
  readonly hex: string;
}

export interface CorpusManifest {
  /** The plan this corpus was built from; a different plan means rebuild. */
  readonly plan: CorpusPlan;
  readonly files: number;
  readonly bytes: number;
  readonly synthetic: { readonly files: number; readonly bytes: number };
  readonly pydicom: { readonly sources: number; readonly copies: number; readonly files: number; readonly bytes: number };
  /** dcmconv rewrites made and refused, by target syntax. */
  readonly conversions: Readonly<Record<string, { readonly made: number; readonly refused: number }>>;
  /** Distinct planted identifiers of the synthetic part (same bytes planted twice count once). */
  readonly tokens: readonly PlantedTokenRecord[];
}

/** dcmconv's output options (dcmtk) and the folder each rewrite goes to. */
const CONVERSIONS = [
  { folder: 'implicit-le', flag: '+ti' },
  { folder: 'explicit-le', flag: '+te' },
  { folder: 'explicit-be', flag: '+tb' },
  { folder: 'deflated', flag: '+td' },
] as const;

const SYNTHETIC_PATIENTS_PER_SEED = 4;

/** The corpus under `root`, built when missing, unfinished or made from another plan. */
export function ensureCorpus(root: string, plan: CorpusPlan, log: (line: string) => void): CorpusManifest {
  const manifestPath = join(root, 'corpus.json');
  const inputRoot = corpusInput(root);
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as CorpusManifest;
    if (JSON.stringify(manifest.plan) === JSON.stringify(plan) && existsSync(inputRoot) && listFiles(inputRoot).length === manifest.files) {
      log(`reusing the ${plan.name} corpus: ${manifest.files} files, ${(manifest.bytes / 1e9).toFixed(2)} GB`);
      return manifest;
    }
  }
  log(`building the ${plan.name} corpus (${plan.patients} patients x ${plan.imagesPerPatient} CR images of ${plan.imageSize}x${plan.imageSize}, pydicom samples)`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(inputRoot, { recursive: true });
  const synthetic = writeSynthetic(join(inputRoot, 'cr'), plan);
  const pydicom = writePydicom(join(inputRoot, 'pydicom'), plan, synthetic.files);
  const files = listFiles(inputRoot);
  const bytes = files.reduce((sum, path) => sum + statSync(join(inputRoot, path)).size, 0);
  const manifest: CorpusManifest = {
    plan,
    files: files.length,
    bytes,
    synthetic: { files: synthetic.files, bytes: synthetic.bytes },
    pydicom: pydicom.summary,
    conversions: pydicom.conversions,
    tokens: synthetic.tokens,
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 1)}\n`);
  log(`built ${files.length} files, ${(bytes / 1e9).toFixed(2)} GB`);
  return manifest;
}

/** The folder the tools read: everything of the corpus but its manifest. */
export function corpusInput(root: string): string {
  return join(root, 'input');
}

function writeSynthetic(folder: string, plan: CorpusPlan): { files: number; bytes: number; tokens: PlantedTokenRecord[] } {
  const tokens = new Map<string, PlantedTokenRecord>();
  let files = 0;
  let bytes = 0;
  // A few patients per seed, so that all of the generator's character sets occur and no more
  // than a few dozen images are in memory at once.
  for (let first = 0, group = 0; first < plan.patients; first += SYNTHETIC_PATIENTS_PER_SEED, group++) {
    const corpus = syntheticCorpus({
      patients: Math.min(SYNTHETIC_PATIENTS_PER_SEED, plan.patients - first),
      imagesPerPatient: plan.imagesPerPatient,
      imageSize: plan.imageSize,
      seed: `medveil-bench-deid-${group}`,
    });
    for (const file of corpus.files) {
      const path = join(folder, `group-${group}`, file.relativePath);
      mkdirSync(dirname(path), { recursive: true });
      const encoded = encodeDicomFile(file.file);
      writeFileSync(path, encoded);
      files++;
      bytes += encoded.length;
    }
    for (const token of corpus.tokens) {
      const hex = Buffer.from(token.bytes).toString('hex');
      if (!tokens.has(hex)) tokens.set(hex, { place: token.place, hex });
    }
  }
  return { files, bytes, tokens: [...tokens.values()] };
}

interface PydicomPart {
  summary: CorpusManifest['pydicom'];
  conversions: Record<string, { made: number; refused: number }>;
}

function writePydicom(folder: string, plan: CorpusPlan, syntheticFiles: number): PydicomPart {
  const sources = pydicomSampleFiles();
  const first = join(folder, 'copy-0');
  const conversions: Record<string, { made: number; refused: number }> = {};
  for (const source of sources) {
    const name = `${basename(dirname(source))}-${basename(source)}`;
    mkdirSync(join(first, 'original'), { recursive: true });
    copyFileSync(source, join(first, 'original', name));
    if (!plan.convert) continue;
    for (const { folder: syntax, flag } of CONVERSIONS) {
      const target = join(first, syntax, name);
      mkdirSync(dirname(target), { recursive: true });
      const run = spawnSync('dcmconv', ['-q', flag, source, target], { encoding: 'utf8' });
      if (run.error) throw new MedVeilError('io', `cannot run dcmconv: ${run.error.message}`, { hint: 'install dcmtk (apt-get install dcmtk)' });
      const count = (conversions[syntax] ??= { made: 0, refused: 0 });
      if (run.status === 0 && existsSync(target)) count.made++;
      else {
        count.refused++;
        rmSync(target, { force: true });
      }
    }
  }
  const perCopy = listFiles(first);
  const copies = Math.max(1, Math.round((plan.targetFiles - syntheticFiles) / perCopy.length));
  for (let copy = 1; copy < copies; copy++) {
    for (const path of perCopy) {
      const target = join(folder, `copy-${copy}`, path);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(join(first, path), target);
    }
  }
  const bytesPerCopy = perCopy.reduce((sum, path) => sum + statSync(join(first, path)).size, 0);
  return {
    summary: { sources: sources.length, copies, files: perCopy.length * copies, bytes: bytesPerCopy * copies },
    conversions,
  };
}

