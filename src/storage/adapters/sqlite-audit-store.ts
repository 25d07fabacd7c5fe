import Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { MedVeilError, type MedVeilErrorCode } from '../../errors.js';
import { startWorker } from '../../start-worker.js';
import { createAppendTransaction, packAuditBatch, type PackedAuditBatch } from './sqlite-audit-append.js';
import type {
  AuditBatch,
  AuditStore,
  EventBlock,
  StoredCheckpoint,
  StoredCosignature,
  StoredEvent,
  StoredHash,
  WitnessRefusal,
} from '../audit-store.js';

/*
 * The default AuditStore: one SQLite file, WAL journal with synchronous=FULL so that a commit
 * has reached the disk when it returns (https://sqlite.org/pragma.html#pragma_synchronous),
 * one transaction per batch of appends (the log's group commit). Triggers refuse UPDATE and
 * DELETE on every log table, so even a hand-written SQL statement cannot quietly rewrite
 * history; someone with the file can still drop them, which is what `verifyLog` and the
 * signed checkpoints are for.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS audit_events (idx INTEGER PRIMARY KEY, data BLOB NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS audit_hashes (idx INTEGER PRIMARY KEY, hash BLOB NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS audit_checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL, issued_at INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS audit_cosignatures (
  size INTEGER NOT NULL, witness TEXT NOT NULL, line TEXT NOT NULL, received_at INTEGER NOT NULL,
  PRIMARY KEY (size, witness)) STRICT;
CREATE TABLE IF NOT EXISTS audit_witness_refusals (
  id INTEGER PRIMARY KEY, size INTEGER NOT NULL, witness TEXT NOT NULL, status INTEGER NOT NULL,
  message TEXT NOT NULL, at INTEGER NOT NULL) STRICT;
`;

const APPEND_ONLY_TABLES = ['audit_meta', 'audit_events', 'audit_hashes', 'audit_checkpoints', 'audit_cosignatures', 'audit_witness_refusals'];

function appendOnlyTriggers(): string {
  return APPEND_ONLY_TABLES.flatMap((table) =>
    ['UPDATE', 'DELETE'].map(
      (op) =>
        `CREATE TRIGGER IF NOT EXISTS ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} ` +
        `BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`,
    ),
  ).join('\n');
}

export interface SqliteAuditStoreOptions {
  /** Open an existing file without creating it or its tables (for `medveil audit verify`). */
  mustExist?: boolean;
  /**
   * Where appends are committed: `worker` (default) on a worker thread, so the next batch
   * fills while a commit waits for the disk; `inline` on the calling thread.
   */
  appendIn?: 'worker' | 'inline';
}

type Statements = ReturnType<typeof prepareStatementsUnchecked>;

function prepareStatements(db: Database.Database, path: string): Statements {
  try {
    return prepareStatementsUnchecked(db);
  } catch (cause) {
    db.close();
    throw new MedVeilError('io', `${path} is not a MedVeil audit database`, { cause, hint: 'pass the audit database file of the log' });
  }
}

function prepareStatementsUnchecked(db: Database.Database) {
  return {
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM audit_meta WHERE key = ?'),
    putMeta: db.prepare('INSERT INTO audit_meta (key, value) VALUES (?, ?)'),
    size: db.prepare<[], { size: number | null }>('SELECT max(idx) + 1 AS size FROM audit_events'),
    readHash: db.prepare<[number], { hash: Buffer }>('SELECT hash FROM audit_hashes WHERE idx = ?'),
    // Raw rows ([idx, blob]) rather than objects: verifyLog reads millions of them.
    readEvents: db.prepare<[number, number], [number, Buffer]>('SELECT idx, data FROM audit_events WHERE idx >= ? AND idx < ? ORDER BY idx').raw(),
    readHashes: db.prepare<[number, number], [number, Buffer]>('SELECT idx, hash FROM audit_hashes WHERE idx >= ? AND idx < ? ORDER BY idx').raw(),
    // One Buffer per call instead of one per row: group_concat reads each blob as text in the
    // database encoding and CAST(... AS BLOB) turns the result back into those same bytes
    // (https://sqlite.org/lang_expr.html#castexpr), so in a UTF-8 database nothing is converted.
    // The ORDER BY sits in a subquery: inside group_concat it would sort in a temporary b-tree.
    readHashBlock: db
      .prepare<[number, number], [number, number | null, number | null, Buffer | null]>(
        'SELECT count(*), min(octet_length(hash)), max(octet_length(hash)), CAST(group_concat(hash, \'\') AS BLOB) ' +
          'FROM (SELECT hash FROM audit_hashes WHERE idx >= ? AND idx < ? ORDER BY idx)',
      )
      .raw(),
    readEventBlock: db
      .prepare<[number, number], [number, string | null, Buffer | null]>(
        "SELECT count(*), group_concat(octet_length(data), ','), CAST(group_concat(data, '') AS BLOB) " +
          'FROM (SELECT data FROM audit_events WHERE idx >= ? AND idx < ? ORDER BY idx)',
      )
      .raw(),
    insertCheckpoint: db.prepare('INSERT INTO audit_checkpoints (size, note, issued_at) VALUES (?, ?, ?)'),
    checkpoints: db.prepare<[], { size: number; note: string; issued_at: number }>('SELECT size, note, issued_at FROM audit_checkpoints ORDER BY size'),
    latestCheckpoint: db.prepare<[], { size: number; note: string; issued_at: number }>(
      'SELECT size, note, issued_at FROM audit_checkpoints ORDER BY size DESC LIMIT 1',
    ),
    getCosignature: db.prepare<[number, string], { line: string }>('SELECT line FROM audit_cosignatures WHERE size = ? AND witness = ?'),
    insertCosignature: db.prepare('INSERT INTO audit_cosignatures (size, witness, line, received_at) VALUES (?, ?, ?, ?)'),
    cosignatures: db.prepare<[number], { size: number; witness: string; line: string; received_at: number }>(
      'SELECT size, witness, line, received_at FROM audit_cosignatures WHERE size = ? ORDER BY witness',
    ),
    insertRefusal: db.prepare('INSERT INTO audit_witness_refusals (size, witness, status, message, at) VALUES (?, ?, ?, ?, ?)'),
    refusals: db.prepare<[], { size: number; witness: string; status: number; message: string; at: number }>(
      'SELECT size, witness, status, message, at FROM audit_witness_refusals ORDER BY id',
    ),
  };
}

