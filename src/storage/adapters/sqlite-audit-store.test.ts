import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { MedVeilError } from '../../errors.js';
import { SqliteAuditStore } from './sqlite-audit-store.js';

const dir = mkdtempSync(join(tmpdir(), 'medveil-sqlite-audit-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const hash = (byte: number) => new Uint8Array(32).fill(byte);
const leaf = (text: string) => new TextEncoder().encode(text);

for (const appendIn of ['worker', 'inline'] as const) {
  test(`appendBatch() (${appendIn}) writes events and hashes, and refuses a batch that does not continue the store`, async () => {
    const store = new SqliteAuditStore(join(dir, `continue-${appendIn}.sqlite`), { appendIn });
    await store.appendBatch({ firstIndex: 0, leaves: [leaf('a'), leaf('bb')], firstHashIndex: 0, hashes: [hash(1), hash(2), hash(3)] });
    await assert.rejects(
      store.appendBatch({ firstIndex: 3, leaves: [leaf('c')], firstHashIndex: 3, hashes: [hash(4)] }),
      (error: unknown) => error instanceof MedVeilError && /does not continue/.test(error.message),
    );
    await assert.rejects(store.appendBatch({ firstIndex: 2, leaves: [leaf('c')], firstHashIndex: 2, hashes: [hash(4)] }), /does not continue/);
    assert.equal(await store.size(), 2);
    assert.deepEqual((await store.readEvents(0, 10)).map((e) => [e.index, Buffer.from(e.data).toString()]), [[0, 'a'], [1, 'bb']]);
    assert.deepEqual(store.readHashes([2, 0]).map((h) => h[0]), [3, 1]);
    assert.deepEqual(await store.readHashBlock(0, 3), Buffer.concat([hash(1), hash(2), hash(3)]));
    assert.throws(() => store.readHashes([3]), /missing/);
    await store.close();
  });
}

test('readHashBlock() answers undefined when a hash in the range is missing, so callers fall back to rows', async () => {
  const path = join(dir, 'gap.sqlite');
  const store = new SqliteAuditStore(path, { appendIn: 'inline' });
  await store.appendBatch({ firstIndex: 0, leaves: [leaf('a'), leaf('b')], firstHashIndex: 0, hashes: [hash(1), hash(2), hash(3)] });
  await store.close();
  const db = new Database(path);
  db.exec('DROP TRIGGER audit_hashes_no_delete; DELETE FROM audit_hashes WHERE idx = 1');
  db.close();
  const reopened = new SqliteAuditStore(path, { mustExist: true });
  assert.equal(await reopened.readHashBlock(0, 3), undefined);
  assert.deepEqual((await reopened.readHashRange(0, 3)).map((row) => row.index), [0, 2]);
  await reopened.close();
});

test('bindOrigin() records the origin once and refuses another', async () => {
  const store = new SqliteAuditStore(join(dir, 'origin.sqlite'));
  assert.equal(await store.readOrigin(), undefined);
  await store.bindOrigin('a.test/log');
  await store.bindOrigin('a.test/log');
  assert.equal(await store.readOrigin(), 'a.test/log');
  await assert.rejects(store.bindOrigin('b.test/log'), /belongs to log "a.test\/log"/);
  await store.close();
});

test('a cosignature is stored once per witness; a different one for the same checkpoint is refused', async () => {
  const store = new SqliteAuditStore(join(dir, 'cosign.sqlite'));
  const cosignature = { size: 5, witness: 'w.test', line: '\u2014 w.test AAAA', receivedAt: 1 };
  await store.addCosignature(cosignature);
  await store.addCosignature({ ...cosignature, receivedAt: 2 });
  await assert.rejects(store.addCosignature({ ...cosignature, line: '\u2014 w.test BBBB' }), /already cosigned/);
  assert.deepEqual(await store.cosignatures(5), [cosignature]);
  await store.close();
});

test('opening a file that is missing or not an audit database fails with an io error', () => {
  assert.throws(() => new SqliteAuditStore(join(dir, 'absent.sqlite'), { mustExist: true }), (e: unknown) => e instanceof MedVeilError && e.code === 'io');
  const text = join(dir, 'text.sqlite');
  writeFileSync(text, 'this is not a database, just text that is long enough to have a header of some sort.......');
  assert.throws(() => new SqliteAuditStore(text), (e: unknown) => e instanceof MedVeilError && e.code === 'io');
  const empty = join(dir, 'empty.sqlite');
  new Database(empty).close();
  assert.throws(() => new SqliteAuditStore(empty, { mustExist: true }), /not a MedVeil audit database/);
});
