import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { systemClock } from '../../audit/clock.js';
import { decodeAuditEvent } from '../../audit/event/encode-audit-event.js';
import { AuditLog } from '../../audit/log/audit-log.js';
import { masterKeyFromBytes } from '../../crypto/master-key-file.js';
import { acquireServerLock } from '../../server/server-lock.js';
import { MedVeilError } from '../../errors.js';
import { FsBlobStore } from '../../storage/adapters/fs-blob-store.js';
import { SqliteAuditStore } from '../../storage/adapters/sqlite-audit-store.js';
import { SqliteDataKeyStore } from '../../storage/adapters/sqlite-data-key-store.js';
import { SqliteRetentionStore } from '../../storage/adapters/sqlite-retention-store.js';
import { newBlobKey } from '../../storage/blob-store.js';
import { EncryptedBlobStore } from '../../storage/encrypted-blob-store.js';
import { gatewayStoreFiles } from '../../server/gateway-stores.js';
import { main } from '../main.js';
import { runRegisteredCommand } from './testing-command.js';
import { registerPurge } from './purge.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-purge-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

function runPurge(args: string[]): Promise<{ printed: string; exitCode: number | string | undefined }> {
  return runRegisteredCommand(registerPurge, ['purge', ...args]);
}

/** A data folder as the server leaves it: an audit log, sealed objects, one expired package and one still valid. */
async function dataFolder() {
  const dataDir = join(work, `data-${randomBytes(4).toString('hex')}`);
  mkdirSync(join(dataDir, 'exports'), { recursive: true });
  const log = await AuditLog.open({ store: new SqliteAuditStore(join(dataDir, 'audit.sqlite')), origin: 'hospital.test/audit', clock: systemClock });
  await log.append({ type: 'key-change', outcome: 'success', actor: { user: 'medveil' }, detail: { action: 'create-key', key: 'master' } });
  await log.close();
  const files = gatewayStoreFiles(dataDir);
  const keys = new SqliteDataKeyStore(files.dataKeys);
  const objects = new EncryptedBlobStore({ blobs: new FsBlobStore(files.objects), keys, master: masterKeyFromBytes(randomBytes(32)), suite: 'intl' });
  const retention = SqliteRetentionStore.open(join(dataDir, 'retention.sqlite'), { dataDir, clock: systemClock });
  const made = [];
  for (const expiresAt of [Date.now() - 1000, Date.now() + 3_600_000]) {
    const key = newBlobKey('export');
    await objects.put(key, Buffer.from('package'), key);
    const dataKeyId = (await keys.forScope(key))!.id;
    const file = `exports/${key.slice(7)}.zip`;
    writeFileSync(join(dataDir, file), 'zip');
    made.push({ key, dataKeyId, file, item: await retention.add({ kind: 'export-package', file, blob: { key, dataKeyId }, expiresAt }) });
  }
  await retention.close();
  await keys.close();
  const [expired, valid] = made as [(typeof made)[0], (typeof made)[0]];
  return { dataDir, expired, valid, files };
}

async function auditEvents(dataDir: string) {
  const store = new SqliteAuditStore(join(dataDir, 'audit.sqlite'), { mustExist: true });
  try {
    return (await store.readEvents(0, await store.size())).map((stored) => decodeAuditEvent(stored.data));
  } finally {
    await store.close();
  }
}

test('`medveil purge --dry-run` lists the expired item only, and changes nothing', async () => {
  const { dataDir, expired, valid } = await dataFolder();
  const { printed, exitCode } = await runPurge(['--dry-run', '--data', dataDir]);
  assert.equal(exitCode ?? 0, 0);
  assert.match(printed, new RegExp(`^${expired.item.id} export-package expired .*: file ${expired.file}; object ${expired.key}, data key ${expired.dataKeyId}$`, 'm'));
  assert.ok(!printed.includes(valid.item.id));
  assert.match(printed, /1 item\(s\) would be purged \(dry run: nothing was changed\)/);
  assert.ok(existsSync(join(dataDir, expired.file)));
  assert.equal((await auditEvents(dataDir)).length, 1, 'no event for a dry run');
});

test('`medveil purge` destroys the expired package and its data key, records the purge event in the data folder\'s audit log, and keeps the valid one', async () => {
  const { dataDir, expired, valid, files } = await dataFolder();
  const { printed, exitCode } = await runPurge(['--data', dataDir]);
  assert.equal(exitCode ?? 0, 0);
  assert.match(printed, new RegExp(`purged ${expired.item.id} export-package \\(data key ${expired.dataKeyId} destroyed\\)`));
  assert.match(printed, /1 item\(s\) purged, recorded as audit event\(s\) 1/);
  assert.equal(existsSync(join(dataDir, expired.file)), false);
  assert.ok(existsSync(join(dataDir, valid.file)));

  const keys = new SqliteDataKeyStore(files.dataKeys);
  assert.equal((await keys.lookup(expired.dataKeyId))?.state, 'destroyed');
  assert.equal((await keys.lookup(valid.dataKeyId))?.state, 'live');
  await keys.close();
  assert.equal(await new FsBlobStore(files.objects).has(expired.key), false);

  const events = await auditEvents(dataDir);
  assert.equal(events.length, 2);
  assert.equal(events[1]!.type, 'purge');
  assert.deepEqual(events[1]!.detail, { count: '1', items: `${expired.item.id}:export-package`, objects: expired.key, dataKeys: expired.dataKeyId, files: '1', trigger: 'cli' });

  const second = await runPurge(['--data', dataDir]);
  assert.match(second.printed, /^0 item\(s\) purged\n$/);
  assert.equal((await auditEvents(dataDir)).length, 2, 'nothing due, no event');
});

test('`medveil purge` is refused while a server holds the data folder (its audit log is the server\'s), and a dry run is not', async () => {
  const { dataDir, expired } = await dataFolder();
  const lock = acquireServerLock(dataDir);
  try {
    await assert.rejects(runPurge(['--data', dataDir]), (error: unknown) => error instanceof MedVeilError && /medveil serve \(process \d+\) is running/.test(error.message));
    assert.ok(existsSync(join(dataDir, expired.file)), 'nothing was purged');
    assert.equal((await auditEvents(dataDir)).length, 1, 'and nothing was appended');
    assert.match((await runPurge(['--dry-run', '--data', dataDir])).printed, /1 item\(s\) would be purged/);
  } finally {
    lock.release();
  }
});

test('`medveil purge` names a missing data folder, and says so when nothing was ever recorded', async () => {
  await assert.rejects(runPurge(['--data', join(work, 'absent')]), (error: unknown) => error instanceof MedVeilError && error.code === 'usage' && /no MedVeil data folder/.test(error.message));
  const empty = join(work, 'empty');
  mkdirSync(empty);
  const { printed } = await runPurge(['--dry-run', '--data', empty]);
  assert.match(printed, /nothing to purge/);
  assert.equal(existsSync(join(empty, 'retention.sqlite')), false);
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    assert.equal(await main(['purge', '--dry-run', '--data', empty]), 0, '`medveil purge` is registered and exits 0');
  } finally {
    process.stdout.write = write;
  }
});
