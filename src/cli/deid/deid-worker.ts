/**
 * Worker thread of `medveil deid`: reads one input file, de-identifies it, and writes the
 * result under new UIDs, or copies the original into the quarantine with the reason. Output is
 * written to a temporary name and linked into place, so a reader of the output folder never
 * sees a partial file.
 */
import { createHash } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writevSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { createPseudonymizer } from '../../deid/pseudonym/index.js';
import { loadRecipeFile, basicRecipe } from '../../deid/load-recipe.js';
import type { DeidAction, DeidReport } from '../../deid/deid-report.js';
import { MedVeilError } from '../../errors.js';
import { deidentifyInstance } from '../../gateway/deidentify-instance.js';
import type { DeidOutcome, DeidTask, DeidWorkerSetup } from './deid-task.js';

const setup = workerData as DeidWorkerSetup;
const recipe = setup.recipePath ? loadRecipeFile(setup.recipePath) : basicRecipe();
let mappings: [string, string, string][] = [];
const pseudonymizer = createPseudonymizer(setup.key, {
  onMapping: setup.recordMapping ? (kind, original, pseudonym) => mappings.push([kind, original, pseudonym]) : undefined,
});
const createdFolders = new Set<string>();

parentPort?.on('message', ({ id, task }: { id: number; task: DeidTask }) => {
  try {
    parentPort?.postMessage({ id, result: deidentifyOne(task) });
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});

function deidentifyOne(task: DeidTask): DeidOutcome {
  mappings = [];
  let bytes: Buffer;
  try {
    bytes = readFileSync(task.path);
  } catch (error) {
    return { kind: 'skipped', reason: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, bytesIn: 0 };
  }
  try {
    const result = deidentifyInstance(bytes, { recipe, pseudonymizer });
    if (result.kind === 'dicomdir') return { kind: 'skipped', reason: 'DICOMDIR (media index) not copied', bytesIn: bytes.length };
    const outputPath = join(setup.outputRoot, result.studyInstanceUid, result.seriesInstanceUid, `${result.sopInstanceUid}.dcm`);
    const written = writeExclusively(outputPath, result.chunks);
    if (written === 'identical') return { kind: 'skipped', reason: 'same instance as another input (identical output)', bytesIn: bytes.length };
    if (written === 'conflict') {
      const reason = 'another input has the same SOP Instance UID but different content (the first one was kept)';
      return { kind: 'quarantined', quarantinePath: quarantine(task, bytes, reason), reason, bytesIn: bytes.length };
    }
    const bytesOut = result.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    return {
      kind: 'written',
      outputPath,
      bytesIn: bytes.length,
      bytesOut,
      actions: result.report.counts,
      warnings: result.report.warnings.length + result.readWarnings,
      report: setup.writeReports ? result.report : undefined,
      keywords: setup.explain ? keywordActions(result.report) : [],
      mappings,
    };
  } catch (error) {
    const reason = error instanceof MedVeilError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    return { kind: 'quarantined', quarantinePath: quarantine(task, bytes, reason), reason, bytesIn: bytes.length };
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
 * Writes to a temporary name, then links it into place, which fails if the name exists: two
 * inputs with the same SOP Instance UID (the same instance in two transfer syntaxes, or a
 * conflict) never overwrite each other silently.
 */
function writeExclusively(path: string, chunks: Uint8Array[]): 'written' | 'identical' | 'conflict' {
  const folder = dirname(path);
  if (!createdFolders.has(folder)) {
    mkdirSync(folder, { recursive: true });
    createdFolders.add(folder);
  }
  const partial = `${path}.partial-${process.pid}-${threadId}`;
  const fd = openSync(partial, 'w', 0o640);
  try {
    // writev takes at most IOV_MAX (1024) buffers per call on Linux.
    for (let at = 0; at < chunks.length; at += 1024) writevSync(fd, chunks.slice(at, at + 1024) as NodeJS.ArrayBufferView[]);
    closeSync(fd);
    linkSync(partial, path);
    return 'written';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      try { closeSync(fd); } catch { /* already closed */ }
      throw error;
    }
    return readFileSync(path).equals(Buffer.concat(chunks)) ? 'identical' : 'conflict';
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * The quarantine keeps the original file, named by a digest of its relative path (the path may
 * carry PHI, so it goes only into the reason file beside it, inside the hospital's quarantine).
 */
function quarantine(task: DeidTask, bytes: Uint8Array, reason: string): string {
  const name = createHash('sha256').update(task.relativePath).digest('hex').slice(0, 32);
  mkdirSync(setup.quarantineRoot, { recursive: true });
  const path = join(setup.quarantineRoot, `${name}.dcm`);
  writeFileSync(path, bytes, { mode: 0o600 });
  writeFileSync(join(setup.quarantineRoot, `${name}.reason.json`), `${JSON.stringify({ input: task.relativePath, reason }, null, 2)}\n`, { mode: 0o600 });
  return path;
}
