/**
 * Sends files to a receiver with dcmtk's `storescu`: one process per slice, all started at once,
 * each on one association, and the wall time from the first start to the last exit. The same
 * command, slices and options for every receiver; only the port and called AE title change.
 */
import { join } from 'node:path';
import { exitOf, spawnDcmtk } from './dcmtk-process.js';
import { readFileSync } from 'node:fs';

export interface SendResult {
  readonly seconds: number;
  /** Exit status of each storescu, in slice order. */
  readonly statuses: readonly number[];
  /** Store requests storescu reports as answered with success, and as failed (refused or not sent). */
  readonly succeeded: number;
  readonly failed: number;
  /** The first few failure lines, without paths of the machine. */
  readonly failures: readonly string[];
}

export interface SendOptions {
  readonly port: number;
  readonly calledAe: string;
  readonly callingAe: string;
  /** Folder the paths of `slices` are relative to (storescu runs there). */
  readonly root: string;
  readonly slices: readonly (readonly string[])[];
  readonly logFolder: string;
  readonly label: string;
}

export async function sendWithStorescu(options: SendOptions): Promise<SendResult> {
  const logs = options.slices.map((_, i) => join(options.logFolder, `${options.label}-storescu-${i}.log`));
  const started = performance.now();
  const children = options.slices.map((files, i) =>
    // -v: one line per response, counted below; -nh: go on after a failed store, so every
    // failure is counted rather than ending the run at the first; -R: propose the SOP classes
    // of the files sent, not storescu's fixed list (which lacks some, e.g. Segmentation).
    spawnDcmtk('storescu', ['-v', '-nh', '-R', '-aet', options.callingAe, '-aec', options.calledAe, '127.0.0.1', String(options.port), ...files], logs[i]!, options.root),
  );
  const statuses = await Promise.all(children.map((child) => exitOf(child, 'storescu')));
  const seconds = (performance.now() - started) / 1000;
  let succeeded = 0;
  let failed = 0;
  const failures: string[] = [];
  for (const log of logs) {
    const counts = countStoreResponses(readFileSync(log, 'utf8'));
    succeeded += counts.succeeded;
    failed += counts.failed;
    failures.push(...counts.failures);
  }
  return { seconds, statuses, succeeded, failed, failures: failures.slice(0, 5) };
}

/**
 * storescu's verbose log (dcmtk 3.6.7): `I: Received Store Response (Success)` per stored file;
 * `E: Store Failed, file: <path>:` when a file could not be sent, and a response with any other
 * status (`Received Store Response (Warning...)` or `(Failure...)`, or an `E: No presentation
 * context` for a file) counts as failed too: a warning is not the clean store the benchmark
 * compares.
 */
export function countStoreResponses(log: string): { succeeded: number; failed: number; failures: string[] } {
  let succeeded = 0;
  let failed = 0;
  const failures: string[] = [];
  const lines = log.split('\n');
  lines.forEach((line, i) => {
    if (line.startsWith('I: Received Store Response (Success)')) succeeded++;
    else if (line.startsWith('I: Received Store Response (') || line.startsWith('E: Store Failed') || line.startsWith('E: No presentation context')) {
      failed++;
      const detail = line.startsWith('E: Store Failed') ? (lines[i + 1] ?? '') : '';
      failures.push(`${line.replace(/file: .*$/, 'file')}${detail === '' ? '' : ` ${detail}`}`.trim());
    }
  });
  return { succeeded, failed, failures };
}
