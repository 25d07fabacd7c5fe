/**
 * The RetentionStore on SQLite (better-sqlite3), `<dataDir>/retention.sqlite`, opened like every
 * MedVeil store (open-sqlite-store.ts): an item is on disk before the add returns, so the purge
 * job finds it again after a restart. Rows are never deleted; a purged item keeps its time.
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Clock } from '../../audit/clock.js';
import { MedVeilError } from '../../errors.js';
import {
  checkNewRetentionItem,
  DEFAULT_RETENTION_MS,
  RETENTION_KINDS,
  type NewRetentionItem,
  type RetentionItem,
  type RetentionKind,
  type RetentionStore,
} from '../retention-store.js';
import { openSqliteStore } from './open-sqlite-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS retention_items (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, file TEXT, blob_key TEXT, data_key_id TEXT,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, purged_at INTEGER) STRICT;
CREATE INDEX IF NOT EXISTS retention_due ON retention_items (expires_at) WHERE purged_at IS NULL;
`;

interface ItemRow {
  id: string;
  kind: string;
  file: string | null;
  blob_key: string | null;
  data_key_id: string | null;
  created_at: number;
  expires_at: number;
  purged_at: number | null;
}

export interface SqliteRetentionStoreOptions {
  /** The data folder that every item's file must lie in. */
  readonly dataDir: string;
  readonly clock: Clock;
  /** How long an item lives when its expiry is not given; default 72 hours. */
  readonly defaultLifetimeMs?: number;
  readonly random?: (size: number) => Uint8Array;
}

export class SqliteRetentionStore implements RetentionStore {
  readonly #db: Database.Database;
  readonly #options: SqliteRetentionStoreOptions;
  readonly #statements;

  constructor(path: string, options: SqliteRetentionStoreOptions) {
    const lifetime = options.defaultLifetimeMs ?? DEFAULT_RETENTION_MS;
    if (!Number.isSafeInteger(lifetime) || lifetime < 1) throw new MedVeilError('internal', 'a default retention lifetime is a positive whole number of milliseconds');
    const db = openSqliteStore(path, { kind: 'the retention store', schema: SCHEMA, hint: 'check the data folder and its permissions' });
    this.#db = db;
    this.#options = options;
    this.#statements = {
      insert: db.prepare<[string, string, string | null, string | null, string | null, number, number]>(
        'INSERT INTO retention_items (id, kind, file, blob_key, data_key_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      get: db.prepare<[string], ItemRow>('SELECT * FROM retention_items WHERE id = ?'),
      due: db.prepare<[number], ItemRow>('SELECT * FROM retention_items WHERE purged_at IS NULL AND expires_at <= ? ORDER BY expires_at, id'),
      markPurged: db.prepare<[number, string]>('UPDATE retention_items SET purged_at = ? WHERE id = ? AND purged_at IS NULL'),
    };
  }

  /** Opens (creating if need be) `path`. */
  static open(path: string, options: SqliteRetentionStoreOptions): SqliteRetentionStore {
    return new SqliteRetentionStore(path, options);
  }

  async add(item: NewRetentionItem): Promise<RetentionItem> {
    const file = checkNewRetentionItem(this.#options.dataDir, item);
    const createdAt = this.#options.clock.now();
    const expiresAt = item.expiresAt ?? createdAt + (this.#options.defaultLifetimeMs ?? DEFAULT_RETENTION_MS);
    const id = Buffer.from((this.#options.random ?? randomBytes)(16)).toString('hex');
    this.#statements.insert.run(id, item.kind, file ?? null, item.blob?.key ?? null, item.blob?.dataKeyId ?? null, createdAt, expiresAt);
    return itemOf(this.#statements.get.get(id)!);
  }

  async get(id: string): Promise<RetentionItem | undefined> {
    const row = this.#statements.get.get(id);
    return row === undefined ? undefined : itemOf(row);
  }

  async due(now: number): Promise<RetentionItem[]> {
    return this.#statements.due.all(now).map(itemOf);
  }

  async markPurged(ids: readonly string[], at: number): Promise<void> {
    const mark = this.#db.transaction(() => {
      for (const id of ids) this.#statements.markPurged.run(at, id);
    });
    mark.immediate();
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

function itemOf(row: ItemRow): RetentionItem {
  if (!(RETENTION_KINDS as readonly string[]).includes(row.kind)) throw new MedVeilError('storage', `retention item ${row.id} has an unknown kind`);
  return {
    id: row.id,
    kind: row.kind as RetentionKind,
    ...(row.file === null ? {} : { file: row.file }),
    ...(row.blob_key === null || row.data_key_id === null ? {} : { blob: { key: row.blob_key, dataKeyId: row.data_key_id } }),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.purged_at === null ? {} : { purgedAt: row.purged_at }),
  };
}