export class SqliteAuditStore implements AuditStore {
  readonly #db: Database.Database;
  readonly #statements: Statements;
  readonly #path: string;
  readonly #appendInline: ((batch: PackedAuditBatch) => void) | undefined;
  /** Whether blobs read as text keep their bytes, which the block reads rely on. */
  readonly #utf8: boolean;
  #writer: AppendWorker | undefined;

  constructor(path: string, options: SqliteAuditStoreOptions = {}) {
    let db: Database.Database;
    try {
      db = new Database(path, { fileMustExist: options.mustExist === true });
    } catch (cause) {
      throw new MedVeilError('io', `cannot open the audit store ${path}`, { cause, hint: 'check the path given as the audit database' });
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      if (options.mustExist !== true) db.exec(SCHEMA + appendOnlyTriggers());
    } catch (cause) {
      db.close();
      throw new MedVeilError('io', `${path} is not a MedVeil audit database`, { cause, hint: 'pass the audit database file of the log' });
    }
    this.#db = db;
    this.#statements = prepareStatements(db, path);
    this.#path = path;
    this.#utf8 = db.pragma('encoding', { simple: true }) === 'UTF-8';
    this.#appendInline = options.appendIn === 'inline' || path === ':memory:' ? createAppendTransaction(db) : undefined;
  }

  async bindOrigin(origin: string): Promise<void> {
    const existing = this.#statements.getMeta.get('origin')?.value;
    if (existing === undefined) this.#statements.putMeta.run('origin', origin);
    else if (existing !== origin) {
      throw new MedVeilError('audit', `this audit store belongs to log "${existing}", not "${origin}"`, {
        hint: 'use the audit database of this log, or the origin it was created with',
      });
    }
  }

  async readOrigin(): Promise<string | undefined> {
    return this.#statements.getMeta.get('origin')?.value;
  }

  async size(): Promise<number> {
    return this.#statements.size.get()?.size ?? 0;
  }

