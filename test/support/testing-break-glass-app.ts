/**
 * The HTTP app with the DICOMweb routes and the break-glass routes over the gateway's stores
 * in a temporary folder, a local SMTP sink and a local webhook receiver: for the break-glass
 * tests only. Built beside testing-dicomweb-app.ts rather than through it because the
 * break-glass source must reach the DICOMweb deps; serve.ts wires the same parts
 * (server/break-glass-services.ts).
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/access/role.js';
import type { AuditEventInput } from '../../src/audit/event/audit-event.js';
import { validateAuditEvent } from '../../src/audit/event/validate-audit-event.js';
import { DEFAULT_DICOMWEB_LIMITS } from '../../src/dicomweb/dicomweb-deps.js';
import { breakGlassServices, type BreakGlassServices } from '../../src/server/break-glass-services.js';
import { parseServerConfig } from '../../src/server/config.js';
import { buildHttpApp } from '../../src/server/http-app.js';
import { registerBreakGlassRoutes } from '../../src/server/routes/break-glass-routes.js';
import { SqliteBreakGlassStore } from '../../src/storage/adapters/sqlite-break-glass-store.js';
import { openTestGateway, type TestGateway } from './retrieve-instance-test-gateway.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { TEST_PASSWORD_HASHING, testAccounts, type TestAccounts } from './testing-account-deps.js';
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
  const events: AuditEventInput[] = [];
  const jobErrors: unknown[] = [];
  const audit = {
    append: async (event: AuditEventInput) => {
      validateAuditEvent({ ...event, v: 1, time: new Date(accounts.now()).toISOString() });
      events.push(event);
      return { index: events.length - 1 };
    },
  };
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
  const app = buildHttpApp({
    accounts: accounts.accounts,
    audit,
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
      grants: async () => [],
      breakGlass: services.source,
      limits: DEFAULT_DICOMWEB_LIMITS,
    },
  });
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
    async signedIn(name, roles, options = {}) {
      const { totpSecret } = await accounts.addUser(name, roles, {
        password: BREAK_GLASS_TEST_PASSWORD,
        totp: options.totp === true,
        ...(options.departments === undefined ? {} : { departments: options.departments }),
        ...(options.directorOf === undefined ? {} : { directorOf: options.directorOf }),
      });
      const payload = { userName: name, password: BREAK_GLASS_TEST_PASSWORD, ...(totpSecret === undefined ? {} : { totp: await accounts.code(totpSecret) }) };
      const login = await app.inject({ method: 'POST', url: '/api/login', payload });
      if (login.statusCode !== 200) throw new Error(`setup: ${name} could not sign in: ${login.body}`);
      const authorization = `Bearer ${login.json<{ token: string }>().token}`;
      return totpSecret === undefined ? { authorization } : { authorization, totpSecret };
    },
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
