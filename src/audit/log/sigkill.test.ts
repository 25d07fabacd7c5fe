import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteAuditStore } from '../../storage/adapters/sqlite-audit-store.js';
import { generateLogKeys, parseVerifierKeys } from '../note/index.js';
import { AuditLog } from './audit-log.js';
import { verifyLog } from './verify-log.js';

// Acceptance (3) of the audit issue: an append that resolved survives a SIGKILL.

const origin = 'medveil.test/sigkill';
const keys = generateLogKeys(origin, 'intl');
const verifiers = parseVerifierKeys(keys.verifierKeys.join('\n'));
const dir = mkdtempSync(join(tmpdir(), 'medveil-sigkill-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Run the child the way this file runs: as TypeScript through tsx, or compiled.
const self = fileURLToPath(import.meta.url);
const child = self.replace(/sigkill\.test\.(ts|js)$/, 'append-loop.child.$1');
const childArgs = self.endsWith('.ts') ? ['--import', 'tsx', child] : [child];

/** Runs the child until it has printed `atLeast` new indices, SIGKILLs it, returns every complete line. */
function appendUntilKilled(path: string, atLeast: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...childArgs, path, origin], {
      env: { ...process.env, MEDVEIL_TEST_LOG_KEY: keys.signerKeys.join('\n') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    let stderr = '';
    let killed = false;
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      text += chunk;
      if (!killed && text.split('\n').length > atLeast) {
        killed = true;
        proc.kill('SIGKILL');
      }
    });
    proc.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`child ended with code ${code} before being killed: ${stderr}`));
        return;
      }
      // A line cut by the kill has no newline; only complete lines were printed whole.
      const complete = text.slice(0, text.lastIndexOf('\n') + 1);
      resolve(complete.split('\n').filter((line) => line.length > 0).map(Number));
    });
  });
}

test('every append that resolved before a SIGKILL is in the log, indices are contiguous and the tree verifies', async () => {
  const path = join(dir, 'audit.sqlite');
  const printed: number[] = [];
  for (let round = 0; round < 3; round++) {
    const before = printed.length;
    printed.push(...(await appendUntilKilled(path, 1500)));
    assert.ok(printed.length - before >= 1500, `round ${round} printed ${printed.length - before} indices`);
  }

  const store = new SqliteAuditStore(path, { mustExist: true });
  const size = await store.size();
  const present = new Set((await store.readEvents(0, size)).map((event) => event.index));
  assert.equal(present.size, size, 'indices 0..size-1 are all present');
  const lost = printed.filter((index) => !present.has(index));
  assert.deepEqual(lost, [], 'every printed index is stored');
  assert.equal(new Set(printed).size, printed.length, 'no index was handed out twice');
  const report = await verifyLog(store, verifiers);
  assert.deepEqual(report.problems, []);
  assert.ok(report.checkpointsChecked >= 3);
  await store.close();

  const log = await AuditLog.open({ store: new SqliteAuditStore(path), origin, clock: { now: () => 0 } });
  assert.deepEqual(await log.append({ type: 'login', outcome: 'success', actor: { user: 'after' } }), { index: size });
  await log.close();
});
