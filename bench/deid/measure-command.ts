/**
 * Runs one command to completion under GNU time and returns its wall time and the high-water
 * mark of its resident memory. `%M` is the ru_maxrss of wait4(2): the largest RSS of the command
 * or any descendant it waited for, in KiB; worker threads share their process's RSS, so for
 * every tool here it is the peak of the whole tool.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MedVeilError } from '../../src/errors.js';

/** GNU time, found on PATH (spawned directly, so not the shell keyword). */
export const GNU_TIME = 'time';

/** A tool that has not finished after this long is stopped (coreutils `timeout` exits 124). */
export const TIME_LIMIT_SECONDS = 1800;
export const TIMED_OUT_STATUS = 124;

export interface MeasuredRun {
  readonly seconds: number;
  readonly peakRssBytes: number;
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function measureCommand(command: string, args: readonly string[], logFolder: string, label: string): MeasuredRun {
  if (spawnSync(GNU_TIME, ['--version']).status !== 0) {
    throw new MedVeilError('io', 'GNU time is missing', { hint: 'install it with `apt-get install time`' });
  }
  const stdoutPath = join(logFolder, `${label}.stdout`);
  const stderrPath = join(logFolder, `${label}.stderr`);
  const rssPath = join(logFolder, `${label}.rss`);
  rmSync(rssPath, { force: true });
  const stdout = openSync(stdoutPath, 'w');
  const stderr = openSync(stderrPath, 'w');
  const started = performance.now();
  const run = spawnSync(GNU_TIME, ['-f', '%M', '-o', rssPath, 'timeout', String(TIME_LIMIT_SECONDS), command, ...args], {
    stdio: ['ignore', stdout, stderr],
  });
  const seconds = (performance.now() - started) / 1000;
  closeSync(stdout);
  closeSync(stderr);
  if (run.error) throw new MedVeilError('io', `cannot run ${command}: ${run.error.message}`);
  // GNU time writes "Command exited with non-zero status N" before the format line.
  const rssLines = readFileSync(rssPath, 'utf8').trim().split('\n');
  const peakKiB = Number(rssLines[rssLines.length - 1]);
  return {
    seconds,
    peakRssBytes: Number.isFinite(peakKiB) ? peakKiB * 1024 : NaN,
    status: run.status ?? -1,
    stdout: readFileSync(stdoutPath, 'utf8'),
    stderr: readFileSync(stderrPath, 'utf8'),
  };
}
