/**
 * The HTTP app with the DICOMweb routes and the break-glass routes over the gateway's stores
 * in a temporary folder, a local SMTP sink and a local webhook receiver: for the break-glass
 * tests only. The app is testing-dicomweb-app.ts's, with the break-glass source in its DICOMweb
 * deps and the break-glass routes added, as serve.ts wires them (server/break-glass-services.ts).
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/access/role.js';
import type { AuditEventInput } from '../../src/audit/event/audit-event.js';
import { breakGlassServices, type BreakGlassServices } from '../../src/server/break-glass-services.js';
import { parseServerConfig } from '../../src/server/config.js';
import { registerBreakGlassRoutes } from '../../src/server/routes/break-glass-routes.js';
import { SqliteBreakGlassStore } from '../../src/storage/adapters/sqlite-break-glass-store.js';
import { openTestGateway, type TestGateway } from './retrieve-instance-test-gateway.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { testAccounts, type TestAccounts } from './testing-account-deps.js';
import { buildTestHttpApp, recordingAudit, signInMember } from './testing-dicomweb-app.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

export const BREAK_GLASS_TEST_PASSWORD = 'quietly drawn ferns on the stair';
/** The webhook secret of the test app (64 hex digits, as `openssl rand -hex 32` gives). */
export const TEST_WEBHOOK_SECRET = 'c2f1e0d9b8a7968574635241302f1e0dc2f1e0d9b8a7968574635241302f1e0d';

export interface TestBreakGlassApp {
  readonly app: FastifyInstance;
  readonly gateway: TestGateway;
  readonly accounts: TestAccounts;
  readonly store: SqliteBreakGlassStore;
  readonly services: BreakGlassServices;
  readonly smtp: SmtpSink;
  readonly webhook: WebhookReceiver;
  /** Every event the app and the job appended, checked by validateAuditEvent, in order. */
  readonly events: AuditEventInput[];
  /** Errors the job reported. */
  readonly jobErrors: unknown[];
  /** Adds a person and signs them in (with a second factor when `totp`); the bearer header and the TOTP secret. */
  signedIn(name: string, roles: Role[], options?: { departments?: string[]; directorOf?: string[]; totp?: boolean }): Promise<{ authorization: string; totpSecret?: string }>;
  /** The config text of the break-glass and notification sections this app runs with. */
  readonly configText: string;
  close(): Promise<void>;
}

export async function testBreakGlassApp(folder: string, options: { maxSessionsPerUser?: number } = {}): Promise<TestBreakGlassApp> {
  const gateway = await openTestGateway(folder);
  const accounts = await testAccounts();
  const smtp = await startSmtpSink();
  const webhook = await startWebhookReceiver();
  const { audit, events } = recordingAudit(() => accounts.now());
  const jobErrors: unknown[] = [];
  const configText = `breakGlass:
  maxSessionsPerUser: ${options.maxSessionsPerUser ?? 3}
  rateWindowHours: 24
  reviewWithinHours: 24
notifications:
  webhookUrl: ${webhook.url}
  webhookSecretEnv: TEST_BREAK_GLASS_WEBHOOK_SECRET
  smtp:
    host: 127.0.0.1
    port: ${smtp.port}
    from: medveil@hospital.test
    startTls: false
  emailRecipients:
    - { user: dso, address: dso@hospital.test }
    - { user: director-radiology, address: director.radiology@hospital.test }
    - { user: director-cardiology, address: director.cardiology@hospital.test }
  maxAttempts: 3
  retrySeconds: 60
`;
  const config = parseServerConfig(configText, { source: 'break-glass test config', baseDir: folder });
  const store = SqliteBreakGlassStore.open(join(folder, 'break-glass.sqlite'));
  const { deps } = accounts;
  const services = breakGlassServices({
    breakGlass: config.breakGlass,
    notifications: config.notifications,
    store,
    accounts: accounts.accounts,
    index: gateway.index,
    audit,
    clock: deps.clock,
    secrets: deps.secrets,
    env: { TEST_BREAK_GLASS_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET },
    onJobError: (error) => jobErrors.push(error),
    smtpExtras: { timeoutMs: 5000 },
  });
  const app = buildTestHttpApp(gateway, accounts, audit, { breakGlass: services.source });
  const { audit: _ownAppender, ...routeDeps } = services.deps;
  registerBreakGlassRoutes(app, routeDeps);

  return {
    app,
    gateway,
    accounts,
    store,
    services,
    smtp,
    webhook,
    events,
    jobErrors,
    configText,
    signedIn: (name, roles, options = {}) => signInMember(app, accounts, BREAK_GLASS_TEST_PASSWORD, name, roles, options),
    async close() {
      await services.jobs.stop();
      await app.close();
      await smtp.close();
      await webhook.close();
      await store.close();
      await gateway.close();
      await accounts.accounts.close();
    },
  };
}
