/**
 * Issue 6, retention, through `medveil serve` (startServer in-process): an expiring export
 * package recorded in the data folder is still there when the server starts 1 ms before its
 * expiry, and gone, with its data key, when it starts 72 hours and 1 second after its creation;
 * the purge event is in the server's audit log, and the log verifies with its public key.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { decodeAuditEvent } from '../src/audit/event/encode-audit-event.js';
import { verifyLog } from '../src/audit/log/verify-log.js';
import { readVerifierKeys } from '../src/cli/audit/read-keys.js';
import { readMasterKeyFile } from '../src/crypto/master-key-file.js';
import { parseServerConfig } from '../src/server/config.js';
import { gatewayStoreFiles } from '../src/server/gateway-stores.js';
import { startServer } from '../src/server/serve.js';
import { serverKeyFiles } from '../src/server/server-keys.js';
import { FsBlobStore } from '../src/storage/adapters/fs-blob-store.js';
import { SqliteAuditStore } from '../src/storage/adapters/sqlite-audit-store.js';
import { SqliteDataKeyStore } from '../src/storage/adapters/sqlite-data-key-store.js';
import { SqliteRetentionStore } from '../src/storage/adapters/sqlite-retention-store.js';
import { newBlobKey } from '../src/storage/blob-store.js';
import { EncryptedBlobStore } from '../src/storage/encrypted-blob-store.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-retention-serve-'));
after(() => rmSync(work, { recursive: true, force: true }));

const T0 = Date.UTC(2025, 5, 2, 10, 0, 0);
const HOUR = 3_600_000;

test('issue 6 acceptance 4 (retention): at 72 h + 1 s after its creation the package and its key are gone, the ledger holds the purge event and verifies', async () => {
  const config = parseServerConfig('http:\n  port: 0\ndimse:\n  port: 0\nlog:\n  level: silent\n', { source: 'the test config', baseDir: work });
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const time = { now: T0 };
  const serveOnce = async () => (await startServer(config, { clock: { now: () => time.now }, out: () => undefined, logStream: quiet })).close();
  await serveOnce();

  // What an export will leave: a sealed package under a data key of its own, and its zip.
  const dataDir = config.dataDir;
  const files = gatewayStoreFiles(dataDir);
  const keys = new SqliteDataKeyStore(files.dataKeys, { now: () => time.now });
  const objects = new EncryptedBlobStore({ blobs: new FsBlobStore(files.objects), keys, master: readMasterKeyFile(serverKeyFiles(dataDir).master), suite: config.crypto.suite });
  const key = newBlobKey('export');
  await objects.put(key, Buffer.from('a de-identified package'), key);
  const dataKeyId = (await keys.forScope(key))!.id;
  mkdirSync(join(dataDir, 'exports'));
  writeFileSync(join(dataDir, 'exports', 'package.zip'), 'zip');
  const retention = SqliteRetentionStore.open(join(dataDir, 'retention.sqlite'), { dataDir, clock: { now: () => time.now } });
  const item = await retention.add({ kind: 'export-package', file: 'exports/package.zip', blob: { key, dataKeyId } });
  await retention.close();
  assert.equal(item.expiresAt, T0 + 72 * HOUR);

  time.now = item.expiresAt - 1;
  await serveOnce();
  assert.ok(existsSync(join(dataDir, 'exports', 'package.zip')));
  assert.deepEqual(await objects.get(key), Buffer.from('a de-identified package'));

  time.now = T0 + 72 * HOUR + 1000;
  await serveOnce();
  assert.equal(existsSync(join(dataDir, 'exports', 'package.zip')), false);
  assert.equal((await keys.lookup(dataKeyId))?.state, 'destroyed');
  assert.equal(await objects.has(key), false);
  await keys.close();

  const store = new SqliteAuditStore(join(dataDir, 'audit.sqlite'), { mustExist: true });
  try {
    const events = (await store.readEvents(0, await store.size())).map((stored) => decodeAuditEvent(stored.data));
    const purges = events.filter((event) => event.type === 'purge');
    assert.equal(purges.length, 1);
    assert.equal(purges[0]!.time, new Date(T0 + 72 * HOUR + 1000).toISOString());
    assert.deepEqual(purges[0]!.detail, { count: '1', items: `${item.id}:export-package`, objects: key, dataKeys: dataKeyId, files: '1', trigger: 'job' });
    const verified = await verifyLog(store, readVerifierKeys([serverKeyFiles(dataDir).auditPublic]));
    assert.equal(verified.ok, true, JSON.stringify(verified.problems));
  } finally {
    await store.close();
  }
});
