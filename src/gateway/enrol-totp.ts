import { issueSessionToken, type Session } from '../access/identity/session-token.js';
import { generateTotpSecret, totpEnrolmentUri, verifyTotp } from '../access/identity/totp.js';
import type { UserRecord } from '../storage/account-store.js';
import type { AccountDeps, SecretSealing, SessionIssuing } from './account-deps.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';
import { openTotpSecret, sealTotpSecret } from './sealed-totp-secret.js';

export interface EnrolTotpDeps extends AccountDeps {
  readonly sessions: SessionIssuing;
  readonly secrets: SecretSealing;
}

/** How long a shown secret waits for its first code before the person must start again. */
export const totpEnrolmentWindowMs = 10 * 60_000;

export type BeginTotpEnrolmentResult =
  | { readonly outcome: 'started'; readonly secret: string; readonly otpauthUri: string; readonly expiresAt: number }
  | AccountRefusal;

/**
 * Makes a new TOTP secret for `user` and keeps it, sealed, as pending until a code from it is
 * confirmed. The secret is returned once, for the QR code; it is never shown again. An
 * enrolled second factor is replaced only after an administrator resets it.
 */
export async function beginTotpEnrolment(deps: EnrolTotpDeps, user: UserRecord): Promise<BeginTotpEnrolmentResult> {
  if (user.totp !== undefined) return refusal('already-enrolled', 'a second factor is enrolled already; an administrator can reset it');
  const now = deps.clock.now();
  const secret = generateTotpSecret();
  const expiresAt = now + totpEnrolmentWindowMs;
  await deps.audit.append({ type: 'key-change', outcome: 'success', actor: auditActorOf(user), detail: { action: 'totp-enrolment-started', target: user.name } });
  await deps.accounts.updateUser(user.name, { pendingTotp: { secret: sealTotpSecret(secret, user.name, deps.secrets), expiresAt } }, now);
  return { outcome: 'started', secret, otpauthUri: totpEnrolmentUri(secret, user.name), expiresAt };
}

export type ConfirmTotpEnrolmentResult = { readonly outcome: 'enrolled'; readonly token: string; readonly session: Session } | AccountRefusal;

/**
 * Enrols the pending secret once `code` shows the person's app produces it. The session the
 * person enrolled with (password only) is revoked and a new one with both factors is issued,
 * so an administrator's first sign-in needs no second round trip.
 */
export async function confirmTotpEnrolment(
  deps: EnrolTotpDeps,
  input: { user: UserRecord; code: unknown; session: Session },
): Promise<ConfirmTotpEnrolmentResult> {
  const { user } = input;
  const now = deps.clock.now();
  if (user.totp !== undefined) return refusal('already-enrolled', 'a second factor is enrolled already');
  const pending = user.pendingTotp;
  if (pending === undefined || now >= pending.expiresAt) {
    return refusal('no-pending-enrolment', 'no enrolment is waiting; start one with POST /api/me/totp');
  }
  const secret = openTotpSecret(pending.secret, user.name, deps.secrets.master);
  const check = await verifyTotp(secret, typeof input.code === 'string' ? input.code : '', { now });
  if (check.outcome !== 'accepted') return refusal('totp-invalid', 'that code does not match; check the time of your phone and enter the current code');

  await deps.audit.append({ type: 'key-change', outcome: 'success', actor: auditActorOf(user), detail: { action: 'totp-enrolled', target: user.name } });
  await deps.accounts.updateUser(user.name, { totp: { secret: pending.secret, lastAcceptedStep: check.timeStep }, pendingTotp: undefined }, now);
  await deps.accounts.revokeSession(input.session.tokenId, input.session.expiresAt, now);
  const issued = await issueSessionToken(
    { userId: user.name, methods: ['pwd', 'otp'] },
    { key: deps.sessions.key, issuer: deps.sessions.issuer, now, lifetimeMs: deps.sessions.lifetimeMs },
  );
  return { outcome: 'enrolled', token: issued.token, session: issued.session };
}

/**
 * An administrator removes another person's second factor (a lost phone); they enrol a new one
 * at their next sign-in. Not for one's own account: a stolen administrator session must not be
 * able to swap the factor that protects it.
 */
export async function resetTotp(deps: AccountDeps, input: { by: UserRecord; userName: string }): Promise<{ readonly outcome: 'reset' } | AccountRefusal> {
  if (!input.by.roles.includes('admin')) return refusal('not-admin', 'only an administrator resets a second factor');
  if (input.userName === input.by.name) return refusal('self-change', 'another administrator must reset your second factor');
  const target = await deps.accounts.findUser(input.userName);
  if (target === undefined || target.deletedAt !== undefined) return refusal('unknown-user', `no user ${input.userName}`);
  const now = deps.clock.now();
  await deps.audit.append({ type: 'key-change', outcome: 'success', actor: auditActorOf(input.by), detail: { action: 'totp-reset', target: target.name } });
  await deps.accounts.updateUser(target.name, { totp: undefined, pendingTotp: undefined }, now);
  return { outcome: 'reset' };
}
