/**
 * What the break-glass use cases share: the reason codes, the policy read from the config,
 * their refusals, and who is told. docs/break-glass.md explains each.
 */
import type { Clock } from '../audit/clock.js';
import type { AuditEventInput } from '../audit/event/audit-event.js';
import type { AccountStore, UserRecord } from '../storage/account-store.js';
import type { BreakGlassRecord, BreakGlassStore } from '../storage/break-glass-store.js';
import type { IndexStore } from '../storage/index-store.js';
import type { BreakGlassAudience } from '../notify/break-glass-messages.js';
import type { AuditAppender } from './audit-actor.js';
import { auditActorOf } from './audit-actor.js';

/**
 * Why a user breaks the glass. A fixed list so that the audit log and the notifications carry
 * a code, never typed words; the words go with the session to the reviewer.
 */
export const BREAK_GLASS_REASON_CODES = {
  'emergency-treatment': 'the patient needs treatment now and the images are needed for it',
  'unconscious-patient': 'the patient cannot consent or identify their care team',
  'imminent-threat': "a threat to the patient's or another person's life or health",
  'system-downtime': 'the usual way to obtain access (a request, a care relationship) is not available',
} as const;

export type BreakGlassReasonCode = keyof typeof BREAK_GLASS_REASON_CODES;

export function isBreakGlassReasonCode(value: unknown): value is BreakGlassReasonCode {
  return typeof value === 'string' && Object.hasOwn(BREAK_GLASS_REASON_CODES, value);
}

/** HL7 v3 PurposeOfUse "break the glass": the `purpose` of every break-glass event. */
export const BREAK_GLASS_PURPOSE = 'BTG';

/** The longest reason text and review note, in characters. */
export const MAX_BREAK_GLASS_TEXT = 1000;

export interface BreakGlassPolicy {
  /** The longest session a user may ask for, in ms (at most BREAK_GLASS_MAX_MS). */
  readonly maxDurationMs: number;
  readonly maxSessionsPerUser: number;
  readonly rateWindowMs: number;
  /** An unreviewed session escalates this long after it started. */
  readonly reviewWithinMs: number;
}

export interface BreakGlassChannels {
  readonly webhookUrl: string | undefined;
  /** Whether e-mail is configured (SMTP host set). */
  readonly email: boolean;
  /** Configured addresses by account name. */
  readonly addresses: ReadonlyMap<string, string>;
}

export interface BreakGlassDeps {
  readonly store: BreakGlassStore;
  readonly accounts: Pick<AccountStore, 'listUsers' | 'acceptTotpStep'>;
  readonly index: Pick<IndexStore, 'getStudy' | 'findEach'>;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly policy: BreakGlassPolicy;
  readonly channels: BreakGlassChannels;
  /** Asks the delivery job to run now (fire and forget): notifications go out at once. */
  readonly deliverSoon?: () => void;
}

export type BreakGlassRefusalReason =
  | 'break-glass-role'
  | 'invalid-break-glass-reason'
  | 'invalid-break-glass-request'
  | 'unknown-study'
  | 'unknown-patient'
  | 'break-glass-rate-limit'
  | 'unknown-session'
  | 'already-ended'
  | 'not-dso'
  | 'totp-required'
  | 'totp-invalid'
  | 'own-session'
  | 'already-reviewed';

export interface BreakGlassRefusal {
  readonly outcome: 'refused';
  readonly reason: BreakGlassRefusalReason;
  /** What is wrong and what to do; never holds PHI or a secret. */
  readonly message: string;
  /** For the rate limit: when the next start may succeed (ms). */
  readonly retryAt?: number;
}

export function breakGlassRefusal(reason: BreakGlassRefusalReason, message: string, retryAt?: number): BreakGlassRefusal {
  return { outcome: 'refused', reason, message, ...(retryAt === undefined ? {} : { retryAt }) };
}

/** The event of a refused break-glass step: a `deny` with the purpose, the step and the reason. */
/** The `break-glass` event of a step on an existing session: its id, reason code and opener, and `extra`. */
export function sessionStepEvent(
  actor: AuditEventInput['actor'],
  step: string,
  session: Pick<BreakGlassRecord, 'id' | 'patientRef' | 'reasonCode' | 'userId'>,
  extra: Record<string, string> = {},
  outcome: AuditEventInput['outcome'] = 'success',
): AuditEventInput {
  return {
    type: 'break-glass',
    outcome,
    actor,
    purpose: BREAK_GLASS_PURPOSE,
    objects: [{ patient: session.patientRef }],
    detail: { step, session: session.id, reasonCode: session.reasonCode, openedBy: session.userId, ...extra },
  };
}

export function refusalEvent(by: UserRecord, step: string, reason: BreakGlassRefusalReason, extra: Record<string, string> = {}, patientRef?: string): AuditEventInput {
  return {
    type: 'deny',
    outcome: 'success',
    actor: auditActorOf(by),
    purpose: BREAK_GLASS_PURPOSE,
    ...(patientRef === undefined ? {} : { objects: [{ patient: patientRef }] }),
    detail: { action: `break-glass-${step}`, reason, ...extra },
  };
}

/**
 * Who is told of a session: every live data security officer, and every live director of a
 * department of the patient's studies, as the account store says now; e-mail goes to those
 * with a configured address.
 */
export async function breakGlassAudience(deps: Pick<BreakGlassDeps, 'accounts' | 'channels'>, departments: readonly string[]): Promise<BreakGlassAudience> {
  const users = (await deps.accounts.listUsers()).filter(
    (user) =>
      user.deletedAt === undefined &&
      !user.disabled &&
      (user.roles.includes('dso') || (user.roles.includes('director') && user.directorOf.some((department) => departments.includes(department)))),
  );
  const names = users.map((user) => user.name).sort();
  const addresses = [...new Set(names.flatMap((name) => deps.channels.addresses.get(name) ?? []))];
  return { users: names, addresses };
}
