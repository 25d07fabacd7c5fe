/**
 * Break-glass as the server wires it: the use cases' deps, the senders of each channel, the
 * job, and the source the access decision reads sessions from. The lead's serve.ts builds it
 * with `breakGlassServices(...)`, passes `source` to the DICOMweb and DIMSE actor deps, calls
 * `registerBreakGlassRoutes(app, routes)` and `jobs.start(config.breakGlass.jobSeconds * 1000)`.
 */
import type { Clock } from '../audit/clock.js';
import { MedVeilError } from '../errors.js';
import type { SecretSealing } from '../gateway/account-deps.js';
import type { AuditAppender } from '../gateway/audit-actor.js';
import type { BreakGlassDeps } from '../gateway/break-glass-deps.js';
import { breakGlassSource, type BreakGlassSource } from '../gateway/break-glass-source.js';
import type { NotificationSender } from '../notify/deliver-notifications.js';
import { postWebhook } from '../notify/post-webhook.js';
import { sendSmtpMail, type SmtpOptions } from '../notify/smtp-client.js';
import { MIN_WEBHOOK_SECRET_BYTES } from '../notify/webhook-signature.js';
import type { AccountStore } from '../storage/account-store.js';
import type { BreakGlassStore } from '../storage/break-glass-store.js';
import type { IndexStore } from '../storage/index-store.js';
import type { BreakGlassConfig, NotificationsConfig } from './config-break-glass.js';
import { breakGlassJobs, type BreakGlassJobs } from './break-glass-jobs.js';

export interface BreakGlassServicesInput {
  readonly breakGlass: BreakGlassConfig;
  readonly notifications: NotificationsConfig;
  readonly store: BreakGlassStore;
  readonly accounts: Pick<AccountStore, 'listUsers' | 'acceptTotpStep'>;
  readonly index: Pick<IndexStore, 'getStudy' | 'findEach'>;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly secrets: SecretSealing;
  /** Where the webhook secret is read (`notifications.webhookSecretEnv`); process.env in the server. */
  readonly env: NodeJS.ProcessEnv;
  readonly onJobError: (error: unknown) => void;
  /** Test-only SMTP extras (a CA for STARTTLS, a short timeout). */
  readonly smtpExtras?: Pick<SmtpOptions, 'tls' | 'timeoutMs' | 'heloName'>;
}

export interface BreakGlassServices {
  /** What the use cases and routes need; `audit` is replaced by the request's own appender in routes. */
  readonly deps: BreakGlassDeps & { readonly secrets: SecretSealing };
  readonly jobs: BreakGlassJobs;
  readonly source: BreakGlassSource;
}

/** Reads the webhook secret; a configured webhook without a long enough secret stops the server. */
export function webhookSecret(notifications: NotificationsConfig, env: NodeJS.ProcessEnv): string | undefined {
  if (notifications.webhookUrl === undefined) return undefined;
  const secret = env[notifications.webhookSecretEnv];
  if (secret === undefined || Buffer.byteLength(secret) < MIN_WEBHOOK_SECRET_BYTES) {
    throw new MedVeilError('config', `notifications.webhookUrl is set but ${notifications.webhookSecretEnv} does not hold a secret of at least ${MIN_WEBHOOK_SECRET_BYTES} bytes`, {
      hint: `set ${notifications.webhookSecretEnv} (e.g. to the output of \`openssl rand -hex 32\`) and give the receiver the same value`,
    });
  }
  return secret;
}

export function breakGlassServices(input: BreakGlassServicesInput): BreakGlassServices {
  const { notifications } = input;
  const secret = webhookSecret(notifications, input.env);
  let jobs: BreakGlassJobs | undefined;
  const deps: BreakGlassServices['deps'] = {
    store: input.store,
    accounts: input.accounts,
    index: input.index,
    audit: input.audit,
    clock: input.clock,
    secrets: input.secrets,
    policy: {
      maxDurationMs: input.breakGlass.maxMinutes * 60_000,
      maxSessionsPerUser: input.breakGlass.maxSessionsPerUser,
      rateWindowMs: input.breakGlass.rateWindowHours * 3_600_000,
      reviewWithinMs: input.breakGlass.reviewWithinHours * 3_600_000,
    },
    channels: {
      webhookUrl: notifications.webhookUrl,
      email: notifications.smtp !== undefined,
      addresses: new Map(notifications.emailRecipients.map((entry) => [entry.user, entry.address])),
    },
    deliverSoon: () => jobs?.runSoon(),
  };
  const webhook: NotificationSender | undefined =
    notifications.webhookUrl === undefined || secret === undefined ? undefined : (notification, now) => postWebhook({ url: notification.recipient, secret }, notification.body, now);
  const smtp = notifications.smtp;
  const email: NotificationSender | undefined =
    smtp === undefined
      ? undefined
      : (notification, now) => sendSmtpMail({ ...smtp, ...input.smtpExtras }, { to: notification.recipient, subject: notification.subject, text: notification.body }, new Date(now));
  jobs = breakGlassJobs({
    escalation: deps,
    delivery: {
      store: input.store,
      audit: input.audit,
      senders: { ...(webhook === undefined ? {} : { webhook }), ...(email === undefined ? {} : { email }) },
      maxAttempts: notifications.maxAttempts,
      retryMs: notifications.retrySeconds * 1000,
    },
    clock: input.clock,
    onError: input.onJobError,
  });
  return { deps, jobs, source: breakGlassSource(input.store, input.clock) };
}
