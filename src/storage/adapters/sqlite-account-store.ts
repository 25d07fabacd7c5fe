/**
 * The default AccountStore: one SQLite file (better-sqlite3), WAL journal, synchronous=FULL
 * (https://sqlite.org/pragma.html#pragma_synchronous), created mode 0600. Lists (roles,
 * departments, scopes) are JSON arrays in TEXT columns: they are read whole with their user,
 * never queried by element. The atomic methods of the interface are single statements or
 * immediate transactions, which SQLite serialises across connections and processes.
 *
 * FIRST_ACCOUNT_SCHEMA is the first released form and is never edited; later changes are MIGRATIONS, applied
 * in order on open and counted in `PRAGMA user_version`, so a database made by an older release
 * is brought forward and keeps its accounts.
 */
import type Database from 'better-sqlite3';
import { openSqliteStore } from './open-sqlite-store.js';
import { MedVeilError } from '../../errors.js';
import { parseRole } from '../../access/role.js';
import type { ApiTokenScope } from '../../access/identity/api-token.js';
import type { BootstrapCodeRecord } from '../../access/identity/bootstrap-code.js';
import type { LockoutState } from '../../access/identity/lockout.js';
import type {
  AccountStore,
  CareRelationship,
  Department,
  OidcIdentity,
  OidcLoginState,
  OidcMfaTicket,
  SealedSecret,
  StoredApiToken,
  UserChange,
  UserRecord,
} from '../account-store.js';