  async appendBatch(batch: AuditBatch): Promise<void> {
    const packed = packAuditBatch(batch);
    if (this.#appendInline !== undefined) {
      this.#appendInline(packed);
      return;
    }
    if (!this.#db.open) throw new MedVeilError('audit', 'the audit store is closed');
    this.#writer ??= new AppendWorker(this.#path, () => (this.#writer = undefined));
    await this.#writer.append(packed);
  }

  readHashes(indexes: number[]): Uint8Array[] {
    return indexes.map((index) => {
      const row = this.#statements.readHash.get(index);
      if (row === undefined) throw new MedVeilError('audit', `stored tree hash ${index} is missing from the audit store`);
      return row.hash;
    });
  }

  async readEvents(start: number, end: number): Promise<StoredEvent[]> {
    return this.#statements.readEvents.all(start, end).map(([index, data]) => ({ index, data }));
  }

  async readHashRange(start: number, end: number): Promise<StoredHash[]> {
    return this.#statements.readHashes.all(start, end).map(([index, hash]) => ({ index, hash }));
  }

  async readHashBlock(start: number, end: number): Promise<Uint8Array | undefined> {
    if (end <= start) return new Uint8Array(0);
    if (!this.#utf8) return undefined;
    const [count, shortest, longest, block] = this.#statements.readHashBlock.get(start, end)!;
    // idx is the primary key, so end - start rows in [start, end) are all of them.
    if (count !== end - start || shortest !== HASH_BYTES || longest !== HASH_BYTES || block?.length !== count * HASH_BYTES) return undefined;
    return block;
  }

  async readEventBlock(start: number, end: number): Promise<EventBlock | undefined> {
    if (end <= start) return { bytes: new Uint8Array(0), lengths: new Uint32Array(0) };
    if (!this.#utf8) return undefined;
    const [count, lengthList, bytes] = this.#statements.readEventBlock.get(start, end)!;
    if (count !== end - start || lengthList === null || bytes === null) return undefined;
    const lengths = parseLengthList(lengthList, count);
    if (lengths === undefined || lengths.reduce((sum, length) => sum + length, 0) !== bytes.length) return undefined;
    return { bytes, lengths };
  }

  async addCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    this.#statements.insertCheckpoint.run(checkpoint.size, checkpoint.note, checkpoint.issuedAt);
  }

  async checkpoints(): Promise<StoredCheckpoint[]> {
    return this.#statements.checkpoints.all().map((row) => ({ size: row.size, note: row.note, issuedAt: row.issued_at }));
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const row = this.#statements.latestCheckpoint.get();
    return row === undefined ? undefined : { size: row.size, note: row.note, issuedAt: row.issued_at };
  }

  async addCosignature(cosignature: StoredCosignature): Promise<void> {
    const existing = this.#statements.getCosignature.get(cosignature.size, cosignature.witness);
    if (existing !== undefined) {
      if (existing.line === cosignature.line) return;
      throw new MedVeilError('audit', `witness ${cosignature.witness} already cosigned size ${cosignature.size} with another signature`);
    }
    this.#statements.insertCosignature.run(cosignature.size, cosignature.witness, cosignature.line, cosignature.receivedAt);
  }

  async cosignatures(size: number): Promise<StoredCosignature[]> {
    return this.#statements.cosignatures.all(size).map((row) => ({ size: row.size, witness: row.witness, line: row.line, receivedAt: row.received_at }));
  }

  async addWitnessRefusal(refusal: WitnessRefusal): Promise<void> {
    this.#statements.insertRefusal.run(refusal.size, refusal.witness, refusal.status, refusal.message, refusal.at);
  }

  async witnessRefusals(): Promise<WitnessRefusal[]> {
    return this.#statements.refusals.all();
  }

  async close(): Promise<void> {
    await this.#writer?.close();
    this.#writer = undefined;
    if (this.#db.open) this.#db.close();
  }
}

const HASH_BYTES = 32;

/** `count` decimal numbers separated by commas, as group_concat writes them; undefined if the text is anything else. */
function parseLengthList(text: string, count: number): Uint32Array | undefined {
  const lengths = new Uint32Array(count);
  let n = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0x2c;
    if (code >= 0x30 && code <= 0x39 && digits < 10) {
      value = value * 10 + (code - 0x30);
      digits++;
    } else if (code === 0x2c && digits > 0 && n < count && value <= 0xffffffff) {
      lengths[n++] = value;
      value = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  return n === count ? lengths : undefined;
}

/** The main thread's side of sqlite-audit-writer: one batch in flight per message id. */
class AppendWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>();
  #nextId = 0;
  #exited: Promise<void>;

  constructor(path: string, onExit: () => void) {
    this.#worker = startWorker(import.meta.url, 'sqlite-audit-writer', { path });
    this.#worker.unref();
    this.#worker.on('message', (reply: { id: number; error?: { message: string; code: MedVeilErrorCode; hint?: string } }) => {
      const waiting = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (waiting === undefined) return;
      if (reply.error === undefined) waiting.resolve();
      else waiting.reject(new MedVeilError(reply.error.code, reply.error.message, reply.error.hint === undefined ? {} : { hint: reply.error.hint }));
    });
    this.#exited = new Promise((resolve) => {
      const fail = (cause: unknown) => {
        for (const waiting of this.#pending.values()) {
          waiting.reject(new MedVeilError('io', 'the audit store writer stopped; the batch may not be durable', { cause }));
        }
        this.#pending.clear();
      };
      this.#worker.on('error', fail);
      this.#worker.on('exit', (code) => {
        fail(new Error(`writer thread exited with code ${code}`));
        onExit();
        resolve();
      });
    });
  }

  append(batch: PackedAuditBatch): Promise<void> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject });
      this.#worker.ref();
      this.#worker.postMessage({ id, batch }, [batch.leafBytes.buffer, batch.leafLengths.buffer, batch.hashBytes.buffer] as ArrayBuffer[]);
    });
  }

  async close(): Promise<void> {
    this.#worker.ref();
    this.#worker.postMessage({ close: true });
    await this.#exited;
  }
}
