/**
 * The HTTP app of testing-request-app.ts with the export routes as well (issue 6, "Exports"):
 * export jobs in exports.sqlite, a retention store and packages in the gateway's folder, all on
 * the accounts' settable clock, de-identified with the export recipe.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_REQUEST_POLICY } from '../../src/access/requests/access-request.js';
import type { AuditEventInput } from '../../src/audit/event/audit-event.js';
import { createPseudonymizer } from '../../src/deid/pseudonym/create-pseudonymizer.js';
import { loadExportRecipe } from '../../src/gateway/export-recipient.js';
import { storedGrants } from '../../src/gateway/stored-grants.js';
import type { Role } from '../../src/access/role.js';
import { SqliteExportJobStore } from '../../src/storage/adapters/sqlite-export-job-store.js';
import { SqliteRequestStore } from '../../src/storage/adapters/sqlite-request-store.js';
import { SqliteRetentionStore } from '../../src/storage/adapters/sqlite-retention-store.js';
import { openTestGateway, type TestGateway } from './retrieve-instance-test-gateway.js';
import { testAccounts, type TestAccounts } from './testing-account-deps.js';
import { buildTestHttpApp, recordingAudit, signInMember } from './testing-dicomweb-app.js';
import { REQUEST_TEST_PASSWORD } from './testing-request-app.js';

export interface TestExportApp {
  readonly app: FastifyInstance;
  readonly gateway: TestGateway;
  readonly accounts: TestAccounts;
  readonly retention: SqliteRetentionStore;
  readonly events: AuditEventInput[];
  signedIn(name: string, roles: Role[], options?: { departments?: string[]; directorOf?: string[]; totp?: boolean }): Promise<{ authorization: string; totpSecret?: string }>;
  close(): Promise<void>;
}

export async function testExportApp(folder: string): Promise<TestExportApp> {
  const gateway = await openTestGateway(folder);
  const accounts = await testAccounts();
  const clock = { now: () => accounts.now() };
  const requests = new SqliteRequestStore(join(folder, 'requests.sqlite'));
  const jobs = new SqliteExportJobStore(join(folder, 'exports.sqlite'));
  const retention = new SqliteRetentionStore(join(folder, 'retention.sqlite'), { dataDir: gateway.folder, clock });
  const { audit, events } = recordingAudit(() => accounts.now());
  const grants = storedGrants(requests);
  const app = buildTestHttpApp(gateway, accounts, audit, {
    grants,
    requests: { store: requests, policy: DEFAULT_REQUEST_POLICY },
    exports: {
      index: gateway.index, objects: gateway.objects, retention, retentionItems: retention, audit, clock, suite: gateway.deps.suite,
      dataDir: gateway.folder, recipe: loadExportRecipe(), pseudonymizer: createPseudonymizer(randomBytes(32)),
      jobs, requests, actors: { accounts: accounts.accounts, grants },
    },
  });
  return {
    app,
    gateway,
    accounts,
    retention,
    events,
    signedIn: (name, roles, options = {}) => signInMember(app, accounts, REQUEST_TEST_PASSWORD, name, roles, options),
    async close() {
      await app.close();
      await jobs.close();
      await retention.close();
      await requests.close();
      await gateway.close();
      await accounts.accounts.close();
    },
  };
}
