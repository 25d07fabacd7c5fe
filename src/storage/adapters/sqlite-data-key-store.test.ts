import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { generateDataKey, readWrappedKeyHeader, unwrapDataKey, wrapDataKey } from '../../crypto/envelope.js';
import { masterKeyFromBytes } from '../../crypto/master-key-file.js';
import { MedVeilError } from '../../errors.js';
import { rewrapDataKeys } from '../data-key-store.js';
import { SqliteDataKeyStore } from './sqlite-data-key-store.js';

const root = mkdtempSync(join(tmpdir(), 'medveil-data-keys-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(root, `keys-${++counter}.sqlite`);
const id = () => randomBytes(16).toString('hex');

function clock(start: number) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

function databaseBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`, `${path}-shm`].filter((file) => existsSync(file)).map((file) => readFileSync(file)));
}

test('addIfAbsent() stores a key for a new scope and returns the existing one for a scope that has a key', async () => {
  const time = clock(1_700_000_000_000);
  const store = new SqliteDataKeyStore(freshPath(), { now: time.now });
  const first = { id: id(), scope: 'study-a', wrapped: randomBytes(98) };
  const stored = await store.addIfAbsent(first);
  assert.deepEqual({ ...stored, wrapped: Buffer.from(stored.wrapped) }, { ...first, wrapped: Buffer.from(first.wrapped), createdAt: 1_700_000_000_000 });
  const second = await store.addIfAbsent({ id: id(), scope: 'study-a', wrapped: randomBytes(98) });
  assert.equal(second.id, first.id, 'the racing second key loses to the first');
  assert.deepEqual((await store.forScope('study-a'))?.id, first.id);
  assert.equal(await store.forScope('study-b'), undefined);
  await store.close();
});

test('a key id that is live or was destroyed is never accepted again', async () => {
  const store = new SqliteDataKeyStore(freshPath());
  const key = { id: id(), scope: 's1', wrapped: randomBytes(98) };
  await store.addIfAbsent(key);
  await assert.rejects(store.addIfAbsent({ ...key, scope: 's2' }), (error: unknown) => error instanceof MedVeilError && error.code === 'storage');
  await store.destroy(key.id);
  await assert.rejects(store.addIfAbsent({ ...key, scope: 's3' }), /already in use or was destroyed/);
  await store.close();
});

test('lookup() tells live, destroyed (with its time) and never-held keys apart, across a reopen', async () => {
  const path = freshPath();
  const time = clock(1_000);
  const store = new SqliteDataKeyStore(path, { now: time.now });
  const live = { id: id(), scope: 'live', wrapped: randomBytes(98) };
  const gone = { id: id(), scope: 'gone', wrapped: randomBytes(98) };
  await store.addIfAbsent(live);
  await store.addIfAbsent(gone);
  time.advance(72 * 3600 * 1000);
  assert.equal(await store.destroy(gone.id), true);
  assert.equal(await store.destroy(gone.id), false);
  await store.close();

  const reopened = new SqliteDataKeyStore(path);
  assert.equal((await reopened.lookup(live.id))?.state, 'live');
  assert.deepEqual(await reopened.lookup(gone.id), { state: 'destroyed', id: gone.id, destroyedAt: 1_000 + 72 * 3600 * 1000 });
  assert.equal(await reopened.lookup(id()), undefined);
  assert.equal(await reopened.forScope('gone'), undefined);
  assert.deepEqual(await reopened.liveIds(), [live.id]);
  await reopened.close();
});

test('destroy() leaves no copy of the wrapped key in the database, its log or its shared memory file', async () => {
  const path = freshPath();
  const store = new SqliteDataKeyStore(path);
  const keep = { id: id(), scope: 'keep', wrapped: randomBytes(114) };
  const doomed = { id: id(), scope: 'doomed', wrapped: randomBytes(114) };
  await store.addIfAbsent(keep);
  await store.addIfAbsent(doomed);
  assert.ok(databaseBytes(path).includes(Buffer.from(doomed.wrapped)), 'control: the bytes are on disk before');
  await store.destroy(doomed.id);
  const after = databaseBytes(path);
  assert.ok(!after.includes(Buffer.from(doomed.wrapped)), 'the destroyed wrapped key is gone');
  assert.ok(!after.includes(Buffer.from(doomed.wrapped).subarray(50, 82)), 'not even its sealed part');
  assert.ok(after.includes(Buffer.from(keep.wrapped)), 'the other key stays');
  await store.close();
});

test('replaceWrapped() swaps only when the stored bytes are the expected ones', async () => {
  const store = new SqliteDataKeyStore(freshPath());
  const key = { id: id(), scope: 's', wrapped: randomBytes(98) };
  await store.addIfAbsent(key);
  const next = randomBytes(98);
  assert.equal(await store.replaceWrapped(key.id, { expected: randomBytes(98), wrapped: next }), false);
  assert.equal(await store.replaceWrapped(key.id, { expected: key.wrapped, wrapped: next }), true);
  assert.deepEqual(Buffer.from((await store.forScope('s'))!.wrapped), next);
  await store.close();
});

test('rewrapDataKeys() moves every live key to the new master key, keeps the data keys, and a rerun skips them', async () => {
  const store = new SqliteDataKeyStore(freshPath());
  const oldMaster = masterKeyFromBytes(randomBytes(32));
  const newMaster = masterKeyFromBytes(randomBytes(32));
  const dataKeys = ['intl', 'gm', 'intl'].map((suite, i) => ({ scope: `study-${i}`, key: generateDataKey(suite as 'intl' | 'gm') }));
  for (const { scope, key } of dataKeys) await store.addIfAbsent({ id: key.id, scope, wrapped: wrapDataKey(key, oldMaster, scope) });
  const destroyed = generateDataKey('intl');
  await store.addIfAbsent({ id: destroyed.id, scope: 'purged', wrapped: wrapDataKey(destroyed, oldMaster, 'purged') });
  await store.destroy(destroyed.id);

  assert.deepEqual(await rewrapDataKeys(store, oldMaster, newMaster), { rewrapped: 3, skipped: 0 });
  for (const { scope, key } of dataKeys) {
    const stored = (await store.forScope(scope))!;
    assert.equal(readWrappedKeyHeader(stored.wrapped).masterKeyId, newMaster.id);
    assert.deepEqual(Buffer.from(unwrapDataKey(stored.wrapped, newMaster, scope).key), Buffer.from(key.key));
  }
  assert.deepEqual(await rewrapDataKeys(store, oldMaster, newMaster), { rewrapped: 0, skipped: 3 });
  await store.close();
});

test('the key database is created with mode 0600', { skip: process.platform === 'win32' ? 'POSIX only' : false }, async () => {
  const path = freshPath();
  const store = new SqliteDataKeyStore(path);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  await store.close();
});
