import { existsSync } from 'node:fs';
import { MedVeilError } from '../../errors.js';
import { SqliteAuditStore } from '../../storage/adapters/sqlite-audit-store.js';

/** The audit database `medveil audit` reads when --db is not given, relative to the working directory. */
export const defaultAuditDatabase = 'medveil-audit.sqlite';

/** Opens an existing audit database for reading; never creates one. */
export function openExistingAuditStore(path: string): SqliteAuditStore {
  if (!existsSync(path)) {
    throw new MedVeilError('usage', `no audit database at ${path}`, { hint: 'pass --db <the audit database of the MedVeil server>' });
  }
  return new SqliteAuditStore(path, { mustExist: true });
}
