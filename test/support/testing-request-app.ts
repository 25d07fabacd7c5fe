/**
 * The HTTP app with the DICOMweb and request routes over the gateway's stores in a temporary
 * folder, for the tests of the request flow (issue 6) only: accounts, sessions and a settable
 * clock from testing-account-deps.ts, index and objects from retrieve-instance-test-gateway.ts,
 * a SQLite request store whose grants the decisions read, and an audit appender that checks
 * every event as the real log would and keeps it.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/access/role.js';
import { DEFAULT_REQUEST_POLICY, type RequestPolicy } from '../../src/access/requests/access-request.js';
import type { AuditEventInput } from '../../src/audit/event/audit-event.js';
import { validateAuditEvent } from '../../src/audit/event/validate-audit-event.js';
import { DEFAULT_DICOMWEB_LIMITS } from '../../src/dicomweb/dicomweb-deps.js';
import { MedVeilError } from '../../src/errors.js';
import { storedGrants } from '../../src/gateway/stored-grants.js';
import { buildHttpApp } from '../../src/server/http-app.js';
import { SqliteRequestStore } from '../../src/storage/adapters/sqlite-request-store.js';
import { openTestGateway, type TestGateway } from './retrieve-instance-test-gateway.js';
import { TEST_PASSWORD_HASHING, testAccounts, type TestAccounts } from './testing-account-deps.js';

export const REQUEST_TEST_PASSWORD = 'quietly drawn ferns on the stair';

export interface TestRequestApp {
  readonly app: FastifyInstance;
  readonly gateway: TestGateway;
  readonly accounts: TestAccounts;
  readonly requests: SqliteRequestStore;
  /** Every event the app appended, checked by validateAuditEvent, in order. */
  readonly events: AuditEventInput[];
  breakAudit(broken: boolean): void;
  /** Adds a person and signs them in (with a TOTP code when `totp`); the bearer header and their secret. */
  signedIn(name: string, roles: Role[], options?: { departments?: string[]; directorOf?: string[]; totp?: boolean }): Promise<{ authorization: string; totpSecret?: string }>;
  close(): Promise<void>;
}

export async function testRequestApp(folder: string, policy: RequestPolicy = DEFAULT_REQUEST_POLICY): Promise<TestRequestApp> {
  const gateway = await openTestGateway(folder);
  const accounts = await testAccounts();
  const requests = new SqliteRequestStore(join(folder, 'requests.sqlite'));
  const events: AuditEventInput[] = [];
  let broken = false;
  const { deps } = accounts;
  const app = buildHttpApp({
    accounts: accounts.accounts,
    audit: {
      append: async (event) => {
        if (broken) throw new MedVeilError('audit', 'audit append failed; 1 events were not recorded');
        validateAuditEvent({ ...event, v: 1, time: new Date(accounts.now()).toISOString() });
        events.push(event);
        return { index: events.length - 1 };
      },
    },
    clock: deps.clock,
    sessions: { ...deps.sessions, verificationKeys: { publicKey: (kid) => (kid === deps.sessions.key.kid ? accounts.publicKey : undefined) } },
    secrets: deps.secrets,
    corsOrigins: [],
    passwordHashing: TEST_PASSWORD_HASHING,
    dicomweb: {
      index: gateway.index,
      objects: gateway.objects,
      suite: gateway.deps.suite,
      sensitivityRules: gateway.deps.sensitivityRules,
      patientKey: gateway.deps.patientKey,
      maskedView: gateway.deps.maskedView,
      grants: storedGrants(requests),
      limits: DEFAULT_DICOMWEB_LIMITS,
    },
    requests: { store: requests, policy },
  });
  return {
    app,
    gateway,
    accounts,
    requests,
    events,
    breakAudit: (value) => void (broken = value),
    async signedIn(name, roles, options = {}) {
      const { totpSecret } = await accounts.addUser(name, roles, {
        password: REQUEST_TEST_PASSWORD,
        totp: options.totp === true,
        ...(options.departments === undefined ? {} : { departments: options.departments }),
        ...(options.directorOf === undefined ? {} : { directorOf: options.directorOf }),
      });
      const totp = totpSecret === undefined ? {} : { totp: await accounts.code(totpSecret) };
      const login = await app.inject({ method: 'POST', url: '/api/login', payload: { userName: name, password: REQUEST_TEST_PASSWORD, ...totp } });
      if (login.statusCode !== 200) throw new Error(`setup: ${name} could not sign in: ${login.body}`);
      const authorization = `Bearer ${login.json<{ token: string }>().token}`;
      return totpSecret === undefined ? { authorization } : { authorization, totpSecret };
    },
    async close() {
      await app.close();
      await requests.close();
      await gateway.close();
      await accounts.accounts.close();
    },
  };
}
