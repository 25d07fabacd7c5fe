/**
 * The default RequestStore: one SQLite file (better-sqlite3, opened as every store is,
 * open-sqlite-store.ts). A request is one row: its record as JSON (read and written whole),
 * with the columns a lookup needs beside it. Times are integer milliseconds, so a grant's
 * `validUntil` is exact across a restart.
 *
 * `change` holds `BEGIN IMMEDIATE` while its step runs, so the read, the step's audit append and
 * the write are one unit for every process that opens the file; within this process, changes
 * wait for each other on a queue, because one connection cannot hold two transactions.
 */
import type Database from 'better-sqlite3';
import type { Grant } from '../../access/grant.js';
import type { AccessRequestRecord } from '../../access/requests/access-request.js';
import { MedVeilError } from '../../errors.js';
import type { RequestChange, RequestStore } from '../request-store.js';
import { openSqliteStore } from './open-sqlite-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS access_requests (
  id TEXT PRIMARY KEY,
  requester TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  grant_subject TEXT,
  record TEXT NOT NULL) STRICT;
CREATE INDEX IF NOT EXISTS access_requests_grant_subject ON access_requests (grant_subject) WHERE grant_subject IS NOT NULL;
`;

const STATUSES = new Set(['pending', 'granted', 'rejected', 'revoked']);

function recordOf(text: string): AccessRequestRecord {
  const value = JSON.parse(text) as AccessRequestRecord;
  if (typeof value !== 'object' || value === null || typeof value.id !== 'string' || !STATUSES.has(value.status) || !Array.isArray(value.approvals) || typeof value.content !== 'object') {
    throw new MedVeilError('storage', 'the request store holds a malformed request', { hint: 'restore the request database from a backup' });
  }
  return value;
}

export class SqliteRequestStore implements RequestStore {
  readonly #db: Database.Database;
  readonly #statements;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    const db = openSqliteStore(path, { kind: 'the request store', schema: SCHEMA, hint: 'check the path of the request database and the permissions of its folder' });
    this.#db = db;
    this.#statements = {
      get: db.prepare<[string], { record: string }>('SELECT record FROM access_requests WHERE id = ?'),
      list: db.prepare<[], { record: string }>('SELECT record FROM access_requests ORDER BY created_at DESC, id DESC'),
      grants: db.prepare<[string], { record: string }>('SELECT record FROM access_requests WHERE grant_subject = ? ORDER BY created_at, id'),
      put: db.prepare<[string, string, string, number, string | null, string]>(
        `INSERT INTO access_requests (id, requester, status, created_at, grant_subject, record) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, grant_subject = excluded.grant_subject, record = excluded.record`,
      ),
    };
  }

  async get(id: string): Promise<AccessRequestRecord | undefined> {
    const row = this.#statements.get.get(id);
    return row === undefined ? undefined : recordOf(row.record);
  }

  async list(): Promise<AccessRequestRecord[]> {
    return this.#statements.list.all().map((row) => recordOf(row.record));
  }

  async grantsOf(userName: string): Promise<Grant[]> {
    return this.#statements.grants.all(userName).flatMap((row) => {
      const grant = recordOf(row.record).grant;
      return grant === undefined ? [] : [grant];
    });
  }

  change<T>(id: string, step: (current: AccessRequestRecord | undefined) => Promise<RequestChange<T>>): Promise<T> {
    const run = this.#queue.then(() => this.#changeNow(id, step));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #changeNow<T>(id: string, step: (current: AccessRequestRecord | undefined) => Promise<RequestChange<T>>): Promise<T> {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const row = this.#statements.get.get(id);
      const outcome = await step(row === undefined ? undefined : recordOf(row.record));
      const next = outcome.next;
      if (next !== undefined) {
        if (next.id !== id) throw new MedVeilError('internal', 'internal error (a MedVeil bug): a request change stored a record under another id');
        const subject = next.grant === undefined ? null : next.grant.subjectUserId;
        this.#statements.put.run(next.id, next.content.requester, next.status, next.createdAt, subject, JSON.stringify(next));
      }
      this.#db.exec('COMMIT');
      return outcome.result;
    } catch (error) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#queue;
    this.#db.close();
  }
}
