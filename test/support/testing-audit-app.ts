/**
 * The HTTP app with the audit API over a real audit log (SQLite in memory, checkpoints signed by
 * generated keys, a witness key) and its search index: for the tests of the audit routes only.
 * Every request the app answers is appended to that log, as in `medveil serve`.
 */
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/access/role.js';
import type { AuditEventInput } from '../../src/audit/event/audit-event.js';
import { AuditLog } from '../../src/audit/log/audit-log.js';
import { cosign } from '../../src/audit/note/cosignature.js';
import { generateLogKeys, generateWitnessKeys, type LogKeys } from '../../src/audit/note/log-keys.js';
import { parseNote } from '../../src/audit/note/parse-note.js';
import { signNote } from '../../src/audit/note/sign-note.js';
import { parseSignerKey } from '../../src/audit/note/signer-key.js';
import { buildHttpApp } from '../../src/server/http-app.js';
import { SqliteAuditEventIndex } from '../../src/storage/adapters/sqlite-audit-event-index.js';
import { SqliteAuditStore } from '../../src/storage/adapters/sqlite-audit-store.js';
import { TEST_PASSWORD_HASHING, testAccounts, type TestAccounts } from './testing-account-deps.js';

export const AUDIT_TEST_ORIGIN = 'hospital.example/audit';
const PASSWORD = 'quietly drawn ferns on the stair';

export interface TestAuditApp {
  readonly app: FastifyInstance;
  readonly log: AuditLog;
  readonly accounts: TestAccounts;
  readonly logKeys: LogKeys;
  readonly witnessKeys: LogKeys;
  /** Adds a person and signs them in (with a second factor where the roles need one); the bearer header. */
  signedIn(name: string, roles: Role[]): Promise<string>;
  /** An API token with `scopes`, made through the API by `owner`; the bearer header. */
  apiToken(owner: string, scopes: string[]): Promise<string>;
  /** Appends events straight to the log; their indexes. */
  append(events: readonly AuditEventInput[]): Promise<number[]>;
  /** Signs a checkpoint of the log as it is and stores the witness's cosignature of it. */
  checkpoint(): Promise<number>;
  /** The event at `index`, as the log holds it. */
  eventAt(index: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function testAuditApp(options: { suite?: 'intl' | 'gm' } = {}): Promise<TestAuditApp> {
  const accounts = await testAccounts();
  const logKeys = generateLogKeys(AUDIT_TEST_ORIGIN, options.suite ?? 'intl');
  const witnessKeys = generateWitnessKeys('regulator.example/witness');
  const store = new SqliteAuditStore(':memory:');
  const index = new SqliteAuditEventIndex(':memory:');
  const log = await AuditLog.open({ store, origin: AUDIT_TEST_ORIGIN, clock: accounts.deps.clock, signer: (body) => signNote(body, logKeys.signerKeys.map((k) => parseSignerKey(k))) });
  const { deps } = accounts;
  const app = buildHttpApp({
    accounts: accounts.accounts,
    audit: log,
    clock: deps.clock,
    sessions: { ...deps.sessions, verificationKeys: { publicKey: (kid) => (kid === deps.sessions.key.kid ? accounts.publicKey : undefined) } },
    secrets: deps.secrets,
    corsOrigins: [],
    passwordHashing: TEST_PASSWORD_HASHING,
    auditTrail: { store, index, origin: AUDIT_TEST_ORIGIN, logKeys: logKeys.verifierKeys, witnessKeys: witnessKeys.verifierKeys },
  });
  async function signedIn(name: string, roles: Role[]): Promise<string> {
    const needsMfa = roles.some((role) => role === 'admin' || role === 'dso' || role === 'director');
    const { totpSecret } = await accounts.addUser(name, roles, { password: PASSWORD, totp: needsMfa });
    const payload = { userName: name, password: PASSWORD, ...(totpSecret === undefined ? {} : { totp: await accounts.code(totpSecret) }) };
    const login = await app.inject({ method: 'POST', url: '/api/login', payload });
    if (login.statusCode !== 200) throw new Error(`setup: ${name} could not sign in: ${login.body}`);
    return `Bearer ${login.json<{ token: string }>().token}`;
  }
  return {
    app,
    log,
    accounts,
    logKeys,
    witnessKeys,
    signedIn,
    async apiToken(owner, scopes) {
      const created = await app.inject({
        method: 'POST',
        url: '/api/me/tokens',
        headers: { authorization: owner },
        payload: { name: 'audit reader', scopes, expiresAt: new Date(accounts.now() + 86_400_000).toISOString() },
      });
      if (created.statusCode !== 201) throw new Error(`setup: no API token: ${created.body}`);
      return `Bearer ${created.json<{ token: string }>().token}`;
    },
    append: (events) => Promise.all(events.map(async (event) => (await log.append(event)).index)),
    async checkpoint() {
      const checkpoint = await log.checkpoint();
      const line = cosign(parseNote(checkpoint.note).body, parseSignerKey(witnessKeys.signerKeys[0]!, { now: () => accounts.now() }));
      await log.recordCosignature({ size: checkpoint.size, witness: witnessKeys.name, line });
      return checkpoint.size;
    },
    async eventAt(at) {
      return JSON.parse(new TextDecoder().decode((await log.readEvent(at))!)) as Record<string, unknown>;
    },
    async close() {
      await app.close();
      await log.close();
      await index.close();
      await accounts.accounts.close();
    },
  };
}
