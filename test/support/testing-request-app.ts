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
import { storedGrants } from '../../src/gateway/stored-grants.js';
import { SqliteRequestStore } from '../../src/storage/adapters/sqlite-request-store.js';
import { openTestGateway, type TestGateway } from './retrieve-instance-test-gateway.js';
import { testAccounts, type TestAccounts } from './testing-account-deps.js';
import { buildTestHttpApp, recordingAudit, signInMember } from './testing-dicomweb-app.js';

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
  const { audit, events, breakAudit } = recordingAudit(() => accounts.now());
  const app = buildTestHttpApp(gateway, accounts, audit, { grants: storedGrants(requests), requests: { store: requests, policy } });
  return {
    app,
    gateway,
    accounts,
    requests,
    events,
    breakAudit,
    signedIn: (name, roles, options = {}) => signInMember(app, accounts, REQUEST_TEST_PASSWORD, name, roles, options),
    async close() {
      await app.close();
      await requests.close();
      await gateway.close();
      await accounts.accounts.close();
    },
  };
}
