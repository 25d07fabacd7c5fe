/**
 * `npm run bench -- pixels [--with-text 96] [--without-text 16] [--rounds 1] [--requests 60]
 * [--only clean,stages,render] [--render-images 8] [--keep-outputs] [--profile]`: issue 5,
 * acceptance 4.
 *
 * 1. Cleaning throughput: 2048x2048 CR images with names, IDs and dates burned into their
 *    corners (and some without text), cleaned by `medveil deid --recipe <cleanPixelData>
 *    --pixel-rules <rules> --ocr eng` with its worker pool on every core, as users run it; the
 *    same with the rules alone as context. Each mode runs on a sixth of the corpus and on all
 *    of it, so the steady rate leaves out what a run pays once (node, workers, Tesseract start).
 *    Every planted text's box is checked filled in the output. Goal: at least 20 images/s.
 *    Then where one image's time goes, stage by stage, on one thread (`stage-costs.ts`).
 * 2. Masked render latency: `medveil serve` and Orthanc (DICOMweb plugin) hold the same images;
 *    MedVeil is asked by a radiologist of the department without a care relationship (decision
 *    `masked`), Orthanc by its user, for `/rendered` of each instance, one request at a time.
 *    Every answer is a PNG of the image's size; MedVeil's masked one differs from its full one.
 *    Goal: MedVeil masked p50 at most 100 ms.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MedVeilError } from '../src/errors.js';
import { cleanWithCli, type CleaningRun, type CleaningSetup, prepareCleaning } from './pixels/clean-with-cli.js';
import { ensurePixelCorpus, type CorpusImage } from './pixels/pixel-corpus.js';
import { SIZE } from './pixels/pixel-corpus-plan.js';
import { figure, type LatencySummary, markdownTable, steadyRate } from './pixels/pixel-figures.js';
import { fetchRendered, measureRenderLatency, type RenderTarget } from './pixels/render-latency.js';
import { measureStageCosts, STAGES, type StageCosts } from './pixels/stage-costs.js';
import { type ProfileLine, topSelfTime } from './pixels/cpu-profile-summary.js';
import { postToOrthanc } from './wado/load-objects.js';
import { startMedveilForWado } from './wado/start-medveil-dicomweb.js';
import { missingOrthanc, startOrthanc } from './wado/start-orthanc.js';

/** dist/bench/pixels.js → the repository root. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PARTS = ['clean', 'stages', 'render'] as const;
type Part = (typeof PARTS)[number];
const GOAL_IMAGES_PER_SECOND = 20;
const GOAL_MASKED_P50_MS = 100;
/** The small run takes every SMALL_EVERY-th image. */
const SMALL_EVERY = 6;

interface Flags {
  readonly withText: number;
  readonly withoutText: number;
  readonly rounds: number;
  readonly requests: number;
  readonly renderImages: number;
  readonly only: ReadonlySet<Part>;
  readonly keepOutputs: boolean;
  /** Profile one more cleaning run, and the server during the render part (its timings then include the profiler). */
  readonly profile: boolean;
}

interface Profiles {
  cleaning?: ProfileLine[];
  serve?: ProfileLine[];
}

