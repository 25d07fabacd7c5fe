/**
 * `medveil deid <input> <output>`: de-identify a file or a folder tree with worker threads.
 * Output is laid out by new UIDs (`<study>/<series>/<instance>.dcm`), never by input names, which
 * may carry PHI. Files that cannot be read or fully de-identified go to the quarantine with a
 * reason, and the command exits 1 with their count.
 */
import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_KEY_FILE, readKeyFile } from '../../crypto/key-file.js';
import { MedVeilError } from '../../errors.js';
import type { DeidOutcome, DeidTask, DeidWorkerSetup } from '../deid/deid-task.js';
import { walkInputs, type InputFile } from '../deid/walk-inputs.js';
import { WorkerPool } from '../deid/worker-pool.js';
import { LineFile } from '../deid/line-file.js';
import { ProgressLine } from '../deid/progress-line.js';
import { DeidSummary, QUARANTINE_REASONS } from '../deid/deid-summary.js';

/** Small files go to a worker several at a time; a batch closes at this many files or bytes. */
const BATCH_FILES = 16;
const BATCH_BYTES = 1024 * 1024;

interface DeidFlags {
  recipe?: string;
  keyFile: string;
  jobs?: string;
  mapping?: string;
  quarantine?: string;
  report?: string;
  progress: boolean;
  explain?: boolean;
  pixelRules?: string;
  ocr?: string;
}

export function registerDeid(program: Command): void {
  program
    .command('deid')
    .description('de-identify DICOM files to the PS3.15 Basic Profile and the options a recipe selects')
    .argument('<input>', 'a DICOM file or a folder (searched recursively)')
    .argument('<output>', 'the folder that receives de-identified files, laid out by new UIDs')
    .option('--recipe <file>', 'recipe (YAML or JSON) selecting options and per-attribute actions; default: Basic Profile')
    .option('--key-file <file>', 'pseudonym key made by `medveil keygen`', DEFAULT_KEY_FILE)
    .option('--jobs <n>', 'worker threads (default: one per core)')
    .option('--mapping <file>', 'write the old-to-new UID and patient ID map here (it re-identifies: guard it)')
    .option('--quarantine <folder>', 'where files that cannot be de-identified go (default: <output>.quarantine)')
    .option('--report <file>', 'write one JSON line per output file: what was removed, replaced, shifted, kept')
    .option('--explain', 'list at the end which attributes were removed, emptied, replaced, remapped and shifted')
    .option('--pixel-rules <file>', 'pixel rules (JSON or YAML) naming where devices burn in text, added to the bundled ones (docs/pixels.md)')
    .option('--ocr <languages>', 'also find burned-in text with OCR (offline), in these languages, comma-separated: eng, chi_sim')
    .option('--no-progress', 'no progress line on the terminal')
    .action(async (input: string, output: string, flags: DeidFlags) => {
      process.exitCode = await runDeid(input, output, flags);
    });
}

