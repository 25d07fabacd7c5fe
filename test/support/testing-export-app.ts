/**
 * The HTTP app of testing-request-app.ts with the export routes as well (issue 6, "Exports"):
 * export jobs in exports.sqlite, a retention store and packages in the gateway's folder, all on
 * the accounts' settable clock, de-identified with the export recipe.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '../../src/audit/log/audit-log.js';
import { formatPublicKeyFile, formatSecretKeyFile, generateLogKeys, parseSecretKeyFile } from '../../src/audit/note/log-keys.js';
import { signNote } from '../../src/audit/note/sign-note.js';
import type { AuditAppender } from '../../src/gateway/audit-actor.js';
import { SqliteAuditStore } from '../../src/storage/adapters/sqlite-audit-store.js';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_REQUEST_POLICY } from '../../src/access/requests/access-request.js';
import type { AuditEventInput } from '../../src/audit/event/audit-event.js';
import { type ExportRecipient, exportRecipientSetups } from '../../src/gateway/export-recipient.js';
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
  readonly jobs: SqliteExportJobStore;
  /** With `ledger`: every event also goes to a real audit log, audit.sqlite in `folder`, whose public key is in log.pub. */
  readonly ledger?: { readonly log: AuditLog; readonly database: string; readonly publicKeyFile: string };
  /** The app's audit appender (into the ledger too, with `ledger`). */
  readonly audit: AuditAppender;
  signedIn(name: string, roles: Role[], options?: { departments?: string[]; directorOf?: string[]; totp?: boolean }): Promise<{ authorization: string; totpSecret?: string }>;
  close(): Promise<void>;
}

/**
 * `recipients` are configured besides `requester`, as exports.recipients would; `exportKey` is
 * the server's export key (random unless given, so that two apps can share one).
 */
export async function testExportApp(folder: string, options: { recipients?: ExportRecipient[]; exportKey?: Uint8Array; ledger?: boolean } = {}): Promise<TestExportApp> {
  const gateway = await openTestGateway(folder);
  const accounts = await testAccounts();
  const clock = { now: () => accounts.now() };
  const requests = new SqliteRequestStore(join(folder, 'requests.sqlite'));
  const jobs = new SqliteExportJobStore(join(folder, 'exports.sqlite'));
  const retention = new SqliteRetentionStore(join(folder, 'retention.sqlite'), { dataDir: gateway.folder, clock });
  const recording = recordingAudit(() => accounts.now());
  const { events } = recording;
  let ledger: TestExportApp['ledger'];
  let audit: AuditAppender = recording.audit;
  if (options.ledger === true) {
    const keys = generateLogKeys('medveil.test/audit', 'intl');
    const publicKeyFile = join(folder, 'log.pub');
    writeFileSync(publicKeyFile, formatPublicKeyFile(keys));
    const signers = parseSecretKeyFile(formatSecretKeyFile(keys));
    const database = join(folder, 'audit.sqlite');
    const log = await AuditLog.open({ store: new SqliteAuditStore(database), origin: 'medveil.test/audit', clock, signer: (body) => signNote(body, signers) });
    ledger = { log, database, publicKeyFile };
    audit = { append: async (event) => (await recording.audit.append(event), log.append(event)) };
  }
  const grants = storedGrants(requests);
  const exportKey = options.exportKey ?? randomBytes(32);
  const recipients = exportRecipientSetups(options.recipients ?? [], exportKey);
  const app = buildTestHttpApp(gateway, accounts, audit, {
    grants,
    requests: { store: requests, policy: DEFAULT_REQUEST_POLICY, exportRecipients: [...recipients.keys()] },
    exports: {
      index: gateway.index, objects: gateway.objects, dataKeys: gateway.dataKeys, retention, retentionItems: retention, audit, clock, suite: gateway.deps.suite,
      dataDir: gateway.folder, jobs, requests, actors: { accounts: accounts.accounts, grants }, recipients, exportKey,
    },
  });
  return {
    app,
    gateway,
    accounts,
    retention,
    events,
    jobs,
    audit,
    ...(ledger === undefined ? {} : { ledger }),
    signedIn: (name, roles, options = {}) => signInMember(app, accounts, REQUEST_TEST_PASSWORD, name, roles, options),
    async close() {
      await app.close();
      await jobs.close();
      await retention.close();
      await ledger?.log.close();
      await requests.close();
      await gateway.close();
      await accounts.accounts.close();
    },
  };
}