interface RenderResult {
  readonly name: string;
  readonly round: number;
  readonly latency: LatencySummary & { bytes: number; firstRenders: LatencySummary };
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const flags = parseFlags(argv);
  const log = (line: string): void => void process.stderr.write(`bench pixels: ${line}\n`);
  const install = missingOrthanc();
  if (install !== undefined && flags.only.has('render')) {
    throw new MedVeilError('io', 'the masked render benchmark compares with Orthanc from Debian, which is not installed', { hint: `install it: ${install}` });
  }
  const medveilBin = join(ROOT, 'dist', 'src', 'cli', 'bin.js');
  const work = join(ROOT, 'bench', '.work', 'pixels', `run-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const corpusRoot = join(ROOT, 'bench', '.corpus', 'pixels');
  const corpus = await ensurePixelCorpus(corpusRoot, { withText: flags.withText, withoutText: flags.withoutText }, log);
  const imagesFolder = join(corpusRoot, 'images');
  const loadAtStart = loadavg();
  const profiles: Profiles = {};
  try {
    const cleaningRuns = flags.only.has('clean') ? await runCleaning(corpus.images, { work, medveilBin, imagesFolder, rulesFile: join(corpusRoot, corpus.rulesFile) }, flags, log, profiles) : [];
    const loadAfterCleaning = loadavg();
    const stages = flags.only.has('stages') ? await runStageCosts(corpus.images, imagesFolder, join(corpusRoot, corpus.rulesFile), log) : undefined;
    const renders = flags.only.has('render') ? await runRendering(corpus.images, { work, medveilBin, imagesFolder }, flags, log, profiles) : [];
    report({ cleaningRuns, stages, renders, profiles, loadAtStart, loadAfterCleaning, flags, corpus: corpus.images });
  } finally {
    if (!flags.keepOutputs) rmSync(work, { recursive: true, force: true });
  }
}

async function runCleaning(
  images: readonly CorpusImage[],
  paths: { work: string; medveilBin: string; imagesFolder: string; rulesFile: string },
  flags: Flags,
  log: (line: string) => void,
  profiles: Profiles,
): Promise<CleaningRun[]> {
  const work = join(paths.work, 'clean');
  const { keyFile, recipeFile } = prepareCleaning({ node: process.execPath, medveilBin: paths.medveilBin, work });
  const setup: CleaningSetup = { node: process.execPath, medveilBin: paths.medveilBin, work, keyFile, recipeFile, rulesFile: paths.rulesFile, imagesFolder: paths.imagesFolder, jobs: availableParallelism() };
  const small = images.filter((_, i) => i % SMALL_EVERY === 0);
  const runs: CleaningRun[] = [];
  for (let round = 1; round <= flags.rounds; round++) {
    for (const mode of ['rules + OCR', 'rules only'] as const) {
      for (const [set, label] of [[small, 'small'], [images, 'all']] as const) {
        const run = await cleanWithCli(setup, set, mode, `${mode === 'rules only' ? 'rules' : 'ocr'}-${label}-r${round}`);
        log(`r${round} ${mode}, ${run.images} images: ${run.seconds.toFixed(2)} s (${(run.images / run.seconds).toFixed(1)}/s whole run), texts filled ${run.filled}/${run.planted}, load ${loadavg()[0]!.toFixed(1)}`);
        runs.push(run);
      }
    }
  }
  if (flags.profile) {
    const profileDir = join(work, 'profiles');
    const run = await cleanWithCli({ ...setup, profileDir }, images, 'rules + OCR', 'ocr-all-profiled');
    log(`profiled rules + OCR, ${run.images} images: ${run.seconds.toFixed(2)} s, texts filled ${run.filled}/${run.planted}`);
    profiles.cleaning = topSelfTime(profileDir, 14);
  }
  return runs;
}

async function runStageCosts(images: readonly CorpusImage[], imagesFolder: string, rulesFile: string, log: (line: string) => void): Promise<StageCosts> {
  const chosen = images.filter((_, i) => i % SMALL_EVERY === 0);
  log(`stage costs: ${chosen.length} images, one at a time on one thread`);
  return measureStageCosts({ imagesFolder, rulesFile, images: chosen });
}

async function runRendering(images: readonly CorpusImage[], paths: { work: string; medveilBin: string; imagesFolder: string }, flags: Flags, log: (line: string) => void, profiles: Profiles): Promise<RenderResult[]> {
  const profileDir = join(paths.work, 'serve-profiles');
  const chosen = images.filter((image) => image.tokens.length > 0).slice(0, flags.renderImages);
  const files = chosen.map((image) => image.file);
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const orthanc = await startOrthanc(join(paths.work, 'orthanc'));
    stops.push(orthanc.stop);
    log(`${orthanc.version}: loading ${files.length} images through POST /instances`);
    await postToOrthanc({ url: orthanc.url, authorization: orthanc.authorization, corpusRoot: paths.imagesFolder, files });
    log('medveil serve: loading through STOW-RS as a technician');
    const medveil = await startMedveilForWado({
      folder: join(paths.work, 'medveil'),
      medveilBin: paths.medveilBin,
      corpusRoot: paths.imagesFolder,
      files,
      instances: chosen.map((image) => image.sopInstanceUid),
      maskedReader: true,
      ...(flags.profile ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir] } : {}),
    });
    stops.push(medveil.stop);
    const full: RenderTarget = { url: medveil.url, authorization: medveil.authorization };
    const masked: RenderTarget = { url: medveil.url, authorization: medveil.maskedAuthorization! };
    const fullBytes = new Map<string, Buffer>();
    for (const image of chosen) fullBytes.set(image.sopInstanceUid, await fetchRendered(full, image, SIZE));
    const targets = [
      { name: 'medveil, masked (radiologist without care relationship)', target: masked, mustDiffer: fullBytes },
      { name: `${orthanc.version}, unmasked`, target: { url: orthanc.url, authorization: orthanc.authorization } },
      { name: 'medveil, full (radiologist with care relationship)', target: full },
    ];
    const results: RenderResult[] = [];
    for (let round = 1; round <= flags.rounds; round++) {
      for (const t of round % 2 === 1 ? targets : [...targets].reverse()) {
        const latency = await measureRenderLatency({ target: t.target, instances: chosen, size: SIZE, requests: flags.requests, ...(t.mustDiffer === undefined ? {} : { mustDiffer: t.mustDiffer }) });
        log(`r${round} ${t.name}: p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms, load ${loadavg()[0]!.toFixed(1)}`);
        results.push({ name: t.name, round, latency });
      }
    }
    for (const stop of stops.splice(0)) await stop();
    if (flags.profile) profiles.serve = topSelfTime(profileDir, 14);
    return results;
  } finally {
    for (const stop of stops) await stop();
  }
}

function report(options: { cleaningRuns: readonly CleaningRun[]; stages: StageCosts | undefined; renders: readonly RenderResult[]; profiles: Profiles; loadAtStart: readonly number[]; loadAfterCleaning: readonly number[]; flags: Flags; corpus: readonly CorpusImage[] }): void {
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(1)).join(' ');
  const withText = options.corpus.filter((i) => i.tokens.length > 0).length;
  const lines = [
    '## Pixels benchmark',
    '',
    `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}; ` +
      `load average ${load(options.loadAtStart)} at start, ${load(options.loadAfterCleaning)} after cleaning, ${load(loadavg())} at end`,
    `corpus: ${options.corpus.length} CR images ${SIZE}x${SIZE}, 16 bits allocated, 12 stored, MONOCHROME2, ${withText} with 6 burned-in texts each, ${options.corpus.length - withText} without`,
    '',
  ];
  const verdicts: string[] = [];
  if (options.cleaningRuns.length > 0) {
    const rows: string[][] = [];
    for (const mode of ['rules + OCR', 'rules only'] as const) {
      const runs = options.cleaningRuns.filter((r) => r.mode === mode);
      const small = runs.filter((r) => r.images < options.corpus.length);
      const all = runs.filter((r) => r.images === options.corpus.length);
      const rates = small.map((s, i) => steadyRate(s, all[i]!));
      const rate = median(rates);
      for (const r of all) {
        rows.push([mode, String(r.images), figure(r.seconds, 2), figure(r.images / r.seconds), figure(rate), `${r.filled}/${r.planted}`, `${r.filledByRule}/${r.plantedByRule}`, `${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB`]);
      }
      if (mode === 'rules + OCR') {
        const allFilled = all.every((r) => r.filled === r.planted && r.written === r.images);
        verdicts.push(`goal: >= ${GOAL_IMAGES_PER_SECOND} images/s cleaned with rules and OCR on ${availableParallelism()} cores: steady ${figure(rate)}/s (${figure(rate / GOAL_IMAGES_PER_SECOND, 2)}x the goal), whole run ${figure(median(all.map((r) => r.images / r.seconds)))}/s; every planted text filled: ${allFilled ? 'yes' : 'NO'}; ${rate >= GOAL_IMAGES_PER_SECOND && allFilled ? 'MET' : 'MISSED'}`);
      }
    }
    lines.push(`### Cleaning (\`medveil deid --ocr eng --pixel-rules\`, --jobs ${availableParallelism()}; steady rate = (all - small images) / (all - small seconds), small = every ${SMALL_EVERY}th image)`, '');
    lines.push(markdownTable(['mode', 'images', 'wall s', 'images/s (whole run)', 'images/s (steady)', 'texts filled', 'texts under the rule filled', 'peak RSS'], rows), '');
  }
  if (options.stages !== undefined) {
    const s = options.stages;
    const whole = s.meanMs['read file'] + s.meanMs['cleanPixels (rules + OCR, whole)'] + s.meanMs['encode file'];
    // The two finders besides cleanPixels' own are measured for context, not part of the whole.
    lines.push(`### Where one image's time goes (${s.images} images of the corpus, every ${SMALL_EVERY}th, one at a time on one thread, one Tesseract worker)`, '');
    lines.push(markdownTable(['stage', 'mean ms per image', 'share of read + clean + encode'], STAGES.map((stage) => [stage, figure(s.meanMs[stage]), stage === 'OCR finder, OCR on every candidate' ? '— (context, not part of the clean)' : `${figure((100 * s.meanMs[stage]) / whole, 0)}%`])), '');
    const said = (f: StageCosts['finder']) => `${f.candidates} candidates in ${f.framesRead} frames: ${f.candidatesFilledUnread} filled unread, ${f.candidatesRead} read by OCR and filled, ${f.candidatesLeft} left, ${f.ocrCalls} OCR calls`;
    lines.push(`text candidates per image ${figure(s.candidatesPerImage)}; the finder alone: ${said(s.finder)}; inside cleanPixels (after the rule's fill): ${said(s.cleaner)}; with OCR on every candidate: ${said(s.reader)}`, '');
  }
  if (options.renders.length > 0) {
    const names = [...new Set(options.renders.map((r) => r.name))];
    const rows = names.map((name) => {
      const of = options.renders.filter((r) => r.name === name).map((r) => r.latency);
      return [name, String(of.reduce((s, l) => s + l.requests, 0)), figure(median(of.map((l) => l.p50))), figure(median(of.map((l) => l.p95))), figure(median(of.map((l) => l.max))), `${(median(of.map((l) => l.bytes / l.requests)) / 1e6).toFixed(2)} MB`, figure(median(of.map((l) => l.firstRenders.p50))), figure(median(of.map((l) => l.firstRenders.max)))];
    });
    lines.push(`### Rendered PNG of a ${SIZE}x${SIZE} instance, one client, sequential (${options.flags.requests} requests per round over ${options.flags.renderImages} instances, after a warm-up pass that renders each once, timed apart)`, '');
    lines.push(markdownTable(['server', 'requests', 'p50 ms', 'p95 ms', 'max ms', 'PNG size', 'warm-up pass p50 ms', 'warm-up pass max ms'], rows), '');
    const p50 = (prefix: string) => median(options.renders.filter((r) => r.name.startsWith(prefix)).map((r) => r.latency.p50));
    const masked = p50('medveil, masked');
    const orthanc = p50('Orthanc');
    verdicts.push(`goal: medveil masked p50 <= ${GOAL_MASKED_P50_MS} ms: ${figure(masked)} ms; ratio medveil masked p50 / Orthanc p50 = ${figure(masked / orthanc, 2)}x, medveil full / Orthanc = ${figure(p50('medveil, full') / orthanc, 2)}x; ${masked <= GOAL_MASKED_P50_MS ? 'MET' : 'MISSED'}`);
  }
  const profileTable = (title: string, top: readonly ProfileLine[] | undefined): void => {
    if (top === undefined) return;
    lines.push(title, '', markdownTable(['function (self time)', 'ms', 'share of busy CPU'], top.map((l) => [`\`${l.where}\``, figure(l.ms, 0), `${figure(100 * l.share, 1)}%`])), '');
  };
  profileTable('### CPU profile: `medveil deid --ocr eng`, every thread, all images', options.profiles.cleaning);
  profileTable('### CPU profile: `medveil serve` over the render part (STOW-RS loading, warm-up, full and masked renderings)', options.profiles.serve);
  lines.push(...verdicts);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function parseFlags(argv: readonly string[]): Flags {
  const usage = 'npm run bench -- pixels [--with-text 96] [--without-text 16] [--rounds 1] [--requests 60] [--render-images 8] [--only clean,stages,render] [--keep-outputs] [--profile]';
  const known = new Set(['--with-text', '--without-text', '--rounds', '--requests', '--render-images', '--only', '--keep-outputs', '--profile']);
  for (let i = 0; i < argv.length; i++) {
    if (!known.has(argv[i]!)) throw new MedVeilError('usage', `unknown option ${argv[i]}`, { hint: usage });
    if (argv[i] !== '--keep-outputs' && argv[i] !== '--profile') i++;
  }
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at < 0 ? undefined : argv[at + 1];
  };
  const count = (name: string, fallback: number, min: number, max: number): number => {
    const text = value(name);
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new MedVeilError('usage', `${name} takes a whole number from ${min} to ${max}`, { hint: usage });
    return n;
  };
  const onlyText = value('--only');
  const only = onlyText === undefined ? [...PARTS] : onlyText.split(',');
  const unknown = only.filter((name) => !(PARTS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new MedVeilError('usage', `--only: unknown ${unknown.join(', ')}`, { hint: `choose from ${PARTS.join(', ')}` });
  const withText = count('--with-text', 96, 1, 1000);
  return {
    withText,
    withoutText: count('--without-text', 16, 0, 1000),
    rounds: count('--rounds', 1, 1, 20),
    requests: count('--requests', 60, 1, 100_000),
    renderImages: Math.min(withText, count('--render-images', 8, 1, 1000)),
    only: new Set(only as Part[]),
    keepOutputs: argv.includes('--keep-outputs'),
    profile: argv.includes('--profile'),
  };
}

function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    const hint = error instanceof MedVeilError && error.hint ? `\n  ${error.hint}` : '';
    process.stderr.write(`bench pixels: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
    process.exitCode = 1;
  });
}
