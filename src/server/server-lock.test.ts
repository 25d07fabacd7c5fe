import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MedVeilError } from '../errors.js';
import { acquireServerLock, refuseWhileServed, SERVER_LOCK_FILE } from './server-lock.js';

/** The id of a process that ran and ended, so that no process has it now (barring reuse). */
function endedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test('one server per data folder: a second lock is refused while the first is held, and taken once it is released', () => {
  const folder = mkdtempSync(join(tmpdir(), 'medveil-lock-'));
  const lock = acquireServerLock(folder);
  assert.equal(readFileSync(join(folder, SERVER_LOCK_FILE), 'utf8').trim(), String(process.pid));
  assert.throws(() => acquireServerLock(folder), (error: unknown) => error instanceof MedVeilError && /already running/.test(error.message));
  assert.throws(() => refuseWhileServed(folder, 'medveil purge'), (error: unknown) => error instanceof MedVeilError && /medveil purge: medveil serve \(process \d+\) is running/.test(error.message));
  lock.release();
  assert.equal(existsSync(join(folder, SERVER_LOCK_FILE)), false);
  refuseWhileServed(folder, 'medveil purge');
  acquireServerLock(folder).release();
});

test('a lock left by a process that ended (a crash) is stale: taken over, and no reason to refuse', () => {
  const folder = mkdtempSync(join(tmpdir(), 'medveil-lock-'));
  writeFileSync(join(folder, SERVER_LOCK_FILE), `${endedPid()}\n`);
  refuseWhileServed(folder, 'medveil purge');
  const lock = acquireServerLock(folder);
  assert.equal(readFileSync(join(folder, SERVER_LOCK_FILE), 'utf8').trim(), String(process.pid));
  lock.release();
  writeFileSync(join(folder, SERVER_LOCK_FILE), 'not a process id\n');
  acquireServerLock(folder).release();
});
