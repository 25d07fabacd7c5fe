import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteAuditStore } from '../../storage/adapters/sqlite-audit-store.js';
import type { AuditEvent } from '../event/audit-event.js';
import { encodeAuditEvent } from '../event/encode-audit-event.js';
import { CompactRange } from '../merkle/compact-range.js';
import { leafHash } from '../merkle/hash.js';
import { generateLogKeys, parseSecretKeyFile, parseVerifierKeys, signNote } from '../note/index.js';
import { storedHashCount, storedHashIndex } from '../merkle/stored-hash-index.js';
import { AuditLog } from './audit-log.js';
import { verifyLog, type LogProblem, type LogVerification, type VerifyLogOptions } from './verify-log.js';

// Acceptance (2) of the audit issue: each way of tampering with the stored log is detected
// by verifyLog, which names the first bad index. The tests edit the SQLite file directly, as
// an administrator with file access could, after dropping the append-only triggers.

const origin = 'medveil.test/audit';
const keys = generateLogKeys(origin, 'intl');
const signers = parseSecretKeyFile(keys.signerKeys.join('\n'));
const verifiers = parseVerifierKeys(keys.verifierKeys.join('\n'));
const intruderSigners = parseSecretKeyFile(generateLogKeys(origin, 'intl').signerKeys.join('\n'));

const dir = mkdtempSync(join(tmpdir(), 'medveil-verify-log-'));
const original = join(dir, 'original.sqlite');
after(() => rmSync(dir, { recursive: true, force: true }));

const eventFor = (i: number) => ({ type: 'view' as const, outcome: 'success' as const, actor: { user: `user${i}` }, objects: [{ study: `1.2.3.${i}` }] });

before(async () => {
  let now = Date.UTC(2025, 0, 1);
  const log = await AuditLog.open({
    store: new SqliteAuditStore(original),
    origin,
    clock: { now: () => (now += 1000) },
    signer: (body) => signNote(body, signers),
  });
  for (let i = 0; i < 50; i++) {
    await log.append(eventFor(i));
    if (i + 1 === 20 || i + 1 === 35 || i + 1 === 50) await log.checkpoint();
  }
  await log.close();
});

// Every case is verified whole on this thread, and in small chunks with and without worker
// threads: the chunked runs must report exactly what the single pass does.
const configurations: VerifyLogOptions[] = [{}, { chunkSize: 8, threads: 2 }, { chunkSize: 4, threads: 1 }, { chunkSize: 16, threads: 0 }];

/** A report with its problems in a fixed order: chunks may report event problems earlier or later. */
function comparable(report: LogVerification) {
  const key = (p: LogProblem) => `${p.index ?? -1}/${p.checkpointSize ?? -1}/${p.kind}/${p.message}`;
  return { ...report, rootHash: Buffer.from(report.rootHash).toString('hex'), problems: report.problems.map(key).sort() };
}

let copyNo = 0;
/** A copy of the log with `edit` applied to its database, verified in each configuration; the first one's report. */
async function tamper(edit: (db: Database.Database) => void): Promise<LogVerification> {
  const path = join(dir, `copy-${copyNo++}.sqlite`);
  copyFileSync(original, path);
  const db = new Database(path);
  for (const { name } of db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger'").all()) {
    db.exec(`DROP TRIGGER ${name}`);
  }
  edit(db);
  db.close();
  const store = new SqliteAuditStore(path, { mustExist: true });
  try {
    const reports: LogVerification[] = [];
    for (const options of configurations) reports.push(await verifyLog(store, verifiers, options));
    for (const [i, report] of reports.entries()) {
      assert.deepEqual(comparable(report), comparable(reports[0]!), `verifyLog(${JSON.stringify(configurations[i])}) reports what a single pass does`);
    }
    return reports[0]!;
  } finally {
    await store.close();
  }
}

