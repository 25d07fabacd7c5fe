import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MedVeilError } from '../../errors.js';
import { retentionFilePath } from '../retention-store.js';
import { SqliteRetentionStore } from './sqlite-retention-store.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-retention-store-'));
after(() => rmSync(work, { recursive: true, force: true }));

const T0 = Date.UTC(2025, 5, 2, 10, 0, 0);
const HOUR = 3_600_000;
const KEY_ID = 'a'.repeat(32);
const clockAt = (time: { now: number }) => ({ now: () => time.now });

test('retentionFilePath() refuses every path that leads out of the data folder or into its keys, objects or databases', () => {
  const dataDir = join(work, 'data');
  const hostile = [
    '',
    '.',
    'exports/..',
    '..',
    '../outside',
    'exports/../../outside',
    join(work, 'elsewhere', 'file'),
    '/etc/passwd',
    'keys/master.key',
    'keys',
    './objects/ab/cd/abcd',
    'audit.sqlite',
    'data-keys.sqlite-wal',
    'exports/a\u0000b',
    'exports/line\nbreak',
    'x'.repeat(5000),
  ];
  for (const path of hostile) {
    assert.throws(
      () => retentionFilePath(dataDir, path),
      (error: unknown) => error instanceof MedVeilError && error.code === 'storage' && !error.message.includes('passwd') && !error.message.includes('elsewhere'),
      JSON.stringify(path.slice(0, 40)),
    );
  }
  assert.equal(retentionFilePath(dataDir, 'exports/0123/package.zip'), 'exports/0123/package.zip');
  assert.equal(retentionFilePath(dataDir, './renders//x/../y.png'), 'renders/y.png');
  assert.equal(retentionFilePath(dataDir, join(dataDir, 'tmp', 'part')), 'tmp/part');
  assert.equal(retentionFilePath(dataDir, 'keys-backup-is-a-name/x'), 'keys-backup-is-a-name/x');
});

test('add() stores nothing for a hostile path, a bad object key, a bad data key id, an unknown kind or an item naming nothing', async () => {
  const dataDir = join(work, 'refusals');
  const store = SqliteRetentionStore.open(':memory:', { dataDir, clock: clockAt({ now: T0 }) });
  const refused = [
    { kind: 'temporary', file: '../escape' },
    { kind: 'temporary', blob: { key: 'instance/1.2.840.1', dataKeyId: KEY_ID } },
    { kind: 'temporary', blob: { key: `export/${'b'.repeat(32)}`, dataKeyId: 'not-hex' } },
    { kind: 'secret-kind', file: 'tmp/x' },
    { kind: 'temporary' },
  ] as const;
  for (const item of refused) {
    await assert.rejects(store.add(item as never), (error: unknown) => error instanceof MedVeilError && error.code === 'storage', JSON.stringify(item));
  }
  assert.deepEqual(await store.due(Number.MAX_SAFE_INTEGER), []);
  await store.close();
});

test('an item expires 72 hours after its creation by default, or after the configured lifetime, or when it says; due() is exact to the millisecond', async () => {
  const time = { now: T0 };
  const store = SqliteRetentionStore.open(':memory:', { dataDir: work, clock: clockAt(time) });
  const a = await store.add({ kind: 'export-package', file: 'exports/a.zip', blob: { key: `export/${'c'.repeat(32)}`, dataKeyId: KEY_ID } });
  assert.equal(a.createdAt, T0);
  assert.equal(a.expiresAt, T0 + 72 * HOUR);
  assert.deepEqual(a.blob, { key: `export/${'c'.repeat(32)}`, dataKeyId: KEY_ID });
  assert.match(a.id, /^[0-9a-f]{32}$/);
  const b = await store.add({ kind: 'rendered-cache', file: 'renders/b.png', expiresAt: T0 + HOUR });
  assert.deepEqual(await store.due(T0 + HOUR - 1), []);
  assert.deepEqual((await store.due(T0 + HOUR)).map((item) => item.id), [b.id]);
  assert.deepEqual((await store.due(T0 + 72 * HOUR)).map((item) => item.id), [b.id, a.id], 'earliest expiry first');
  await store.close();

  const short = SqliteRetentionStore.open(':memory:', { dataDir: work, clock: clockAt(time), defaultLifetimeMs: 2 * HOUR });
  assert.equal((await short.add({ kind: 'temporary', file: 'tmp/c' })).expiresAt, T0 + 2 * HOUR);
  await short.close();
});

test('items and their purge marks survive reopening the file; a purged item is never due again and keeps its first purge time', async () => {
  const path = join(work, 'retention.sqlite');
  const time = { now: T0 };
  const first = SqliteRetentionStore.open(path, { dataDir: work, clock: clockAt(time) });
  const a = await first.add({ kind: 'temporary', file: 'tmp/a', expiresAt: T0 + 10 });
  const b = await first.add({ kind: 'temporary', file: 'tmp/b', expiresAt: T0 + 20 });
  await first.close();

  const second = SqliteRetentionStore.open(path, { dataDir: work, clock: clockAt(time) });
  assert.deepEqual((await second.due(T0 + 20)).map((item) => item.id), [a.id, b.id]);
  await second.markPurged([a.id], T0 + 30);
  await second.markPurged([a.id], T0 + 40);
  await second.close();

  const third = SqliteRetentionStore.open(path, { dataDir: work, clock: clockAt(time) });
  assert.deepEqual((await third.due(T0 + 50)).map((item) => item.id), [b.id]);
  assert.equal((await third.get(a.id))?.purgedAt, T0 + 30);
  assert.equal((await third.get(b.id))?.purgedAt, undefined);
  await third.close();
});
