/**
 * One `medveil serve` per data folder, and no offline command that writes the audit log beside
 * it: the server keeps the end of its audit log in memory, so an event another process appends
 * makes its next append fail and the log refuse every later one until a restart. The running
 * server holds `serve.lock` in the data folder, naming its process id; a lock whose process is
 * gone (a crash, a power cut) is stale and is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MedVeilError } from '../errors.js';

export const SERVER_LOCK_FILE = 'serve.lock';

export interface ServerLock {
  release(): void;
}

/** Takes the data folder's lock for this process, or refuses when a running server holds it. */
export function acquireServerLock(dataDir: string): ServerLock {
  const path = join(dataDir, SERVER_LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = runningHolder(path);
      if (holder !== undefined) throw alreadyServed(dataDir, holder);
      rmSync(path, { force: true });
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return { release: () => rmSync(path, { force: true }) };
  }
  throw new MedVeilError('io', `could not take the lock ${SERVER_LOCK_FILE} of ${dataDir}`, { hint: 'another process is starting on this data folder; try again' });
}

/** Refuses when a running server holds the data folder (for commands that write what it owns). */
export function refuseWhileServed(dataDir: string, what: string): void {
  const holder = runningHolder(join(dataDir, SERVER_LOCK_FILE));
  if (holder !== undefined) {
    throw new MedVeilError('usage', `${what}: medveil serve (process ${holder}) is running on ${dataDir}`, {
      hint: 'stop the server first, or let its own job do the work while it runs',
    });
  }
}

/** The process id in the lock file when that process is alive; undefined for no lock or a stale one. */
function runningHolder(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: the process exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

function alreadyServed(dataDir: string, pid: number): MedVeilError {
  return new MedVeilError('usage', `medveil serve (process ${pid}) is already running on ${dataDir}`, {
    hint: 'stop it first; two servers on one data folder would break each other\'s audit log',
  });
}
