import { freshLockoutState, lockedUntil, recordLoginAttempt } from '../access/identity/lockout.js';
import { hashPassword, needsRehash, verifyPassword } from '../access/identity/password-hash.js';
import { issueSessionToken, type AuthenticationMethod, type Session } from '../access/identity/session-token.js';
import type { UserRecord } from '../storage/account-store.js';
import type { AccountDeps, SecretSealing, SessionIssuing } from './account-deps.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';
import { checkTotpCode } from './totp-code-check.js';
import { canonicalUserName } from './user-name.js';
import { requiresMfa } from './user-view.js';

export interface LoginDeps extends AccountDeps {
  readonly sessions: SessionIssuing;
  readonly secrets: SecretSealing;
}

export interface LoginInput {
  readonly userName: unknown;
  readonly password: unknown;
  /** The six-digit code of the user's authenticator app, when they have enrolled one. */
  readonly totp?: unknown;
}

export type LoginResult =
  | {
      readonly outcome: 'signed-in';
      readonly token: string;
      readonly session: Session;
      readonly user: UserRecord;
      /** The user's roles need a second factor they have not enrolled: this session may only enrol it. */
      readonly mfaEnrolmentRequired: boolean;
    }
  | AccountRefusal;

const invalid = (): AccountRefusal => refusal('invalid-credentials', 'wrong user name or password');

/**
 * Signs a person in with their password, and their TOTP code once they have enrolled one
 * (required for admin, DSO and director). Every refusal is a `login-failed` event.
 *
 * Each attempt is counted as a failure before the password is checked and the count is reset
 * only by a complete success, so parallel guesses cannot all slip in before the lock
 * (lockout.ts) and a right password cannot reset the count between guesses of the TOTP code.
 * An unknown user name costs the same argon2id work as a known one.
 */
export async function login(deps: LoginDeps, input: LoginInput): Promise<LoginResult> {
  const { accounts, clock } = deps;
  const password = typeof input.password === 'string' ? input.password : '';
  const name = canonicalUserName(input.userName);
  const user = name === undefined ? undefined : await accounts.findUser(name);
  if (user === undefined || user.deletedAt !== undefined) {
    await verifyPassword(undefined, password);
    await failed(deps, { user: 'unknown-user' }, 'unknown-user');
    return invalid();
  }
  const actor = auditActorOf(user);
  const now = clock.now();
  const counted = await accounts.updateLockout(user.name, (state) =>
    lockedUntil(state, now) !== undefined ? undefined : recordLoginAttempt(state, { now, passwordMatches: false }).state,
  );
  const retryAt = counted === undefined ? undefined : lockedUntil(counted.before, now);
  if (retryAt !== undefined) {
    await failed(deps, actor, 'account-locked');
    return refusal('account-locked', `too many failed sign-ins; try again after ${new Date(retryAt).toISOString()}`, { retryAt });
  }
  if (!(await verifyPassword(user.passwordHash, password))) {
    await failed(deps, actor, 'wrong-password');
    return invalid();
  }
  if (user.disabled) {
    await failed(deps, actor, 'disabled');
    return invalid();
  }

  const methods: AuthenticationMethod[] = ['pwd'];
  if (user.totp !== undefined) {
    if (input.totp === undefined || input.totp === null || input.totp === '') {
      await failed(deps, actor, 'totp-required');
      return refusal('totp-required', 'enter the six-digit code of your authenticator app as well');
    }
    const check = await checkTotpCode(deps, { ...user, totp: user.totp }, input.totp, now);
    if (check.outcome === 'refused') {
      await failed(deps, actor, check.auditReason);
      return refusal('totp-invalid', 'that code is wrong or was used already; wait for the next code and try again');
    }
    methods.push('otp');
  }

  await accounts.updateLockout(user.name, () => ({ ...freshLockoutState }));
  if (needsRehash(user.passwordHash, deps.passwordHashing)) {
    await accounts.updateUser(user.name, { passwordHash: await hashPassword(password, deps.passwordHashing) }, now);
  }
  const mfaEnrolmentRequired = requiresMfa(user) && user.totp === undefined;
  const issued = await issueSessionToken(
    { userId: user.name, methods },
    { key: deps.sessions.key, issuer: deps.sessions.issuer, now, lifetimeMs: deps.sessions.lifetimeMs },
  );
  await deps.audit.append({
    type: 'login',
    outcome: 'success',
    actor,
    detail: { methods: methods.join(','), session: issued.session.tokenId, ...(mfaEnrolmentRequired ? { mfa: 'enrolment-required' } : {}) },
  });
  return { outcome: 'signed-in', token: issued.token, session: issued.session, user, mfaEnrolmentRequired };
}

async function failed(deps: AccountDeps, actor: { user: string; role?: string }, reason: string): Promise<void> {
  await deps.audit.append({ type: 'login-failed', outcome: 'minor-failure', actor, detail: { reason } });
}
