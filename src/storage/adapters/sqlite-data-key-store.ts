/**
 * The default DataKeyStore: one SQLite file (better-sqlite3), WAL journal, synchronous=FULL
 * (https://sqlite.org/pragma.html#pragma_synchronous), so that a key exists on disk before any
 * object sealed under it does.
 *
 * Destroying a key must leave no copy of its wrapped bytes in the database files, or a purge
 * would be undone by anyone holding the file and the master key. So `secure_delete` is on
 * (SQLite overwrites deleted content with zeros, https://sqlite.org/pragma.html#pragma_secure_delete)
 * and every destroy ends with a TRUNCATE checkpoint, which copies the zeroed pages into the
 * database and empties the write-ahead log that still held the old ones. Copies outside these
 * files (backups, file system snapshots) are the operator's to expire.
 */
import type Database from 'better-sqlite3';
import { openSqliteStore } from './open-sqlite-store.js';
import { MedVeilError } from '../../errors.js';
import type { DataKeyRecord, DataKeyStore, StoredDataKey } from '../data-key-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS data_keys (
  id TEXT PRIMARY KEY, scope TEXT NOT NULL UNIQUE, wrapped BLOB NOT NULL, created_at INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS destroyed_data_keys (id TEXT PRIMARY KEY, destroyed_at INTEGER NOT NULL) STRICT;
`;

const MAX_SCOPE_CHARS = 1024;

interface KeyRow {
  id: string;
  scope: string;
  wrapped: Buffer;
  created_at: number;
}

export interface SqliteDataKeyStoreOptions {
  /** Milliseconds since the Unix epoch, for created and destroyed times. */
  now?: () => number;
}

export class SqliteDataKeyStore implements DataKeyStore {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #statements;

  constructor(path: string, options: SqliteDataKeyStoreOptions = {}) {
    const db = openSqliteStore(path, { kind: 'the data key store', schema: SCHEMA, pragmas: ['secure_delete = ON'], hint: 'check the path of the key database and the permissions of its folder' });
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#statements = {
      forScope: db.prepare<[string], KeyRow>('SELECT id, scope, wrapped, created_at FROM data_keys WHERE scope = ?'),
      live: db.prepare<[string], KeyRow>('SELECT id, scope, wrapped, created_at FROM data_keys WHERE id = ?'),
      destroyed: db.prepare<[string], { destroyed_at: number }>('SELECT destroyed_at FROM destroyed_data_keys WHERE id = ?'),
      insert: db.prepare<[string, string, Buffer, number]>(
        'INSERT INTO data_keys (id, scope, wrapped, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (scope) DO NOTHING',
      ),
      replace: db.prepare<[Buffer, string, Buffer]>('UPDATE data_keys SET wrapped = ? WHERE id = ? AND wrapped = ?'),
      liveIds: db.prepare<[], { id: string }>('SELECT id FROM data_keys ORDER BY created_at, id'),
      remove: db.prepare<[string]>('DELETE FROM data_keys WHERE id = ?'),
      tombstone: db.prepare<[string, number]>('INSERT INTO destroyed_data_keys (id, destroyed_at) VALUES (?, ?)'),
    };
  }

  async forScope(scope: string): Promise<StoredDataKey | undefined> {
    const row = this.#statements.forScope.get(scope);
    return row === undefined ? undefined : toKey(row);
  }

  async lookup(id: string): Promise<DataKeyRecord | undefined> {
    const row = this.#statements.live.get(id);
    if (row !== undefined) return { state: 'live', key: toKey(row) };
    const destroyed = this.#statements.destroyed.get(id);
    return destroyed === undefined ? undefined : { state: 'destroyed', id, destroyedAt: destroyed.destroyed_at };
  }

  async addIfAbsent(key: { id: string; scope: string; wrapped: Uint8Array }): Promise<StoredDataKey> {
    if (!/^[0-9a-f]{32}$/.test(key.id)) throw new MedVeilError('internal', 'a data key id is 32 lowercase hex digits');
    if (key.scope.length === 0 || key.scope.length > MAX_SCOPE_CHARS) throw new MedVeilError('internal', `a data key scope has 1 to ${MAX_SCOPE_CHARS} characters`);
    const add = this.#db.transaction(() => {
      if (this.#statements.destroyed.get(key.id) !== undefined || this.#statements.live.get(key.id) !== undefined) {
        throw new MedVeilError('storage', `data key id ${key.id} is already in use or was destroyed; a new key needs a new id`);
      }
      this.#statements.insert.run(key.id, key.scope, Buffer.from(key.wrapped), this.#now());
      return this.#statements.forScope.get(key.scope)!;
    });
    return toKey(add.immediate());
  }

  async replaceWrapped(id: string, change: { expected: Uint8Array; wrapped: Uint8Array }): Promise<boolean> {
    return this.#statements.replace.run(Buffer.from(change.wrapped), id, Buffer.from(change.expected)).changes === 1;
  }

  async liveIds(): Promise<string[]> {
    return this.#statements.liveIds.all().map((row) => row.id);
  }

  async destroy(id: string): Promise<boolean> {
    const destroy = this.#db.transaction(() => {
      if (this.#statements.remove.run(id).changes !== 1) return false;
      this.#statements.tombstone.run(id, this.#now());
      return true;
    });
    const destroyed = destroy.immediate();
    // Also when the key was destroyed before: a repeated destroy finishes an interrupted one.
    if (destroyed || this.#statements.destroyed.get(id) !== undefined) this.#checkpoint(id);
    return destroyed;
  }

  #checkpoint(id: string): void {
    const [result] = this.#db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (result !== undefined && result.busy !== 0) {
      throw new MedVeilError('storage', `data key ${id} is destroyed, but its old bytes remain in the write-ahead log while another connection reads it`, {
        hint: 'destroy it again once the other MedVeil processes using this key database are idle',
      });
    }
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

function toKey(row: KeyRow): StoredDataKey {
  return { id: row.id, scope: row.scope, wrapped: new Uint8Array(row.wrapped), createdAt: row.created_at };
}