export const FIRST_ACCOUNT_SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY,
  display_name TEXT,
  password_hash TEXT NOT NULL,
  roles TEXT NOT NULL,
  departments TEXT NOT NULL,
  director_of TEXT NOT NULL,
  totp_wrapped_key BLOB, totp_sealed BLOB, totp_last_step INTEGER,
  pending_totp_wrapped_key BLOB, pending_totp_sealed BLOB, pending_totp_expires_at INTEGER,
  lockout_failures INTEGER NOT NULL DEFAULT 0, lockout_last_failure_at INTEGER, lockout_until INTEGER,
  disabled INTEGER NOT NULL DEFAULT 0,
  deleted_at INTEGER,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS departments (id TEXT PRIMARY KEY, name TEXT, created_at INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS care_relationships (
  user_name TEXT NOT NULL REFERENCES users (name), patient_ref TEXT NOT NULL,
  created_at INTEGER NOT NULL, created_by TEXT NOT NULL,
  PRIMARY KEY (user_name, patient_ref)) STRICT;
CREATE TABLE IF NOT EXISTS api_tokens (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, digest TEXT NOT NULL UNIQUE, scopes TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER, created_by TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS revoked_sessions (token_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS bootstrap_code (
  slot INTEGER PRIMARY KEY CHECK (slot = 1), digest TEXT NOT NULL, expires_at INTEGER NOT NULL,
  used_at INTEGER, failures INTEGER NOT NULL) STRICT;
`;

/** Migration n takes a database from user_version n to n + 1. */
const MIGRATIONS: readonly string[] = [
  // OIDC sign-in (docs/accounts.md): the linked provider identity, unique among live accounts
  // so that a deleted account frees it; sign-ins waiting for the provider; MFA tickets.
  `ALTER TABLE users ADD COLUMN oidc_issuer TEXT;
   ALTER TABLE users ADD COLUMN oidc_subject TEXT;
   CREATE UNIQUE INDEX users_oidc_identity ON users (oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL AND deleted_at IS NULL;
   CREATE TABLE oidc_login_states (
     state_digest TEXT PRIMARY KEY, browser_digest TEXT NOT NULL, nonce TEXT NOT NULL, code_verifier TEXT NOT NULL,
     expires_at INTEGER NOT NULL) STRICT;
   CREATE TABLE oidc_mfa_tickets (
     digest TEXT PRIMARY KEY, user_name TEXT NOT NULL REFERENCES users (name), provider_methods TEXT NOT NULL,
     expires_at INTEGER NOT NULL) STRICT;`,
  // Password changes (docs/accounts.md): a reset password must be changed at the next sign-in,
  // and a change voids the account's older sessions. API tokens act for an owning account.
  `ALTER TABLE users ADD COLUMN password_change_required INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE users ADD COLUMN sessions_not_before INTEGER;
   ALTER TABLE api_tokens ADD COLUMN owner TEXT REFERENCES users (name);`,
];

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new MedVeilError('storage', `the account store was written by a newer MedVeil (schema ${version}, this release knows ${MIGRATIONS.length})`, {
        hint: 'run the newer release, or restore the account database from a backup made by this one',
      });
    }
    for (const migration of MIGRATIONS.slice(version)) db.exec(migration);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

interface UserRow {
  name: string;
  display_name: string | null;
  password_hash: string;
  roles: string;
  departments: string;
  director_of: string;
  totp_wrapped_key: Buffer | null;
  totp_sealed: Buffer | null;
  totp_last_step: number | null;
  pending_totp_wrapped_key: Buffer | null;
  pending_totp_sealed: Buffer | null;
  pending_totp_expires_at: number | null;
  lockout_failures: number;
  lockout_last_failure_at: number | null;
  lockout_until: number | null;
  disabled: number;
  deleted_at: number | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  password_change_required: number;
  sessions_not_before: number | null;
  created_at: number;
  created_by: string;
  updated_at: number;
}

interface LoginStateRow {
  state_digest: string;
  browser_digest: string;
  nonce: string;
  code_verifier: string;
  expires_at: number;
}

interface MfaTicketRow {
  digest: string;
  user_name: string;
  provider_methods: string;
  expires_at: number;
}

interface TokenRow {
  id: string;
  name: string;
  digest: string;
  scopes: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  created_by: string;
  owner: string | null;
}

interface CodeRow {
  digest: string;
  expires_at: number;
  used_at: number | null;
  failures: number;
}

const undef = <T>(value: T | null): T | undefined => (value === null ? undefined : value);
const nullable = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

function stringList(text: string, column: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new MedVeilError('storage', `the account store holds a malformed ${column} list`, { hint: 'restore the account database from a backup' });
  }
  return value;
}

function sealedOf(wrappedKey: Buffer | null, sealed: Buffer | null): SealedSecret | undefined {
  return wrappedKey === null || sealed === null ? undefined : { wrappedKey: new Uint8Array(wrappedKey), sealed: new Uint8Array(sealed) };
}

function userOf(row: UserRow): UserRecord {
  const totpSecret = sealedOf(row.totp_wrapped_key, row.totp_sealed);
  const pendingSecret = sealedOf(row.pending_totp_wrapped_key, row.pending_totp_sealed);
  return {
    name: row.name,
    displayName: undef(row.display_name),
    passwordHash: row.password_hash,
    // parseRole refuses a role name this release does not know, rather than dropping it.
    roles: stringList(row.roles, 'roles').map(parseRole),
    departments: stringList(row.departments, 'departments'),
    directorOf: stringList(row.director_of, 'director_of'),
    totp: totpSecret === undefined ? undefined : { secret: totpSecret, lastAcceptedStep: undef(row.totp_last_step) },
    pendingTotp: pendingSecret === undefined || row.pending_totp_expires_at === null ? undefined : { secret: pendingSecret, expiresAt: row.pending_totp_expires_at },
    lockout: { failures: row.lockout_failures, lastFailureAt: undef(row.lockout_last_failure_at), lockedUntil: undef(row.lockout_until) },
    disabled: row.disabled !== 0,
    deletedAt: undef(row.deleted_at),
    ...(row.oidc_issuer === null || row.oidc_subject === null ? {} : { oidc: { issuer: row.oidc_issuer, subject: row.oidc_subject } }),
    ...(row.password_change_required === 0 ? {} : { passwordChangeRequired: true }),
    ...(row.sessions_not_before === null ? {} : { sessionsNotBefore: row.sessions_not_before }),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
  };
}

function tokenOf(row: TokenRow): StoredApiToken {
  return {
    id: row.id,
    name: row.name,
    digest: row.digest,
    scopes: stringList(row.scopes, 'scopes') as ApiTokenScope[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
    createdBy: row.created_by,
    ...(row.owner === null ? {} : { owner: row.owner }),
  };
}

function codeOf(row: CodeRow): BootstrapCodeRecord {
  return { digest: row.digest, expiresAt: row.expires_at, failures: row.failures, ...(row.used_at === null ? {} : { usedAt: row.used_at }) };
}

/** Column values for the fields of a UserChange that are present. */
function changeColumns(change: UserChange): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  if ('displayName' in change) columns.display_name = nullable(change.displayName);
  if (change.passwordHash !== undefined) columns.password_hash = change.passwordHash;
  if (change.roles !== undefined) columns.roles = JSON.stringify(change.roles);
  if (change.departments !== undefined) columns.departments = JSON.stringify(change.departments);
  if (change.directorOf !== undefined) columns.director_of = JSON.stringify(change.directorOf);
  if ('totp' in change) {
    columns.totp_wrapped_key = change.totp === undefined ? null : Buffer.from(change.totp.secret.wrappedKey);
    columns.totp_sealed = change.totp === undefined ? null : Buffer.from(change.totp.secret.sealed);
    columns.totp_last_step = nullable(change.totp?.lastAcceptedStep);
  }
  if ('pendingTotp' in change) {
    columns.pending_totp_wrapped_key = change.pendingTotp === undefined ? null : Buffer.from(change.pendingTotp.secret.wrappedKey);
    columns.pending_totp_sealed = change.pendingTotp === undefined ? null : Buffer.from(change.pendingTotp.secret.sealed);
    columns.pending_totp_expires_at = nullable(change.pendingTotp?.expiresAt);
  }
  if (change.disabled !== undefined) columns.disabled = change.disabled ? 1 : 0;
  if ('deletedAt' in change) columns.deleted_at = nullable(change.deletedAt);
  if (change.passwordChangeRequired !== undefined) columns.password_change_required = change.passwordChangeRequired ? 1 : 0;
  if ('sessionsNotBefore' in change) columns.sessions_not_before = nullable(change.sessionsNotBefore);
  return columns;
}

export class SqliteAccountStore implements AccountStore {
  readonly #db: Database.Database;
  readonly #statements;

  constructor(path: string) {
    const db = openSqliteStore(path, { kind: 'the account store', schema: FIRST_ACCOUNT_SCHEMA, pragmas: ['foreign_keys = ON'], hint: 'check the dataDir of the config and the permissions of its folder' });
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
    this.#statements = {
      userCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users'),
      findUser: db.prepare<[string], UserRow>('SELECT * FROM users WHERE name = ?'),
      listUsers: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY name'),
      insertUser: db.prepare(
        `INSERT OR IGNORE INTO users (name, display_name, password_hash, roles, departments, director_of,
           totp_wrapped_key, totp_sealed, totp_last_step, lockout_failures, lockout_last_failure_at, lockout_until,
           disabled, deleted_at, oidc_issuer, oidc_subject, password_change_required, sessions_not_before, created_at, created_by, updated_at)
         VALUES (@name, @display_name, @password_hash, @roles, @departments, @director_of,
           @totp_wrapped_key, @totp_sealed, @totp_last_step, @lockout_failures, @lockout_last_failure_at, @lockout_until,
           @disabled, @deleted_at, @oidc_issuer, @oidc_subject, @password_change_required, @sessions_not_before, @created_at, @created_by, @updated_at)`,
      ),
      setLockout: db.prepare<[number, number | null, number | null, string]>(
        'UPDATE users SET lockout_failures = ?, lockout_last_failure_at = ?, lockout_until = ? WHERE name = ?',
      ),
      acceptTotpStep: db.prepare<[number, string, number]>(
        'UPDATE users SET totp_last_step = ? WHERE name = ? AND totp_sealed IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ?)',
      ),
      userByOidc: db.prepare<[string, string], UserRow>('SELECT * FROM users WHERE oidc_issuer = ? AND oidc_subject = ? AND deleted_at IS NULL'),
      setOidc: db.prepare<[string | null, string | null, number, string]>(
        'UPDATE users SET oidc_issuer = ?, oidc_subject = ?, updated_at = ? WHERE name = ? AND deleted_at IS NULL',
      ),
      dropExpiredLoginStates: db.prepare<[number]>('DELETE FROM oidc_login_states WHERE expires_at <= ?'),
      insertLoginState: db.prepare<[string, string, string, string, number]>(
        'INSERT INTO oidc_login_states (state_digest, browser_digest, nonce, code_verifier, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      takeLoginState: db.prepare<[string, number], LoginStateRow>('DELETE FROM oidc_login_states WHERE state_digest = ? AND expires_at > ? RETURNING *'),
      dropExpiredMfaTickets: db.prepare<[number]>('DELETE FROM oidc_mfa_tickets WHERE expires_at <= ?'),
      insertMfaTicket: db.prepare<[string, string, string, number]>(
        'INSERT INTO oidc_mfa_tickets (digest, user_name, provider_methods, expires_at) VALUES (?, ?, ?, ?)',
      ),
      takeMfaTicket: db.prepare<[string, number], MfaTicketRow>('DELETE FROM oidc_mfa_tickets WHERE digest = ? AND expires_at > ? RETURNING *'),
      listDepartments: db.prepare<[], { id: string; name: string | null; created_at: number }>('SELECT id, name, created_at FROM departments ORDER BY id'),
      insertDepartment: db.prepare<[string, string | null, number]>('INSERT OR IGNORE INTO departments (id, name, created_at) VALUES (?, ?, ?)'),
      care: db.prepare<[string], { user_name: string; patient_ref: string; created_at: number; created_by: string }>(
        'SELECT user_name, patient_ref, created_at, created_by FROM care_relationships WHERE user_name = ? ORDER BY patient_ref',
      ),
      // Only the one column, each row as its value: about eight times as fast as whole rows for a user with many patients.
      carePatientRefs: db.prepare<[string], string>('SELECT patient_ref FROM care_relationships WHERE user_name = ? ORDER BY patient_ref').pluck(),
      insertCare: db.prepare<[string, string, number, string]>(
        'INSERT OR IGNORE INTO care_relationships (user_name, patient_ref, created_at, created_by) VALUES (?, ?, ?, ?)',
      ),
      deleteCare: db.prepare<[string, string]>('DELETE FROM care_relationships WHERE user_name = ? AND patient_ref = ?'),
      insertToken: db.prepare(
        `INSERT INTO api_tokens (id, name, digest, scopes, created_at, expires_at, revoked_at, created_by, owner)
         VALUES (@id, @name, @digest, @scopes, @created_at, @expires_at, @revoked_at, @created_by, @owner)`,
      ),
      tokenByDigest: db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE digest = ?'),
      tokenById: db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE id = ?'),
      listTokens: db.prepare<[], TokenRow>('SELECT * FROM api_tokens ORDER BY created_at, id'),
      revokeToken: db.prepare<[number, string]>('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      revokeSession: db.prepare<[string, number]>('INSERT OR REPLACE INTO revoked_sessions (token_id, expires_at) VALUES (?, ?)'),
      dropExpiredRevocations: db.prepare<[number]>('DELETE FROM revoked_sessions WHERE expires_at < ?'),
      isRevoked: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM revoked_sessions WHERE token_id = ?'),
      code: db.prepare<[], CodeRow>('SELECT digest, expires_at, used_at, failures FROM bootstrap_code WHERE slot = 1'),
      putCode: db.prepare<[string, number, number | null, number]>(
        'INSERT OR REPLACE INTO bootstrap_code (slot, digest, expires_at, used_at, failures) VALUES (1, ?, ?, ?, ?)',
      ),
      swapCode: db.prepare<[number | null, number, string, number, number, number]>(
        `UPDATE bootstrap_code SET used_at = ?, failures = ?
         WHERE slot = 1 AND digest = ? AND expires_at = ? AND used_at IS NULL AND failures = ? AND ? = 0`,
      ),
    };
  }

  async userCount(): Promise<number> {
    return this.#statements.userCount.get()!.n;
  }

  async findUser(name: string): Promise<UserRecord | undefined> {
    const row = this.#statements.findUser.get(name);
    return row === undefined ? undefined : userOf(row);
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.#statements.listUsers.all().map(userOf);
  }

  async insertUser(user: UserRecord, options: { onlyIfNoUsers?: boolean } = {}): Promise<boolean> {
    const row = {
      name: user.name,
      display_name: nullable(user.displayName),
      password_hash: user.passwordHash,
      roles: JSON.stringify(user.roles),
      departments: JSON.stringify(user.departments),
      director_of: JSON.stringify(user.directorOf),
      totp_wrapped_key: user.totp === undefined ? null : Buffer.from(user.totp.secret.wrappedKey),
      totp_sealed: user.totp === undefined ? null : Buffer.from(user.totp.secret.sealed),
      totp_last_step: nullable(user.totp?.lastAcceptedStep),
      lockout_failures: user.lockout.failures,
      lockout_last_failure_at: nullable(user.lockout.lastFailureAt),
      lockout_until: nullable(user.lockout.lockedUntil),
      disabled: user.disabled ? 1 : 0,
      deleted_at: nullable(user.deletedAt),
      oidc_issuer: nullable(user.oidc?.issuer),
      oidc_subject: nullable(user.oidc?.subject),
      password_change_required: user.passwordChangeRequired === true ? 1 : 0,
      sessions_not_before: nullable(user.sessionsNotBefore),
      created_at: user.createdAt,
      created_by: user.createdBy,
      updated_at: user.updatedAt,
    };
    const insert = this.#db.transaction(() => {
      if (options.onlyIfNoUsers === true && this.#statements.userCount.get()!.n > 0) return false;
      return this.#statements.insertUser.run(row).changes === 1;
    });
    return insert.immediate();
  }

  async updateUser(name: string, change: UserChange, now: number): Promise<boolean> {
    const columns = { ...changeColumns(change), updated_at: now };
    const names = Object.keys(columns);
    // Column names come from changeColumns above, never from the caller.
    const sql = `UPDATE users SET ${names.map((column) => `${column} = @${column}`).join(', ')} WHERE name = @name__ AND deleted_at IS NULL`;
    return this.#db.prepare(sql).run({ ...columns, name__: name }).changes === 1;
  }

  async updateLockout(
    name: string,
    next: (current: LockoutState) => LockoutState | undefined,
  ): Promise<{ before: LockoutState; after: LockoutState } | undefined> {
    const update = this.#db.transaction(() => {
      const row = this.#statements.findUser.get(name);
      if (row === undefined) return undefined;
      const before = userOf(row).lockout;
      const after = next(before) ?? before;
      if (after !== before) this.#statements.setLockout.run(after.failures, nullable(after.lastFailureAt), nullable(after.lockedUntil), name);
      return { before, after };
    });
    return update.immediate();
  }

  async acceptTotpStep(name: string, step: number): Promise<boolean> {
    return this.#statements.acceptTotpStep.run(step, name, step).changes === 1;
  }

  async findUserByOidcIdentity(identity: OidcIdentity): Promise<UserRecord | undefined> {
    const row = this.#statements.userByOidc.get(identity.issuer, identity.subject);
    return row === undefined ? undefined : userOf(row);
  }

  async setOidcIdentity(name: string, identity: OidcIdentity | undefined, now: number): Promise<'set' | 'taken' | 'unknown-user'> {
    const set = this.#db.transaction((): 'set' | 'taken' | 'unknown-user' => {
      if (identity !== undefined) {
        const holder = this.#statements.userByOidc.get(identity.issuer, identity.subject);
        if (holder !== undefined && holder.name !== name) return 'taken';
      }
      const changes = this.#statements.setOidc.run(nullable(identity?.issuer), nullable(identity?.subject), now, name).changes;
      return changes === 1 ? 'set' : 'unknown-user';
    });
    return set.immediate();
  }

  async insertOidcLoginState(state: OidcLoginState, now: number): Promise<void> {
    this.#db.transaction(() => {
      this.#statements.dropExpiredLoginStates.run(now);
      this.#statements.insertLoginState.run(state.stateDigest, state.browserDigest, state.nonce, state.codeVerifier, state.expiresAt);
    })();
  }

  async takeOidcLoginState(stateDigest: string, now: number): Promise<OidcLoginState | undefined> {
    const row = this.#statements.takeLoginState.get(stateDigest, now);
    if (row === undefined) return undefined;
    return { stateDigest: row.state_digest, browserDigest: row.browser_digest, nonce: row.nonce, codeVerifier: row.code_verifier, expiresAt: row.expires_at };
  }

  async insertOidcMfaTicket(ticket: OidcMfaTicket, now: number): Promise<void> {
    this.#db.transaction(() => {
      this.#statements.dropExpiredMfaTickets.run(now);
      this.#statements.insertMfaTicket.run(ticket.digest, ticket.userName, ticket.providerMethods, ticket.expiresAt);
    })();
  }

  async takeOidcMfaTicket(digest: string, now: number): Promise<OidcMfaTicket | undefined> {
    const row = this.#statements.takeMfaTicket.get(digest, now);
    if (row === undefined) return undefined;
    return { digest: row.digest, userName: row.user_name, providerMethods: row.provider_methods, expiresAt: row.expires_at };
  }

  async listDepartments(): Promise<Department[]> {
    return this.#statements.listDepartments.all().map((row) => ({ id: row.id, name: undef(row.name), createdAt: row.created_at }));
  }

  async insertDepartment(department: Department): Promise<boolean> {
    return this.#statements.insertDepartment.run(department.id, nullable(department.name), department.createdAt).changes === 1;
  }

  async carePatientRefs(userName: string): Promise<string[]> {
    return this.#statements.carePatientRefs.all(userName);
  }

  async careRelationships(userName: string): Promise<CareRelationship[]> {
    return this.#statements.care.all(userName).map((row) => ({
      userName: row.user_name,
      patientRef: row.patient_ref,
      createdAt: row.created_at,
      createdBy: row.created_by,
    }));
  }

  async insertCareRelationship(relationship: CareRelationship): Promise<boolean> {
    const { userName, patientRef, createdAt, createdBy } = relationship;
    return this.#statements.insertCare.run(userName, patientRef, createdAt, createdBy).changes === 1;
  }

  async deleteCareRelationship(userName: string, patientRef: string): Promise<boolean> {
    return this.#statements.deleteCare.run(userName, patientRef).changes === 1;
  }

  async insertApiToken(token: StoredApiToken): Promise<void> {
    this.#statements.insertToken.run({
      id: token.id,
      name: token.name,
      digest: token.digest,
      scopes: JSON.stringify(token.scopes),
      created_at: token.createdAt,
      expires_at: token.expiresAt,
      revoked_at: nullable(token.revokedAt),
      created_by: token.createdBy,
      owner: nullable(token.owner),
    });
  }

  async findApiTokenByDigest(digest: string): Promise<StoredApiToken | undefined> {
    const row = this.#statements.tokenByDigest.get(digest);
    return row === undefined ? undefined : tokenOf(row);
  }

  async findApiToken(id: string): Promise<StoredApiToken | undefined> {
    const row = this.#statements.tokenById.get(id);
    return row === undefined ? undefined : tokenOf(row);
  }

  async listApiTokens(): Promise<StoredApiToken[]> {
    return this.#statements.listTokens.all().map(tokenOf);
  }

  async markApiTokenRevoked(id: string, at: number): Promise<boolean> {
    return this.#statements.revokeToken.run(at, id).changes === 1;
  }

  async revokeSession(tokenId: string, expiresAt: number, now: number): Promise<void> {
    this.#db.transaction(() => {
      this.#statements.dropExpiredRevocations.run(now);
      this.#statements.revokeSession.run(tokenId, expiresAt);
    })();
  }

  async isSessionRevoked(tokenId: string): Promise<boolean> {
    return this.#statements.isRevoked.get(tokenId) !== undefined;
  }

  async bootstrapCode(): Promise<BootstrapCodeRecord | undefined> {
    const row = this.#statements.code.get();
    return row === undefined ? undefined : codeOf(row);
  }

  async replaceBootstrapCode(record: BootstrapCodeRecord): Promise<void> {
    this.#statements.putCode.run(record.digest, record.expiresAt, nullable(record.usedAt), record.failures);
  }

  async swapBootstrapCode(expected: BootstrapCodeRecord, next: BootstrapCodeRecord): Promise<boolean> {
    if (next.digest !== expected.digest || next.expiresAt !== expected.expiresAt) return false;
    const expectedUnused = expected.usedAt === undefined ? 0 : 1;
    return this.#statements.swapCode.run(nullable(next.usedAt), next.failures, expected.digest, expected.expiresAt, expected.failures, expectedUnused).changes === 1;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
