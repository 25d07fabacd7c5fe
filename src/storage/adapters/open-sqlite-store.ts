/**
 * Opens one of MedVeil's SQLite databases the way every store needs it: created owner-only
 * (they hold names, IDs, wrapped keys or password hashes), WAL with `synchronous = FULL` so a
 * write has reached the disk when it returns (https://sqlite.org/pragma.html#pragma_synchronous),
 * a busy timeout for a second process, then the store's schema. A file that cannot be opened,
 * or that is not this kind of store, is a MedVeilError('storage') naming it.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync } from 'node:fs';
import { MedVeilError } from '../../errors.js';

export interface OpenSqliteStoreOptions {
  /** What the file is, for messages: "the account store", "the index". */
  readonly kind: string;
  /** `CREATE ... IF NOT EXISTS` statements. */
  readonly schema: string;
  /** Pragmas beyond the common ones, e.g. `foreign_keys = ON`, `secure_delete = ON`. */
  readonly pragmas?: readonly string[];
  /** What to check when the file cannot be opened. */
  readonly hint: string;
}

export function openSqliteStore(path: string, options: OpenSqliteStoreOptions): Database.Database {
  const created = path !== ':memory:' && !existsSync(path);
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (cause) {
    throw new MedVeilError('storage', `cannot open ${options.kind} ${path}`, { cause, hint: options.hint });
  }
  try {
    if (created && process.platform !== 'win32') chmodSync(path, 0o600);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    for (const pragma of options.pragmas ?? []) db.pragma(pragma);
    db.pragma('busy_timeout = 5000');
    db.exec(options.schema);
  } catch (cause) {
    db.close();
    throw new MedVeilError('storage', `${path} is not ${options.kind.replace(/^the /, 'a MedVeil ')}`, { cause, hint: options.hint });
  }
  return db;
}