async function runDeid(input: string, output: string, flags: DeidFlags): Promise<number> {
  const inputRoot = resolve(input);
  const outputRoot = resolve(output);
  const quarantineRoot = resolve(flags.quarantine ?? `${outputRoot}.quarantine`);
  if (!existsSync(inputRoot)) throw new MedVeilError('usage', `input ${input} does not exist`, { hint: 'give a DICOM file or folder' });
  for (const [name, folder] of [['output', outputRoot], ['quarantine', quarantineRoot]] as const) {
    if (isInside(folder, inputRoot)) {
      throw new MedVeilError('usage', `the ${name} folder must not be inside the input`, { hint: `choose a ${name} folder outside ${input}` });
    }
  }
  const key = readKeyFile(flags.keyFile);
  for (const warning of key.warnings) process.stderr.write(`medveil: warning: ${warning}\n`);
  if (flags.recipe) (await import('../../deid/load-recipe.js')).loadRecipeFile(flags.recipe);
  const pixelStage = await import('../deid/pixel-stage-setup.js');
  const pixelStageFlags = {
    pixelRulesPath: flags.pixelRules ? resolve(flags.pixelRules) : undefined,
    ocrLanguages: flags.ocr === undefined ? undefined : pixelStage.parseOcrLanguages(flags.ocr),
  };
  if (pixelStageFlags.pixelRulesPath !== undefined || pixelStageFlags.ocrLanguages !== undefined) await pixelStage.checkPixelStage(pixelStageFlags);
  const jobs = parseJobs(flags.jobs);
  mkdirSync(outputRoot, { recursive: true });
  if (flags.report) writeFileSync(flags.report, '', { mode: 0o600 });

  const setup: DeidWorkerSetup = {
    key: key.key,
    recipePath: flags.recipe ? resolve(flags.recipe) : undefined,
    outputRoot,
    quarantineRoot,
    recordMapping: flags.mapping !== undefined,
    writeReports: flags.report !== undefined,
    explain: flags.explain === true,
    ...pixelStageFlags,
  };
  const pool = new WorkerPool<readonly DeidTask[], DeidOutcome[]>(new URL('../deid/deid-worker.js', import.meta.url), jobs, setup);
  const summary = new DeidSummary();
  const progress = new ProgressLine(flags.progress && process.stderr.isTTY === true, process.stderr);
  if (progress.active) {
    for await (const _ of walkInputs(inputRoot, () => undefined)) progress.total++;
  }
  const mapping = new Map<string, string>();
  const inFlight = new Set<Promise<void>>();
  const reasons = new LineFile(join(quarantineRoot, QUARANTINE_REASONS));
  const reports = flags.report ? new LineFile(flags.report) : undefined;

  const record = (task: DeidTask, outcome: DeidOutcome): void => {
    summary.add(outcome);
    if (outcome.kind === 'quarantined') {
      reasons.write(JSON.stringify({ file: basename(outcome.quarantinePath), input: task.relativePath, reason: outcome.reason }));
    }
    if (outcome.kind === 'written') {
      for (const [kind, original, pseudonym] of outcome.mappings) mapping.set(`${kind}\t${original}`, pseudonym);
      reports?.write(JSON.stringify({ output: relative(outputRoot, outcome.outputPath), report: outcome.report }));
    }
    progress.update(summary);
  };

  const send = (batch: readonly InputFile[]): void => {
    const tasks: DeidTask[] = batch.map((file) => ({ path: file.path, relativePath: file.relativePath }));
    const done = pool.run(tasks).then(
      (outcomes) => outcomes.forEach((outcome, i) => record(tasks[i]!, outcome)),
      (error: Error) => {
        for (const [i, task] of tasks.entries()) {
          record(task, { kind: 'skipped', reason: `worker failed: ${error.message.split('\n')[0]}`, bytesIn: batch[i]!.size });
        }
      },
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  try {
    let batch: InputFile[] = [];
    let batchBytes = 0;
    for await (const file of walkInputs(inputRoot, (skipped) => summary.skip(skipped.reason))) {
      batch.push(file);
      batchBytes += file.size;
      if (batch.length < BATCH_FILES && batchBytes < BATCH_BYTES) continue;
      send(batch);
      batch = [];
      batchBytes = 0;
      // Keep every worker busy without reading the whole tree into memory.
      if (inFlight.size >= jobs * 4) await Promise.race(inFlight);
    }
    if (batch.length > 0) send(batch);
    await Promise.all(inFlight);
  } finally {
    await pool.close();
    reasons.close();
    reports?.close();
    progress.finish(summary);
  }

  if (flags.mapping) writeMapping(flags.mapping, mapping);
  process.stdout.write(summary.format({ outputRoot: output, quarantineRoot: flags.quarantine ?? `${output.replace(/\/+$/, '')}.quarantine` }));
  return summary.quarantined > 0 ? 1 : 0;
}

function parseJobs(text: string | undefined): number {
  if (text === undefined) return Math.max(1, availableParallelism());
  const jobs = Number(text);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) {
    throw new MedVeilError('usage', `--jobs must be a whole number from 1 to 256, not "${text}"`);
  }
  return jobs;
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
}

/** Tab-separated `kind original pseudonym`, mode 0600: this file re-identifies the output. */
function writeMapping(path: string, mapping: ReadonlyMap<string, string>): void {
  const lines = ['kind\toriginal\tpseudonym'];
  for (const [kindAndOriginal, pseudonym] of mapping) lines.push(`${kindAndOriginal}\t${pseudonym}`);
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
}
