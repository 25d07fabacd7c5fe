/**
 * Account use cases wired to an in-memory account store, a recording audit log and a clock the
 * test sets: for the tests of src/gateway and src/server only, never imported by the gateway.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { freshLockoutState } from '../../src/access/identity/lockout.js';
import { hashPassword, type PasswordHashParameters } from '../../src/access/identity/password-hash.js';
import { sessionKeyId } from '../../src/access/identity/session-token.js';
import { generateTotpSecret, totpCode } from '../../src/access/identity/totp.js';
import type { Role } from '../../src/access/role.js';
import type { AuditEventInput } from '../../src/audit/event/audit-event.js';
import { masterKeyFromBytes } from '../../src/crypto/master-key-file.js';
import { MedVeilError } from '../../src/errors.js';
import { SqliteAccountStore } from '../../src/storage/adapters/sqlite-account-store.js';
import type { UserRecord } from '../../src/storage/account-store.js';
import type { EnrolTotpDeps } from '../../src/gateway/enrol-totp.js';
import { sealTotpSecret } from '../../src/gateway/sealed-totp-secret.js';

/** Cheap argon2id for tests: the cost does not change what is checked. */
export const TEST_PASSWORD_HASHING: PasswordHashParameters = { memoryKiB: 1024, passes: 1, lanes: 1 };

export const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);

export interface TestAccounts {
  deps: EnrolTotpDeps;
  accounts: SqliteAccountStore;
  /** Every event appended, in order. */
  events: AuditEventInput[];
  /** Makes the next appends fail, as a broken audit store would. */
  breakAudit(broken: boolean): void;
  setNow(ms: number): void;
  now(): number;
  publicKey: import('node:crypto').KeyObject;
  /** Stores a user directly; with `totp: true` also an enrolled secret, returned. */
  addUser(name: string, roles: Role[], options?: { password?: string; totp?: boolean; departments?: string[]; directorOf?: string[] }): Promise<{ user: UserRecord; totpSecret?: string }>;
  /** The TOTP code of `secret` at the current test time, or `steps` 30-second steps later. */
  code(secret: string, steps?: number): Promise<string>;
  /** A well-formed code that no step of the current window accepts. */
  wrongCode(secret: string): Promise<string>;
}

export async function testAccounts(): Promise<TestAccounts> {
  const accounts = new SqliteAccountStore(':memory:');
  const events: AuditEventInput[] = [];
  let broken = false;
  let now = T0;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const master = masterKeyFromBytes(new Uint8Array(randomBytes(32)));
  const deps: EnrolTotpDeps = {
    accounts,
    audit: {
      append: async (event) => {
        if (broken) throw new MedVeilError('audit', 'audit append failed; 1 events were not recorded');
        events.push(event);
        return { index: events.length - 1 };
      },
    },
    clock: { now: () => now },
    passwordHashing: TEST_PASSWORD_HASHING,
    sessions: { key: { kid: await sessionKeyId(publicKey), privateKey }, issuer: 'test.medveil/audit', lifetimeMs: 15 * 60_000 },
    secrets: { master, suite: 'intl' },
  };
  return {
    deps,
    accounts,
    events,
    publicKey,
    breakAudit: (value) => void (broken = value),
    setNow: (ms) => void (now = ms),
    now: () => now,
    async addUser(name, roles, options = {}) {
      const totpSecret = options.totp === true ? generateTotpSecret() : undefined;
      const user: UserRecord = {
        name,
        displayName: undefined,
        passwordHash: await hashPassword(options.password ?? 'quietly drawn ferns on the stair', TEST_PASSWORD_HASHING),
        roles,
        departments: options.departments ?? [],
        directorOf: options.directorOf ?? [],
        totp: totpSecret === undefined ? undefined : { secret: sealTotpSecret(totpSecret, name, deps.secrets), lastAcceptedStep: undefined },
        pendingTotp: undefined,
        lockout: { ...freshLockoutState },
        disabled: false,
        deletedAt: undefined,
        createdAt: now,
        createdBy: 'test',
        updatedAt: now,
      };
      await accounts.insertUser(user);
      return totpSecret === undefined ? { user } : { user, totpSecret };
    },
    code: (secret, steps = 0) => totpCode(secret, { now: now + steps * 30_000 }),
    async wrongCode(secret) {
      const window = await Promise.all([-1, 0, 1].map((steps) => totpCode(secret, { now: now + steps * 30_000 })));
      for (let candidate = 0; ; candidate++) {
        const code = String(candidate).padStart(6, '0');
        if (!window.includes(code)) return code;
      }
    },
  };
}
