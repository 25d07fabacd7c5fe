/**
 * The AuditEventIndex on SQLite, `<dataDir>/audit-index.sqlite`, a file of its own so that its
 * writes never wait on, or hold up, the audit log's group commit. Derived data: synchronous is
 * NORMAL, since rows lost in a crash are indexed again from the log on the next search.
 */
import type Database from 'better-sqlite3';
import type { AuditEventFilter, AuditEventIndex, IndexedAuditEvent } from '../audit-event-index.js';
import { openSqliteStore } from './open-sqlite-store.js';

// One row per event, one per study or patient an event names. Every search filter has an
// index that leads with its column and ends with idx, so SQLite walks newest first and stops
// after `limit` matches instead of reading the log.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_index_events (
  idx INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, type TEXT NOT NULL, user TEXT NOT NULL) STRICT;
CREATE INDEX IF NOT EXISTS audit_index_by_user ON audit_index_events (user, idx);
CREATE INDEX IF NOT EXISTS audit_index_by_type ON audit_index_events (type, idx);
CREATE INDEX IF NOT EXISTS audit_index_by_time ON audit_index_events (time_ms, idx);
CREATE TABLE IF NOT EXISTS audit_index_objects (
  idx INTEGER NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, value, idx)) STRICT, WITHOUT ROWID;
`;

export class SqliteAuditEventIndex implements AuditEventIndex {
  readonly #db: Database.Database;
  readonly #size: Database.Statement<[], { size: number | null }>;
  readonly #add: (events: readonly IndexedAuditEvent[]) => void;

  constructor(path: string) {
    const db = openSqliteStore(path, {
      kind: 'the audit search index',
      schema: SCHEMA,
      pragmas: ['synchronous = NORMAL', 'cache_size = -16384'],
      hint: 'the audit search index is derived data: delete audit-index.sqlite and it is rebuilt from the audit log',
    });
    this.#db = db;
    this.#size = db.prepare('SELECT max(idx) + 1 AS size FROM audit_index_events');
    const insertEvent = db.prepare<[number, number, string, string]>('INSERT OR IGNORE INTO audit_index_events (idx, time_ms, type, user) VALUES (?, ?, ?, ?)');
    const insertObject = db.prepare<[number, string, string]>('INSERT OR IGNORE INTO audit_index_objects (idx, kind, value) VALUES (?, ?, ?)');
    this.#add = db.transaction((events: readonly IndexedAuditEvent[]) => {
      for (const event of events) {
        insertEvent.run(event.index, event.timeMs, event.type, event.user);
        for (const study of event.studies) insertObject.run(event.index, 'study', study);
        for (const patient of event.patients) insertObject.run(event.index, 'patient', patient);
      }
    });
  }

  async indexedSize(): Promise<number> {
    return this.#size.get()?.size ?? 0;
  }

  async add(events: readonly IndexedAuditEvent[]): Promise<void> {
    this.#add(events);
  }

  async find(filter: AuditEventFilter): Promise<number[]> {
    // A patient or study is rare in a large log: start from its rows, newest first, rather
    // than walk every event and test each.
    const driver = filter.patient !== undefined ? 'patient' : filter.study !== undefined ? 'study' : undefined;
    const where: string[] = [];
    const values: (string | number)[] = [];
    const condition = (sql: string, value: string | number | undefined) => {
      if (value === undefined) return;
      where.push(sql);
      values.push(value);
    };
    if (driver !== undefined) condition(`d.kind = '${driver}' AND d.value = ?`, driver === 'patient' ? filter.patient : filter.study);
    condition('e.idx < ?', filter.before);
    condition('e.user = ?', filter.user);
    condition('e.type = ?', filter.type);
    condition('e.time_ms >= ?', filter.fromMs);
    condition('e.time_ms < ?', filter.toMs);
    if (driver === 'patient') condition("EXISTS (SELECT 1 FROM audit_index_objects o WHERE o.kind = 'study' AND o.value = ? AND o.idx = e.idx)", filter.study);
    const from = driver === undefined ? 'audit_index_events e' : 'audit_index_objects d JOIN audit_index_events e ON e.idx = d.idx';
    const order = driver === undefined ? 'e.idx' : 'd.idx';
    const sql = `SELECT e.idx FROM ${from}${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY ${order} DESC LIMIT ?`;
    return this.#db.prepare<(string | number)[], number>(sql).pluck().all(...values, filter.limit);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
