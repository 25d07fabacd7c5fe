import { freshLockoutState, lockedUntil, recordLoginAttempt } from '../access/identity/lockout.js';
import { normalizePassword } from '../access/identity/normalize-password.js';
import { verifyPassword } from '../access/identity/password-hash.js';
import { issueSessionToken, type AuthenticationMethod, type Session } from '../access/identity/session-token.js';
import type { UserRecord } from '../storage/account-store.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';
import type { LoginDeps } from './login.js';
import { hashNewPassword } from './new-password.js';
import { checkTotpCode } from './totp-code-check.js';

/**
 * The `sessionsNotBefore` that voids every session issued up to `now`. A session token states
 * its issue time in whole seconds (RFC 7519 `iat`), so the bound is the next whole second: a
 * session issued in the same second as the change, before it, cannot survive it.
 */
export function sessionsNotBeforeAfter(now: number): number {
  return (Math.floor(now / 1000) + 1) * 1000;
}

export interface ChangePasswordInput {
  /** The signed-in person, as the account store holds them. */
  readonly user: UserRecord;
  /** The session the request came with; it ends with the change, and a new one is answered. */
  readonly session: Session;
  readonly currentPassword: unknown;
  readonly newPassword: unknown;
  /** The code of the person's authenticator app, required when they have enrolled one. */
  readonly totp?: unknown;
}

export type ChangePasswordResult =
  | { readonly outcome: 'changed'; readonly token: string; readonly session: Session }
  | AccountRefusal;

/**
 * A person changes their own password: they prove it is them again with the current password
 * and, once enrolled, a TOTP code, so that a session left open on a ward computer cannot be
 * turned into the account. A wrong password or code counts towards the lockout exactly as at
 * sign-in (login.ts: counted before it is checked, forgotten only on success). The new password
 * meets the policy and differs from the current one. On success every session of the account
 * ends, the one of this request included, and a new session is answered for it; the
 * `passwordChangeRequired` mark of an administrator's reset is cleared.
 */
export async function changePassword(deps: LoginDeps, input: ChangePasswordInput): Promise<ChangePasswordResult> {
  const { accounts, clock } = deps;
  const { user } = input;
  const actor = auditActorOf(user);
  const failed = async (reason: string) =>
    deps.audit.append({ type: 'login-failed', outcome: 'minor-failure', actor, detail: { action: 'change-password', reason } });

  // The new password is checked first: that needs no secret (the comparison is with what the
  // caller typed, not with what is stored), and a refusal here spends no TOTP code.
  const current = typeof input.currentPassword === 'string' ? input.currentPassword : '';
  if (typeof input.newPassword === 'string' && normalizePassword(current) === normalizePassword(input.newPassword)) {
    return refusal('weak-password', 'choose a password other than the current one', { problems: ['same-as-current'] });
  }
  const hashed = await hashNewPassword(deps, input.newPassword, user.name);
  if ('outcome' in hashed) return hashed;

  const now = clock.now();
  const counted = await accounts.updateLockout(user.name, (state) =>
    lockedUntil(state, now) !== undefined ? undefined : recordLoginAttempt(state, { now, passwordMatches: false }).state,
  );
  const retryAt = counted === undefined ? undefined : lockedUntil(counted.before, now);
  if (retryAt !== undefined) {
    await failed('account-locked');
    return refusal('account-locked', `too many failed attempts; try again after ${new Date(retryAt).toISOString()}`, { retryAt });
  }
  if (!(await verifyPassword(user.passwordHash, current))) {
    await failed('wrong-password');
    return refusal('wrong-password', 'the current password is wrong');
  }
  const methods: AuthenticationMethod[] = ['pwd'];
  if (user.totp !== undefined) {
    if (input.totp === undefined || input.totp === null || input.totp === '') {
      await failed('totp-required');
      return refusal('totp-required', 'enter the six-digit code of your authenticator app as well');
    }
    const check = await checkTotpCode(deps, { ...user, totp: user.totp }, input.totp, now);
    if (check.outcome === 'refused') {
      await failed(check.auditReason);
      return refusal('totp-invalid', 'that code is wrong or was used already; wait for the next code and try again');
    }
    methods.push('otp');
  }
  await accounts.updateLockout(user.name, () => ({ ...freshLockoutState }));

  const notBefore = sessionsNotBeforeAfter(now);
  // The new session is issued at the first moment the old ones are void; the verifier's clock
  // tolerance (session-token.ts) covers the part of a second it lies ahead.
  const issued = await issueSessionToken(
    { userId: user.name, methods },
    { key: deps.sessions.key, issuer: deps.sessions.issuer, now: notBefore, lifetimeMs: deps.sessions.lifetimeMs },
  );
  await deps.audit.append({
    type: 'key-change',
    outcome: 'success',
    actor,
    detail: { action: 'password-changed', target: user.name, session: issued.session.tokenId, endedSession: input.session.tokenId },
  });
  await accounts.updateUser(user.name, { passwordHash: hashed.hash, passwordChangeRequired: false, sessionsNotBefore: notBefore }, now);
  await accounts.revokeSession(input.session.tokenId, input.session.expiresAt, now);
  return { outcome: 'changed', token: issued.token, session: issued.session };
}
