/**
 * How the benchmark starts dcmtk's tools. Debian's dcmtk leaves Nagle's algorithm on unless
 * `TCP_NODELAY=1` is in the environment (dcmnet reads it at socket creation); with it on, every
 * request/response exchange waits for a delayed ACK (about 40 ms on Linux) and both receivers
 * would be measured on that wait. So every dcmtk process gets the variable, storescu and storescp
 * alike. MedVeil sets TCP_NODELAY on its own sockets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { MedVeilError } from '../../src/errors.js';

export const DCMTK_ENVIRONMENT: NodeJS.ProcessEnv = { ...process.env, TCP_NODELAY: '1' };

/** Starts a dcmtk tool with TCP_NODELAY=1, its output to `logFile`. */
export function spawnDcmtk(tool: string, args: readonly string[], logFile: string, cwd?: string): ChildProcess {
  const log = openSync(logFile, 'w');
  try {
    const child = spawn(tool, args, { env: DCMTK_ENVIRONMENT, stdio: ['ignore', log, log], ...(cwd === undefined ? {} : { cwd }) });
    child.on('error', () => undefined);
    return child;
  } finally {
    closeSync(log);
  }
}

/** Resolves with the exit status (a signal counts as -1); rejects when the tool cannot start. */
export function exitOf(child: ChildProcess, tool: string): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(-1);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new MedVeilError('io', `cannot run ${tool}: ${error.message}`, { hint: 'install dcmtk (apt-get install dcmtk)' })));
    child.once('exit', (code) => resolve(code ?? -1));
  });
}

/** Calls `echoscu` until the node at `port` answers a C-ECHO, or `attempts` run out. */
export async function waitForEcho(options: { port: number; calledAe: string; callingAe: string; logFile: string; attempts?: number; stillRunning: () => boolean }): Promise<void> {
  for (let attempt = 0; attempt < (options.attempts ?? 200); attempt++) {
    const echo = spawnDcmtk('echoscu', ['-aet', options.callingAe, '-aec', options.calledAe, '127.0.0.1', String(options.port)], options.logFile);
    if ((await exitOf(echo, 'echoscu')) === 0) return;
    if (!options.stillRunning()) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new MedVeilError('dimse', `nothing answered C-ECHO as ${options.calledAe} on port ${options.port}`, { hint: `see ${options.logFile}` });
}
