/**
 * Worker thread of `medveil deid`: reads one input file, de-identifies it, and writes the
 * result under new UIDs, or copies the original into the quarantine with the reason.
 */
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createPseudonymizer } from '../../deid/pseudonym/index.js';
import { createRecipe } from '../../deid/recipe.js';
import type { DeidAction, DeidReport } from '../../deid/deid-report.js';
import { MedVeilError } from '../../errors.js';
import { deidentifyInstance, type DeidentifiedInstance, type SkippedDicomdir } from '../../gateway/deidentify-instance.js';
import { copyFileRange } from '../../storage/adapters/copy-file-range.js';
import type { DeidOutcome, DeidTask, DeidWorkerSetup } from './deid-task.js';
import { HoleNotCovered, InputReader, checkHole, type OpenInput } from './input-file.js';
import { loadPixelStage } from './pixel-stage-setup.js';
import { makeFolder, writeOutputFile } from './write-output.js';

const setup = workerData as DeidWorkerSetup;
// The recipe reader (and its YAML parser) loads only when there is a recipe file: start-up is
// paid once per worker and run, and a short run is mostly start-up.
const recipe = setup.recipePath
  ? (await import('../../deid/load-recipe.js')).loadRecipeFile(setup.recipePath)
  : createRecipe({ name: 'basic' });
let mappings: [string, string, string][] = [];
const pseudonymizer = createPseudonymizer(setup.key, {
  onMapping: setup.recordMapping ? (kind, original, pseudonym) => mappings.push([kind, original, pseudonym]) : undefined,
});
// The OCR finder's Tesseract worker is a thread of this one, and ends when the pool terminates it.
const pixelStage = await loadPixelStage(setup);
// Sparse reads only pay off when the kernel copies the unread bytes. A file whose pixels the
// pixel stage will decode is read whole (checkRead below).
const reader = new InputReader(copyFileRange !== undefined);

// Tasks come in batches (one message for several small files): a message each way per file
// cost as much as de-identifying a small file. The reader's buffer is shared by every file,
// so batches and files run one after the other, also while the pixel stage awaits a codec.
let queue = Promise.resolve();
parentPort?.on('message', ({ id, task }: { id: number; task: readonly DeidTask[] }) => {
  queue = queue.then(async () => {
    const result: DeidOutcome[] = [];
    for (const one of task) result.push(await deidentifyOrReport(one));
    parentPort?.postMessage({ id, result });
  }).catch((error: unknown) => {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  });
});

async function deidentifyOrReport(task: DeidTask): Promise<DeidOutcome> {
  try {
    return await deidentifyOne(task);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'skipped', reason: `worker failed: ${message.split('\n')[0]}`, bytesIn: 0 };
  }
}

/**
 * What became of each input this worker read whole, by the SHA-256 of its bytes. The same bytes
 * under the same key and recipe always give the same output, so a copy of an input met before
 * (archives and exports hold many) shares its outcome without being parsed again: skipped when
 * the first was written or skipped, quarantined again, under its own name, when the first was.
 */
const outcomesByDigest = new Map<string, { kind: 'skipped' | 'quarantined'; reason: string }>();
const MAX_REMEMBERED = 200_000;
const IDENTICAL_OUTPUT = 'same instance as another input (identical output)';

async function deidentifyOne(task: DeidTask): Promise<DeidOutcome> {
  mappings = [];
  let input: OpenInput;
  try {
    input = reader.open(task.path);
  } catch (error) {
    return { kind: 'skipped', reason: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, bytesIn: 0 };
  }
  const bytesIn = input.bytes.length;
  const digest = input.hole === undefined ? createHash('sha256').update(input.bytes).digest('base64') : undefined;
  const earlier = digest === undefined ? undefined : outcomesByDigest.get(digest);
  if (earlier !== undefined) {
    closeSync(input.fd);
    if (earlier.kind === 'skipped') return { kind: 'skipped', reason: earlier.reason, bytesIn };
    return { kind: 'quarantined', quarantinePath: quarantine(task, earlier.reason), reason: earlier.reason, bytesIn };
  }
  const outcome = await deidentifyOpenInput(task, input);
  if (digest !== undefined && outcomesByDigest.size < MAX_REMEMBERED) {
    if (outcome.kind === 'written') outcomesByDigest.set(digest, { kind: 'skipped', reason: IDENTICAL_OUTPUT });
    else if (!outcome.reason.startsWith('cannot read')) outcomesByDigest.set(digest, { kind: outcome.kind, reason: outcome.reason });
  }
  return outcome;
}

