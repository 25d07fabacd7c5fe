import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const compiled = here.split('/').includes('dist');

/**
 * The `medveil` entry point next to the code under test: dist/src/cli/bin.js when the tests run
 * compiled (`npm test`), src/cli/bin.ts through tsx when a developer runs one test file.
 */
export const MEDVEIL_BIN = compiled ? join(here, '..', '..', 'src', 'cli', 'bin.js') : join(here, '..', '..', 'src', 'cli', 'bin.ts');
/** Node options the entry point needs: tsx's loader when it is TypeScript. */
export const MEDVEIL_NODE_ARGS: readonly string[] = compiled ? [] : ['--import', 'tsx'];

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `medveil` in a child process, so its output and exit code are its own. `hangAfterMs`
 * kills a child that never finishes (status -1), so that a hang fails the test instead of
 * stalling the whole run; it is a guard, not a speed requirement.
 */
export function medveil(args: readonly string[], options: { cwd?: string; hangAfterMs?: number } = {}): CliRun {
  const run = spawnSync(process.execPath, [...MEDVEIL_NODE_ARGS, MEDVEIL_BIN, ...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.hangAfterMs,
  });
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** The same without blocking the event loop, for tests that serve something in-process meanwhile. */
export function medveilAsync(args: readonly string[], cwd?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...MEDVEIL_NODE_ARGS, MEDVEIL_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}

export function temporaryFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `medveil-${prefix}-`));
}

/** Every regular file under `root`, as paths relative to it, sorted. */
export function listFiles(root: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(join(root, rel)).isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out;
}
