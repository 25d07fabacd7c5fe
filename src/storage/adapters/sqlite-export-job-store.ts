import type Database from 'better-sqlite3';
import { MedVeilError } from '../../errors.js';
import type { ExportJob, ExportJobState, ExportJobStore, ExportPackage } from '../export-job-store.js';
import { openSqliteStore } from './open-sqlite-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS export_jobs (
  id TEXT PRIMARY KEY, request_id TEXT NOT NULL, requester TEXT NOT NULL, state TEXT NOT NULL,
  done INTEGER NOT NULL, total INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  package TEXT, failure TEXT, recipient TEXT NOT NULL DEFAULT 'requester') STRICT;
`;

interface JobRow {
  id: string;
  request_id: string;
  requester: string;
  state: string;
  done: number;
  total: number;
  created_at: number;
  updated_at: number;
  package: string | null;
  failure: string | null;
  recipient: string;
}

/** Export jobs in exports.sqlite in the data folder. */
export class SqliteExportJobStore implements ExportJobStore {
  readonly #db: Database.Database;
  readonly #statements;

  constructor(path: string) {
    const db = openSqliteStore(path, { kind: 'the export job store', schema: SCHEMA, hint: 'check the data folder and its permissions' });
    // Stores made before recipients existed: every job there was for its requester.
    if (!(db.prepare('PRAGMA table_info(export_jobs)').all() as { name: string }[]).some((column) => column.name === 'recipient')) {
      db.exec("ALTER TABLE export_jobs ADD COLUMN recipient TEXT NOT NULL DEFAULT 'requester'");
    }
    db.exec('CREATE INDEX IF NOT EXISTS export_jobs_requester ON export_jobs (requester, created_at); CREATE INDEX IF NOT EXISTS export_jobs_recipient ON export_jobs (recipient, created_at);');
    this.#db = db;
    this.#statements = {
      insert: db.prepare<[string, string, string, string, number, number]>("INSERT INTO export_jobs (id, request_id, requester, recipient, state, done, total, created_at, updated_at) VALUES (?, ?, ?, ?, 'queued', 0, 0, ?, ?)"),
      get: db.prepare<[string], JobRow>('SELECT * FROM export_jobs WHERE id = ?'),
      unfinished: db.prepare<[], JobRow>("SELECT * FROM export_jobs WHERE state IN ('queued', 'running') ORDER BY created_at, id"),
      // rowid orders the jobs made in the same millisecond; the index holds it too.
      list: db.prepare<[string, string, number], JobRow>(
        'SELECT * FROM export_jobs WHERE requester = ? OR recipient IN (SELECT value FROM json_each(?)) ORDER BY created_at DESC, rowid DESC LIMIT ?',
      ),
      progress: db.prepare<[number, number, number, string]>("UPDATE export_jobs SET state = 'running', done = ?, total = ?, updated_at = ? WHERE id = ? AND state IN ('queued', 'running')"),
      finish: db.prepare<[string, number, string]>("UPDATE export_jobs SET state = 'finished', done = total, package = ?, updated_at = ? WHERE id = ? AND state IN ('queued', 'running')"),
      fail: db.prepare<[string, number, string]>("UPDATE export_jobs SET state = 'failed', failure = ?, updated_at = ? WHERE id = ? AND state IN ('queued', 'running')"),
    };
  }

  async create(job: { id: string; requestId: string; requester: string; recipient: string }, at: number): Promise<ExportJob> {
    this.#statements.insert.run(job.id, job.requestId, job.requester, job.recipient, at, at);
    return (await this.get(job.id))!;
  }

  async get(id: string): Promise<ExportJob | undefined> {
    const row = this.#statements.get.get(id);
    return row === undefined ? undefined : jobOf(row);
  }

  async unfinished(): Promise<ExportJob[]> {
    return this.#statements.unfinished.all().map(jobOf);
  }

  async list(viewer: { readonly requester: string; readonly recipients: readonly string[] }, options: { readonly limit: number }): Promise<ExportJob[]> {
    return this.#statements.list.all(viewer.requester, JSON.stringify(viewer.recipients), options.limit).map(jobOf);
  }

  async progress(id: string, done: number, total: number, at: number): Promise<void> {
    this.#statements.progress.run(done, total, at, id);
  }

  async finish(id: string, result: ExportPackage, at: number): Promise<void> {
    if (this.#statements.finish.run(JSON.stringify(result), at, id).changes !== 1) throw new MedVeilError('internal', 'internal error (a MedVeil bug): an export job finished twice or after failing');
  }

  async fail(id: string, failure: string, at: number): Promise<void> {
    this.#statements.fail.run(failure, at, id);
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

function jobOf(row: JobRow): ExportJob {
  return {
    id: row.id,
    requestId: row.request_id,
    requester: row.requester,
    recipient: row.recipient,
    state: row.state as ExportJobState,
    done: row.done,
    total: row.total,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.package === null ? {} : { package: JSON.parse(row.package) as ExportPackage }),
    ...(row.failure === null ? {} : { failure: row.failure }),
  };
}