async function deidentifyOpenInput(task: DeidTask, opened: OpenInput): Promise<DeidOutcome> {
  let input = opened;
  const bytesIn = input.bytes.length;
  const options = { recipe, pseudonymizer, ...pixelStage.options };
  try {
    let result: DeidentifiedInstance | SkippedDicomdir;
    let parsedWithinReadBytes = false;
    try {
      result = await deidentifyInstance(input.bytes, {
        ...options,
        checkRead: (file, decodesPixels) => {
          checkHole(file, input);
          // The pixel stage decodes Pixel Data, so the bytes the sparse read skipped must be read.
          if (decodesPixels && input.hole !== undefined) throw new HoleNotCovered();
          parsedWithinReadBytes = true;
        },
      });
    } catch (error) {
      // Whatever failed before the check may have read unread bytes: read the file whole and try again.
      if (input.hole === undefined || parsedWithinReadBytes) throw error;
      input = reader.fill(input);
      result = await deidentifyInstance(input.bytes, options);
    }
    if (result.kind === 'dicomdir') return { kind: 'skipped', reason: 'DICOMDIR (media index) not copied', bytesIn };
    const outputPath = join(setup.outputRoot, result.studyInstanceUid, result.seriesInstanceUid, `${result.sopInstanceUid}.dcm`);
    const written = writeOutputFile(outputPath, result.chunks, input);
    if (written === 'identical') return { kind: 'skipped', reason: IDENTICAL_OUTPUT, bytesIn };
    if (written === 'equivalent') return { kind: 'skipped', reason: 'same instance as another input, in another transfer syntax (same data set)', bytesIn };
    if (written === 'conflict') {
      const reason = 'another input has the same SOP Instance UID but different content (the first one was kept)';
      return { kind: 'quarantined', quarantinePath: quarantine(task, reason), reason, bytesIn };
    }
    const bytesOut = result.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    return {
      kind: 'written',
      outputPath,
      bytesIn,
      bytesOut,
      actions: result.report.counts,
      warnings: result.report.warnings.length + result.readWarnings,
      report: setup.writeReports ? result.report : undefined,
      keywords: setup.explain ? keywordActions(result.report) : [],
      mappings,
    };
  } catch (error) {
    const reason = error instanceof MedVeilError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    return { kind: 'quarantined', quarantinePath: quarantine(task, reason), reason, bytesIn };
  } finally {
    closeSync(input.fd);
  }
}

function keywordActions(report: DeidReport): [string, DeidAction][] {
  const seen = new Set<string>();
  const out: [string, DeidAction][] = [];
  for (const entry of report.entries) {
    const key = `${entry.keyword}\t${entry.action}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([entry.keyword || 'unknown', entry.action]);
  }
  return out;
}

/**
 * The quarantine keeps the original file, named by a digest of its relative path (the path may
 * carry PHI, so it goes only into the quarantine's `reasons.jsonl`, which the main thread writes,
 * inside the hospital's quarantine).
 */
function quarantine(task: DeidTask, reason: string): string {
  const name = createHash('sha256').update(task.relativePath).digest('hex').slice(0, 32);
  makeFolder(setup.quarantineRoot);
  const path = join(setup.quarantineRoot, `${name}.dcm`);
  copyFileSync(task.path, path);
  return path;
}