/** Recomputes every stored tree hash from the stored events, as a thorough intruder would. */
function rewriteHashes(db: Database.Database): void {
  db.prepare('DELETE FROM audit_hashes').run();
  const insert = db.prepare('INSERT INTO audit_hashes (idx, hash) VALUES (?, ?)');
  const range = CompactRange.empty();
  let next = 0;
  for (const { data } of db.prepare<[], { data: Buffer }>('SELECT data FROM audit_events ORDER BY idx').all()) {
    for (const hash of range.append(leafHash(data))) insert.run(next++, hash);
  }
}

function otherEvent(i: number): Uint8Array {
  const event: AuditEvent = { v: 1, time: '2025-01-01T00:00:00.000Z', ...eventFor(i), type: 'export' };
  return encodeAuditEvent(event);
}

const kinds = (report: LogVerification) => report.problems.map((p) => p.kind);

test('the untouched log verifies: 50 events, 3 checkpoints', async () => {
  const report = await tamper(() => {});
  assert.deepEqual(report.problems, []);
  assert.equal(report.ok, true);
  assert.equal(report.size, 50);
  assert.equal(report.checkpointsChecked, 3);
  assert.equal(report.firstBadIndex, undefined);
});

test('an edited event is named by its index', async () => {
  const report = await tamper((db) => db.prepare('UPDATE audit_events SET data = ? WHERE idx = 13').run(otherEvent(13)));
  assert.equal(report.ok, false);
  assert.equal(report.firstBadIndex, 13);
  assert.ok(kinds(report).includes('leaf-hash'));
  assert.ok(kinds(report).includes('checkpoint-root'), 'the signed root of checkpoint 20 no longer matches');
});

test('a deleted event is named by its index', async () => {
  const report = await tamper((db) => db.prepare('DELETE FROM audit_events WHERE idx = 27').run());
  assert.equal(report.firstBadIndex, 27);
  assert.deepEqual(kinds(report), ['event-missing']);
});

test('two swapped events are named, the first one first', async () => {
  const report = await tamper((db) => {
    const read = db.prepare<[number], { data: Buffer }>('SELECT data FROM audit_events WHERE idx = ?');
    const a = read.get(5)!.data;
    const b = read.get(31)!.data;
    db.prepare('UPDATE audit_events SET data = ? WHERE idx = 5').run(b);
    db.prepare('UPDATE audit_events SET data = ? WHERE idx = 31').run(a);
  });
  assert.equal(report.firstBadIndex, 5);
  assert.deepEqual(report.problems.filter((p) => p.kind === 'leaf-hash').map((p) => p.index), [5, 31]);
});

test('an edited interior tree hash is named by the first event under it', async () => {
  // The subtree of 2^3 events 8..15, whose hash the chunked runs check inside and above a chunk.
  const report = await tamper((db) => db.prepare('UPDATE audit_hashes SET hash = ? WHERE idx = ?').run(Buffer.alloc(32, 9), storedHashIndex(3, 1)));
  assert.equal(report.firstBadIndex, 8);
  assert.deepEqual(kinds(report), ['node-hash']);
});

test('a truncated tail is named by the first missing index, even with its hashes removed too', async () => {
  const report = await tamper((db) => {
    db.prepare('DELETE FROM audit_events WHERE idx >= 42').run();
    db.prepare('DELETE FROM audit_hashes WHERE idx >= ?').run(storedHashCount(42));
  });
  assert.equal(report.size, 42);
  assert.equal(report.firstBadIndex, 42);
  assert.deepEqual(kinds(report), ['checkpoint-beyond-log']);
});

test('a truncated tail whose hashes remain is named too', async () => {
  const report = await tamper((db) => db.prepare('DELETE FROM audit_events WHERE idx >= 45').run());
  assert.equal(report.firstBadIndex, 45);
  assert.ok(kinds(report).includes('extra-hashes'));
});

