import { freshLockoutState, lockedUntil, recordLoginAttempt } from '../access/identity/lockout.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';
import { issueOidcSession, oidcLoginFailed, oidcSecretDigest, type OidcLoginDeps, type OidcSignedIn } from './login-oidc-deps.js';
import { checkTotpCode } from './totp-code-check.js';

export interface CompleteOidcMfaInput {
  readonly ticket: unknown;
  readonly totp: unknown;
}

const ticketInvalid = (): AccountRefusal =>
  refusal('mfa-ticket-invalid', 'this sign-in is unknown, was used already or has expired; start again with GET /api/oidc/login');

/**
 * The second step of an OIDC sign-in whose provider factor did not count: the account's TOTP
 * code, checked exactly as at a password sign-in (login.ts): the attempt is counted towards the
 * lockout before the code is checked and the count is reset only by success, and a code is
 * accepted once. The ticket is used up by any attempt, right or wrong, so one provider sign-in
 * buys one guess.
 */
export async function completeOidcMfa(deps: OidcLoginDeps, input: CompleteOidcMfaInput): Promise<OidcSignedIn | AccountRefusal> {
  const { accounts } = deps;
  const now = deps.clock.now();
  const presented = typeof input.ticket === 'string' && input.ticket !== '' && input.ticket.length <= 128 ? input.ticket : undefined;
  const ticket = presented === undefined ? undefined : await accounts.takeOidcMfaTicket(oidcSecretDigest(presented), now);
  if (ticket === undefined) {
    await oidcLoginFailed(deps, { user: 'unknown-user' }, 'mfa-ticket-unknown');
    return ticketInvalid();
  }
  const user = await accounts.findUser(ticket.userName);
  if (user === undefined || user.deletedAt !== undefined || user.disabled || user.totp === undefined) {
    await oidcLoginFailed(deps, user === undefined ? { user: 'unknown-user' } : auditActorOf(user), 'account-changed', { providerMethods: ticket.providerMethods });
    return ticketInvalid();
  }
  const actor = auditActorOf(user);
  const counted = await accounts.updateLockout(user.name, (state) =>
    lockedUntil(state, now) !== undefined ? undefined : recordLoginAttempt(state, { now, passwordMatches: false }).state,
  );
  const retryAt = counted === undefined ? undefined : lockedUntil(counted.before, now);
  if (retryAt !== undefined) {
    await oidcLoginFailed(deps, actor, 'account-locked', { providerMethods: ticket.providerMethods });
    return refusal('account-locked', `too many failed sign-ins; try again after ${new Date(retryAt).toISOString()}`, { retryAt });
  }
  const check = await checkTotpCode(deps, { ...user, totp: user.totp }, input.totp, now);
  if (check.outcome === 'refused') {
    await oidcLoginFailed(deps, actor, check.auditReason, { providerMethods: ticket.providerMethods });
    return refusal('totp-invalid', 'that code is wrong or was used already; sign in again with GET /api/oidc/login and enter the next code');
  }
  await accounts.updateLockout(user.name, () => ({ ...freshLockoutState }));
  return issueOidcSession(deps, { user, secondFactor: 'totp', providerMethods: ticket.providerMethods });
}
