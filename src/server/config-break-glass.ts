/**
 * The `breakGlass` and `notifications` sections of the server config (docs/break-glass.md).
 *
 * breakGlass:
 * - `maxMinutes`: the longest session a user may ask for; at most 240 (BREAK_GLASS_MAX_MS, which
 *   the access decision enforces whatever is stored).
 * - `maxSessionsPerUser` sessions per `rateWindowHours`: the next start is refused and audited.
 * - `reviewWithinHours`: an unreviewed session escalates this long after it started.
 * - `jobSeconds`: how often the escalation and delivery job runs.
 *
 * notifications:
 * - `webhookUrl`: an http(s) URL that receives a signed JSON POST, or "" for none;
 *   `webhookSecretEnv` names the environment variable holding the HMAC secret (never the file).
 * - `smtp`: `host` ("" for no e-mail), `port`, `from`, `startTls` (true: refuse to send unless
 *   the server offers STARTTLS).
 * - `emailRecipients`: `{ user, address }` for each DSO and director who is to receive e-mail;
 *   who is told is decided by the account store's roles, the address comes from here.
 * - `maxAttempts` and `retrySeconds`: a failed delivery is tried again after retrySeconds,
 *   doubling, until maxAttempts attempts were made.
 */
import { BREAK_GLASS_MAX_MS } from '../access/break-glass.js';
import type { MedVeilError } from '../errors.js';
import type { SmtpSettings } from '../notify/smtp-client.js';

export const BREAK_GLASS_DEFAULT_CONFIG_TEXT = `breakGlass:
  maxMinutes: 240
  maxSessionsPerUser: 3
  rateWindowHours: 24
  reviewWithinHours: 24
  jobSeconds: 60
notifications:
  webhookUrl: ""
  webhookSecretEnv: MEDVEIL_WEBHOOK_SECRET
  smtp:
    host: ""
    port: 25
    from: ""
    startTls: true
  emailRecipients: []
  maxAttempts: 8
  retrySeconds: 30
`;

export interface BreakGlassConfig {
  readonly maxMinutes: number;
  readonly maxSessionsPerUser: number;
  readonly rateWindowHours: number;
  readonly reviewWithinHours: number;
  readonly jobSeconds: number;
}

export interface NotificationsConfig {
  /** Undefined: no webhook. */
  readonly webhookUrl: string | undefined;
  readonly webhookSecretEnv: string;
  /** Undefined: no e-mail. */
  readonly smtp: SmtpSettings | undefined;
  readonly emailRecipients: readonly { readonly user: string; readonly address: string }[];
  readonly maxAttempts: number;
  readonly retrySeconds: number;
}

type Problem = (message: string) => MedVeilError;

/** A plain address (local@domain), without display names or anything SMTP would have to quote. */
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function isEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 254 && ADDRESS.test(value);
}

function whole(value: unknown, key: string, min: number, max: number, problem: Problem): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw problem(`${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function readBreakGlassConfig(section: Record<string, unknown>, problem: Problem): BreakGlassConfig {
  return {
    maxMinutes: whole(section.maxMinutes, 'breakGlass.maxMinutes', 1, BREAK_GLASS_MAX_MS / 60_000, problem),
    maxSessionsPerUser: whole(section.maxSessionsPerUser, 'breakGlass.maxSessionsPerUser', 1, 100, problem),
    rateWindowHours: whole(section.rateWindowHours, 'breakGlass.rateWindowHours', 1, 24 * 30, problem),
    reviewWithinHours: whole(section.reviewWithinHours, 'breakGlass.reviewWithinHours', 1, 24 * 30, problem),
    jobSeconds: whole(section.jobSeconds, 'breakGlass.jobSeconds', 1, 3600, problem),
  };
}

export function readNotificationsConfig(section: Record<string, unknown>, problem: Problem): NotificationsConfig {
  const url = section.webhookUrl;
  if (typeof url !== 'string') throw problem(`notifications.webhookUrl must be an http(s) URL, or "" for no webhook; got ${JSON.stringify(url)}`);
  let webhookUrl: string | undefined;
  if (url.trim() !== '') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw problem('notifications.webhookUrl is not a URL');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw problem('notifications.webhookUrl must start with https:// (or http:// on a trusted network)');
    if (parsed.username !== '' || parsed.password !== '') throw problem('notifications.webhookUrl must not carry credentials; the HMAC secret authenticates the message');
    webhookUrl = parsed.href;
  }
  const secretEnv = section.webhookSecretEnv;
  if (typeof secretEnv !== 'string' || !/^[A-Z_][A-Z0-9_]{0,63}$/.test(secretEnv)) {
    throw problem(`notifications.webhookSecretEnv must name an environment variable (A-Z, 0-9, _), got ${JSON.stringify(secretEnv)}`);
  }
  const smtp = section.smtp as Record<string, unknown>;
  if (typeof smtp.host !== 'string') throw problem('notifications.smtp.host must be a host name, or "" for no e-mail');
  let smtpSettings: SmtpSettings | undefined;
  if (smtp.host.trim() !== '') {
    if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(smtp.host)) throw problem(`notifications.smtp.host is not a host name or address: ${JSON.stringify(smtp.host).slice(0, 80)}`);
    if (!isEmailAddress(smtp.from)) throw problem('notifications.smtp.from must be a plain e-mail address (local@domain) when smtp.host is set');
    if (typeof smtp.startTls !== 'boolean') throw problem('notifications.smtp.startTls must be true or false');
    smtpSettings = { host: smtp.host, port: whole(smtp.port, 'notifications.smtp.port', 1, 65535, problem), from: smtp.from, startTls: smtp.startTls };
  }
  const recipients = section.emailRecipients;
  if (!Array.isArray(recipients)) throw problem('notifications.emailRecipients must be a list of { user, address }');
  const emailRecipients = recipients.map((item: unknown, i) => {
    const entry = item as Record<string, unknown> | null;
    if (entry === null || typeof entry !== 'object' || Object.keys(entry).some((key) => key !== 'user' && key !== 'address')) {
      throw problem(`notifications.emailRecipients[${i}] must be { user, address } and nothing else`);
    }
    if (typeof entry.user !== 'string' || entry.user.trim() === '') throw problem(`notifications.emailRecipients[${i}].user must name an account`);
    if (!isEmailAddress(entry.address)) throw problem(`notifications.emailRecipients[${i}].address must be a plain e-mail address (local@domain)`);
    return { user: entry.user, address: entry.address };
  });
  return {
    webhookUrl,
    webhookSecretEnv: secretEnv,
    smtp: smtpSettings,
    emailRecipients,
    maxAttempts: whole(section.maxAttempts, 'notifications.maxAttempts', 1, 50, problem),
    retrySeconds: whole(section.retrySeconds, 'notifications.retrySeconds', 1, 86_400, problem),
  };
}