test('a checkpoint replaced by one under another key is refused and named by its size', async () => {
  const report = await tamper((db) => {
    const body = `${origin}\n35\n${Buffer.alloc(32, 7).toString('base64')}\n`;
    db.prepare('UPDATE audit_checkpoints SET note = ? WHERE size = 35').run(signNote(body, intruderSigners));
  });
  assert.equal(report.ok, false);
  assert.deepEqual(report.problems.map((p) => [p.kind, p.checkpointSize]), [['checkpoint-signature', 35]]);
});

test('a forged checkpoint signature is refused and named by its size', async () => {
  const report = await tamper((db) => {
    const { note } = db.prepare<[], { note: string }>('SELECT note FROM audit_checkpoints WHERE size = 20').get()!;
    const lines = note.split('\n');
    const sigLine = lines.findIndex((line) => line.startsWith('\u2014 '));
    const [dash, name, b64] = lines[sigLine]!.split(' ');
    const raw = Buffer.from(b64!, 'base64');
    raw[raw.length - 1]! ^= 0x01;
    lines[sigLine] = [dash, name, raw.toString('base64')].join(' ');
    db.prepare('UPDATE audit_checkpoints SET note = ? WHERE size = 20').run(lines.join('\n'));
  });
  assert.deepEqual(report.problems.map((p) => [p.kind, p.checkpointSize]), [['checkpoint-signature', 20]]);
});

test('an event rewritten together with every stored hash is caught by the signed root, which bounds the index', async () => {
  const report = await tamper((db) => {
    db.prepare('UPDATE audit_events SET data = ? WHERE idx = 24').run(otherEvent(24));
    rewriteHashes(db);
  });
  assert.equal(report.ok, false);
  // Checkpoint 20 still holds; 35 does not, so the change is in events 20..34.
  assert.equal(report.firstBadIndex, 20);
  assert.deepEqual(
    report.problems.map((p) => [p.kind, p.checkpointSize]),
    // The rewritten hashes prove nothing about the signed roots either.
    [['checkpoint-root', 35], ['checkpoint-consistency', 35], ['checkpoint-root', 50], ['checkpoint-consistency', 50]],
  );
});

test('an invalid event that still matches its hashes is reported by index', async () => {
  const report = await tamper((db) => {
    const bad = new TextEncoder().encode('{"not":"an event"}');
    db.prepare('UPDATE audit_events SET data = ? WHERE idx = 3').run(bad);
    rewriteHashes(db);
  });
  assert.equal(report.firstBadIndex, 3);
  assert.ok(kinds(report).includes('event-invalid'));
});

test('a store that fails while chunks are out makes verifyLog reject with its error, on worker threads too', async () => {
  const store = new SqliteAuditStore(original, { mustExist: true });
  const failing = new Proxy(store, {
    get(target, name) {
      if (name === 'readEventBlock') {
        return async (start: number, end: number) => {
          if (start >= 16) throw new Error(`disk error reading events ${start}..${end}`);
          return target.readEventBlock(start, end);
        };
      }
      const value = Reflect.get(target, name) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  try {
    for (const options of configurations.slice(1)) {
      await assert.rejects(verifyLog(failing, verifiers, options), /disk error reading events 16\.\./, JSON.stringify(options));
    }
  } finally {
    await store.close();
  }
});

test('AuditLog.open() refuses a truncated store rather than append to it', async () => {
  const path = join(dir, 'truncated-open.sqlite');
  copyFileSync(original, path);
  const db = new Database(path);
  db.exec('DROP TRIGGER audit_events_no_delete; DROP TRIGGER audit_hashes_no_delete');
  db.prepare('DELETE FROM audit_events WHERE idx >= 48').run();
  db.prepare('DELETE FROM audit_hashes WHERE idx >= ?').run(storedHashCount(48));
  db.close();
  await assert.rejects(
    AuditLog.open({ store: new SqliteAuditStore(path), origin, clock: { now: () => 0 } }),
    (error: Error & { code?: string }) => error.code === 'audit-verify' && /truncated/.test(error.message),
  );
});
