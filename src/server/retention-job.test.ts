import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { AuditEventInput } from '../audit/event/audit-event.js';
import { SqliteRetentionStore } from '../storage/adapters/sqlite-retention-store.js';
import { parseServerConfig } from './config.js';
import { retentionJob } from './retention-job.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-retention-job-'));
after(() => rmSync(work, { recursive: true, force: true }));

const T0 = Date.UTC(2025, 5, 2, 10, 0, 0);
const HOUR = 3_600_000;

test('the job purges at start-up what expired while the server was down, and then on the clock, never a millisecond early', async () => {
  const dataDir = join(work, 'data');
  mkdirSync(join(dataDir, 'tmp'), { recursive: true });
  const time = { now: T0 };
  const clock = { now: () => time.now };
  const path = join(dataDir, 'retention.sqlite');
  const before = SqliteRetentionStore.open(path, { dataDir, clock });
  writeFileSync(join(dataDir, 'tmp', 'a'), 'a');
  writeFileSync(join(dataDir, 'tmp', 'b'), 'b');
  const a = await before.add({ kind: 'temporary', file: 'tmp/a' });
  const b = await before.add({ kind: 'temporary', file: 'tmp/b', expiresAt: T0 + 100 * HOUR });
  await before.close();

  // The server restarts 80 hours later.
  time.now = T0 + 80 * HOUR;
  const retention = SqliteRetentionStore.open(path, { dataDir, clock });
  const events: AuditEventInput[] = [];
  const errors: unknown[] = [];
  const job = retentionJob({
    purge: { retention, dataDir, objects: { delete: async () => false }, dataKeys: { destroy: async () => false }, audit: { append: async (event) => ({ index: events.push(event) - 1 }) } },
    clock,
    onError: (error) => errors.push(error),
  });
  job.start(3_600_000);
  await job.stop();
  assert.equal(existsSync(join(dataDir, 'tmp', 'a')), false, 'the start-up run purged a');
  assert.equal((await retention.get(a.id))?.purgedAt, T0 + 80 * HOUR);
  assert.deepEqual(events.map((event) => event.detail?.items), [`${a.id}:temporary`]);

  time.now = b.expiresAt - 1;
  assert.deepEqual((await job.run())?.purged, []);
  assert.ok(existsSync(join(dataDir, 'tmp', 'b')));
  time.now = b.expiresAt;
  assert.deepEqual((await job.run())?.purged.map((item) => item.id), [b.id]);
  assert.equal(existsSync(join(dataDir, 'tmp', 'b')), false);
  assert.deepEqual(errors, []);
  await retention.close();
});

test('a run the audit log refuses is told to onError, and the items stay for the next run', async () => {
  const dataDir = join(work, 'refused');
  const time = { now: T0 };
  const clock = { now: () => time.now };
  const retention = SqliteRetentionStore.open(':memory:', { dataDir, clock });
  const item = await retention.add({ kind: 'rendered-cache', file: 'renders/x.png', expiresAt: T0 });
  const errors: unknown[] = [];
  const job = retentionJob({
    purge: { retention, dataDir, objects: { delete: async () => false }, dataKeys: { destroy: async () => false }, audit: { append: async () => Promise.reject(new Error('disk full')) } },
    clock,
    onError: (error) => errors.push(error),
  });
  assert.equal(await job.run(), undefined);
  assert.equal(errors.length, 1);
  assert.deepEqual((await retention.due(T0)).map((due) => due.id), [item.id]);
  await retention.close();
});

test('retention config: 72 hours and a run every 5 minutes by default; bad values stop the server, naming the key', () => {
  const parse = (text: string) => parseServerConfig(text, { source: 'medveil.yaml', baseDir: '/' });
  assert.deepEqual(parse('').retention, { defaultHours: 72, purgeSeconds: 300 });
  assert.deepEqual(parse('retention: { defaultHours: 24, purgeSeconds: 60 }').retention, { defaultHours: 24, purgeSeconds: 60 });
  assert.throws(() => parse('retention: { defaultHours: 0 }'), /retention\.defaultHours must be a whole number from 1 to 720/);
  assert.throws(() => parse('retention: { purgeSeconds: 1.5 }'), /retention\.purgeSeconds must be a whole number/);
  assert.throws(() => parse('retention: { days: 3 }'), /unknown key "retention\.days"/);
});
