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

// Bytes that text handling would change: NUL, invalid UTF-8, a lone surrogate's encoding, CR LF.
const awkwardLeaves = [leaf('{"a":1}'), Uint8Array.of(0, 0, 0x7b, 0), Uint8Array.of(0xff, 0xfe, 0x80), Uint8Array.of(0xed, 0xa0, 0x80), leaf('x\r\n\u00e9\u{1f600}'), new Uint8Array(0)];
const awkwardHashes = Array.from({ length: 2 * awkwardLeaves.length }, (_, i) => Uint8Array.from({ length: 32 }, (_, j) => (i * 37 + j * 101) % 256));

test('readEventBlock() and readHashBlock() return exactly the bytes that readEvents() and readHashRange() return, NUL and invalid UTF-8 included', async () => {
  const store = new SqliteAuditStore(join(dir, 'blocks.sqlite'), { appendIn: 'inline' });
  await store.appendBatch({ firstIndex: 0, leaves: awkwardLeaves, firstHashIndex: 0, hashes: awkwardHashes });
  for (const [start, end] of [[0, 6], [1, 4], [5, 6], [3, 3]] as const) {
    const rows = await store.readEvents(start, end);
    const block = await store.readEventBlock(start, end);
    assert.deepEqual([...block!.lengths], rows.map((row) => row.data.length), `lengths of ${start}..${end}`);
    assert.deepEqual(Buffer.from(block!.bytes), Buffer.concat(rows.map((row) => row.data)), `bytes of ${start}..${end}`);
    const hashRows = await store.readHashRange(2 * start, 2 * end);
    assert.deepEqual(Buffer.from((await store.readHashBlock(2 * start, 2 * end))!), Buffer.concat(hashRows.map((row) => row.hash)));
  }
  await store.close();
});

test('readEventBlock() answers undefined when an event in the range is missing or beyond the store', async () => {
  const path = join(dir, 'event-gap.sqlite');
  const store = new SqliteAuditStore(path, { appendIn: 'inline' });
  await store.appendBatch({ firstIndex: 0, leaves: [leaf('a'), leaf('b'), leaf('c')], firstHashIndex: 0, hashes: [hash(1), hash(2), hash(3), hash(4)] });
  await store.close();
  const db = new Database(path);
  db.exec('DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE idx = 1');
  db.close();
  const reopened = new SqliteAuditStore(path, { mustExist: true });
  assert.equal(await reopened.readEventBlock(0, 3), undefined);
  assert.equal(await reopened.readEventBlock(2, 4), undefined);
  assert.deepEqual(Buffer.from((await reopened.readEventBlock(2, 3))!.bytes).toString(), 'c');
  await reopened.close();
});

test('in a UTF-16 database, where blobs read as text would be converted, the block reads answer undefined and the row reads still work', async () => {
  const path = join(dir, 'utf16.sqlite');
  const db = new Database(path);
  db.pragma('encoding = "UTF-16le"');
  // The encoding is fixed when the first table is written.
  db.exec('CREATE TABLE fixes_the_encoding (x)');
  db.close();
  const store = new SqliteAuditStore(path, { appendIn: 'inline' });
  await store.appendBatch({ firstIndex: 0, leaves: awkwardLeaves.slice(0, 2), firstHashIndex: 0, hashes: awkwardHashes.slice(0, 3) });
  assert.equal(await store.readEventBlock(0, 2), undefined);
  assert.equal(await store.readHashBlock(0, 3), undefined);
  assert.deepEqual((await store.readEvents(0, 2)).map((row) => Buffer.from(row.data)), awkwardLeaves.slice(0, 2).map((bytes) => Buffer.from(bytes)));
  await store.close();
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
