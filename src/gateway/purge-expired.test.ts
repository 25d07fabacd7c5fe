import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { AuditEventInput } from '../audit/event/audit-event.js';
import { validateAuditEvent } from '../audit/event/validate-audit-event.js';
import { masterKeyFromBytes } from '../crypto/master-key-file.js';
import { MedVeilError } from '../errors.js';
import { FsBlobStore } from '../storage/adapters/fs-blob-store.js';
import { SqliteDataKeyStore } from '../storage/adapters/sqlite-data-key-store.js';
import { SqliteRetentionStore } from '../storage/adapters/sqlite-retention-store.js';
import { newBlobKey } from '../storage/blob-store.js';
import { EncryptedBlobStore } from '../storage/encrypted-blob-store.js';
import { purgeExpired, type PurgeExpiredDeps } from './purge-expired.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-purge-'));
after(() => rmSync(work, { recursive: true, force: true }));

const T0 = Date.UTC(2025, 5, 2, 10, 0, 0);
const HOUR = 3_600_000;
let counter = 0;

/** An audit log that records what it is given, and refuses while `failing` is set. */
function recordingAudit() {
  const events: AuditEventInput[] = [];
  const audit = {
    failing: false,
    events,
    async append(input: AuditEventInput) {
      if (audit.failing) throw new MedVeilError('audit', 'the audit store is down');
      validateAuditEvent({ ...input, v: 1, time: new Date(T0).toISOString() });
      events.push(input);
      return { index: events.length - 1 };
    },
  };
  return audit;
}

function freshSetup() {
  const dataDir = join(work, `data-${++counter}`);
  mkdirSync(dataDir);
  const time = { now: T0 };
  const clock = { now: () => time.now };
  const keys = new SqliteDataKeyStore(join(dataDir, 'data-keys.sqlite'), { now: clock.now });
  const objects = new EncryptedBlobStore({ blobs: new FsBlobStore(join(dataDir, 'objects')), keys, master: masterKeyFromBytes(randomBytes(32)), suite: 'intl' });
  const retention = SqliteRetentionStore.open(join(dataDir, 'retention.sqlite'), { dataDir, clock });
  const audit = recordingAudit();
  const deps: PurgeExpiredDeps = { retention, dataDir, objects, dataKeys: keys, audit };
  /** An export package: a sealed object in its own scope and a zip file, expiring 72 h from now. */
  async function exportPackage() {
    const key = newBlobKey('export');
    await objects.put(key, Buffer.from('a de-identified package'), key);
    const dataKeyId = (await keys.forScope(key))!.id;
    mkdirSync(join(dataDir, 'exports'), { recursive: true });
    const file = join('exports', `${key.slice(7)}.zip`);
    writeFileSync(join(dataDir, file), 'zip bytes');
    const item = await retention.add({ kind: 'export-package', file, blob: { key, dataKeyId } });
    return { item, key, dataKeyId, file: join(dataDir, file) };
  }
  const close = async () => {
    await retention.close();
    await keys.close();
  };
  return { dataDir, time, keys, objects, retention, audit, deps, exportPackage, close };
}

type Pkg = Awaited<ReturnType<ReturnType<typeof freshSetup>['exportPackage']>>;

test('at expiresAt - 1 ms an item stays; at expiresAt its file, object and data key are gone, and the object can no longer be opened', async () => {
  const setup = freshSetup();
  const pkg = await setup.exportPackage();
  // A copy of the sealed object taken before the purge, as a backup would hold it.
  const objectFile = readdirSync(join(setup.dataDir, 'objects'), { recursive: true, withFileTypes: true }).find((entry) => entry.isFile())!;
  const backup = readFileSync(join(objectFile.parentPath, objectFile.name));

  setup.time.now = pkg.item.expiresAt - 1;
  const early = await purgeExpired(setup.deps, setup.time.now, { trigger: 'job' });
  assert.deepEqual(early, { purged: [], failed: [], events: [] });
  assert.equal(setup.audit.events.length, 0, 'nothing due, nothing recorded');
  assert.ok(existsSync(pkg.file));
  assert.deepEqual(await setup.objects.get(pkg.key), Buffer.from('a de-identified package'));

  setup.time.now = pkg.item.expiresAt;
  assert.equal(pkg.item.expiresAt, T0 + 72 * HOUR);
  const report = await purgeExpired(setup.deps, setup.time.now, { trigger: 'job' });
  assert.deepEqual(report.purged.map((item) => item.id), [pkg.item.id]);
  assert.equal(existsSync(pkg.file), false);
  assert.equal(await setup.objects.has(pkg.key), false);
  assert.equal((await setup.keys.lookup(pkg.dataKeyId))?.state, 'destroyed');
  assert.equal((await setup.retention.get(pkg.item.id))?.purgedAt, pkg.item.expiresAt);

  // Crypto-shredding: the backup's bytes, put back, cannot be opened.
  writeFileSync(join(objectFile.parentPath, objectFile.name), backup);
  await assert.rejects(setup.objects.get(pkg.key), (error: unknown) => error instanceof MedVeilError && error.code === 'storage' && /data key [0-9a-f]{32} was destroyed/.test(error.message));

  const again = await purgeExpired(setup.deps, setup.time.now + HOUR, { trigger: 'job' });
  assert.deepEqual(again.purged, [], 'a purged item is never purged again');
  assert.equal(setup.audit.events.length, 1);
  await setup.close();
});

test('one purge event per run names item ids, kinds, object keys and data key ids, and no path', async () => {
  const setup = freshSetup();
  // Two packages expiring together are taken in the order of their ids.
  const [a, b] = [await setup.exportPackage(), await setup.exportPackage()].sort((x, y) => (x.item.id < y.item.id ? -1 : 1)) as [Pkg, Pkg];
  mkdirSync(join(setup.dataDir, 'renders', 'Doe^Jane'), { recursive: true });
  writeFileSync(join(setup.dataDir, 'renders', 'Doe^Jane', 'frame.png'), 'png');
  const render = await setup.retention.add({ kind: 'rendered-cache', file: 'renders/Doe^Jane', expiresAt: T0 + HOUR });
  const gone = await setup.retention.add({ kind: 'temporary', file: 'tmp/never-written', expiresAt: T0 + HOUR });

  const report = await purgeExpired(setup.deps, T0 + 72 * HOUR, { trigger: 'cli' });
  assert.equal(report.purged.length, 4, 'a file already gone counts as purged');
  assert.deepEqual(report.events, [0]);
  assert.equal(existsSync(join(setup.dataDir, 'renders', 'Doe^Jane')), false, 'a folder goes with what it holds');
  const [event] = setup.audit.events;
  assert.deepEqual(event, {
    type: 'purge',
    outcome: 'success',
    actor: { user: 'medveil' },
    detail: {
      count: '4',
      items: [...[`${render.id}:rendered-cache`, `${gone.id}:temporary`].sort(), `${a.item.id}:export-package`, `${b.item.id}:export-package`].join(' '),
      objects: `${a.key} ${b.key}`,
      dataKeys: `${a.dataKeyId} ${b.dataKeyId}`,
      files: '4',
      trigger: 'cli',
    },
  });
  assert.ok(!JSON.stringify(event).includes('Doe'), 'no path, so no name an operator put in one');
  await setup.close();
});

test('when the audit log refuses the event nothing is marked purged, and the next run destroys and records the items', async () => {
  const setup = freshSetup();
  const pkg = await setup.exportPackage();
  setup.audit.failing = true;
  await assert.rejects(purgeExpired(setup.deps, pkg.item.expiresAt, { trigger: 'job' }), (error: unknown) => error instanceof MedVeilError && error.code === 'audit');
  assert.equal((await setup.retention.get(pkg.item.id))?.purgedAt, undefined);
  assert.deepEqual((await setup.retention.due(pkg.item.expiresAt)).map((item) => item.id), [pkg.item.id]);

  setup.audit.failing = false;
  const report = await purgeExpired(setup.deps, pkg.item.expiresAt + 1, { trigger: 'job' });
  assert.deepEqual(report.purged.map((item) => item.id), [pkg.item.id]);
  assert.equal(setup.audit.events[0]?.detail?.dataKeys, pkg.dataKeyId, 'the retry names the key its first attempt destroyed');
  assert.equal((await setup.retention.get(pkg.item.id))?.purgedAt, pkg.item.expiresAt + 1);
  await setup.close();
});

test('more items than one event can name are recorded in several events, each within the detail limit', async () => {
  const setup = freshSetup();
  for (let i = 0; i < 60; i++) await setup.retention.add({ kind: 'temporary', file: `tmp/${i}`, expiresAt: T0 });
  const report = await purgeExpired(setup.deps, T0, { trigger: 'job' });
  assert.equal(report.purged.length, 60);
  assert.ok(setup.audit.events.length >= 2);
  assert.equal(setup.audit.events.reduce((sum, event) => sum + Number(event.detail?.count), 0), 60);
  assert.deepEqual(await setup.retention.due(T0), []);
  await setup.close();
});

test('an item whose folder is a link out of the data folder is refused and left due; an item that is a link loses the link only; the others are purged', async (t) => {
  if (process.platform === 'win32') return t.skip('symbolic links need privileges on Windows');
  const setup = freshSetup();
  const outside = join(work, `outside-${counter}`);
  mkdirSync(outside);
  writeFileSync(join(outside, 'precious'), 'keep me');
  mkdirSync(join(setup.dataDir, 'tmp'));
  const hostile = await setup.retention.add({ kind: 'temporary', file: 'tmp/link/precious', expiresAt: T0 });
  symlinkSync(outside, join(setup.dataDir, 'tmp', 'link'));
  const fine = await setup.retention.add({ kind: 'temporary', file: 'tmp/fine', expiresAt: T0 });
  // An item that is itself a link: the link goes, never what it points to.
  const linkItself = await setup.retention.add({ kind: 'temporary', file: 'tmp/link-itself', expiresAt: T0 });
  symlinkSync(outside, join(setup.dataDir, 'tmp', 'link-itself'));

  const report = await purgeExpired(setup.deps, T0, { trigger: 'job' });
  assert.equal(readFileSync(join(outside, 'precious'), 'utf8'), 'keep me');
  assert.deepEqual(report.purged.map((item) => item.id).sort(), [fine.id, linkItself.id].sort());
  assert.equal(existsSync(join(setup.dataDir, 'tmp', 'link-itself')), false);
  assert.deepEqual(report.failed.map((item) => item.id), [hostile.id]);
  assert.match(report.failed[0]!.reason, /link leading out of the data folder/);
  assert.deepEqual((await setup.retention.due(T0)).map((item) => item.id), [hostile.id]);
  await setup.close();
});
