import { randomBytes } from 'node:crypto';
import { lockedUntil } from '../access/identity/lockout.js';
import { accountAcceptsIdentity, oidcAccountLookup } from '../access/identity/oidc-account-claim.js';
import { verifyIdToken, type IdTokenCheck } from '../access/identity/oidc-id-token.js';
import { oidcSecondFactor, providerAssertsMfa } from '../access/identity/oidc-mfa.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';
import {
  auditText,
  issueOidcSession,
  oidcLoginFailed,
  oidcMfaTicketWindowMs,
  oidcSecretDigest,
  providerMethodsText,
  sameDigest,
  type OidcLoginDeps,
  type OidcSignedIn,
} from './login-oidc-deps.js';
import { canonicalUserName } from './user-name.js';
import { requiresMfa } from './user-view.js';

export interface FinishOidcLoginInput {
  /** The query of the provider's redirect (attacker-controlled): `code` and `state`, or `error`. */
  readonly parameters: URLSearchParams;
  /** The cookie set by beginOidcLogin, if the browser sent it. */
  readonly browserBinding: string | undefined;
}

export type FinishOidcLoginResult =
  | OidcSignedIn
  | {
      readonly outcome: 'mfa-pending';
      /** Single use; completes the sign-in with the account's TOTP code (login-oidc-mfa.ts). */
      readonly ticket: string;
      readonly expiresAt: number;
    }
  | AccountRefusal;

const unknownActor = { user: 'unknown-user' };

const noAccount = (): AccountRefusal =>
  refusal('oidc-no-account', 'your identity provider signed you in, but no usable MedVeil account is linked to that identity; ask a MedVeil administrator');

/**
 * Takes the provider's answer to a sign-in begun by beginOidcLogin. The state is used up at
 * once, whatever follows, so an answer is taken at most once. The ID token is checked by
 * MedVeil (oidc-id-token.ts) and must name an account an administrator made; OIDC never
 * creates one. A disabled, deleted or locked account is refused. The result is a MedVeil
 * session, or, when the account needs its TOTP code, a ticket for the second step. Every
 * outcome is a `login` or `login-failed` event with `source: oidc`.
 *
 * A refusal tells the person what to do without saying whether an account of some name exists:
 * "not linked", "disabled" and "deleted" read alike, and only the audit event tells them apart.
 */
export async function finishOidcLogin(deps: OidcLoginDeps, input: FinishOidcLoginInput): Promise<FinishOidcLoginResult> {
  const { accounts, clock, oidc } = deps;
  const now = clock.now();
  const state = input.parameters.get('state');
  const started = state === null || state === '' || state.length > 512 ? undefined : await accounts.takeOidcLoginState(oidcSecretDigest(state), now);
  if (started === undefined || state === null) {
    await oidcLoginFailed(deps, unknownActor, 'state-unknown');
    return refusal('oidc-state-invalid', 'this sign-in is unknown, was used already or has expired; start again with GET /api/oidc/login');
  }
  if (input.browserBinding === undefined || !sameDigest(oidcSecretDigest(input.browserBinding), started.browserDigest)) {
    await oidcLoginFailed(deps, unknownActor, 'state-other-browser');
    return refusal('oidc-state-invalid', 'this sign-in was started in another browser; start again with GET /api/oidc/login');
  }

  const redeemed = await oidc.provider.redeemCode({ callbackParameters: input.parameters, state, nonce: started.nonce, codeVerifier: started.codeVerifier });
  if (redeemed.outcome === 'unavailable') return unavailable(deps);
  if (redeemed.outcome === 'refused') {
    await oidcLoginFailed(deps, unknownActor, redeemed.reason);
    return refusal('oidc-refused', 'the identity provider did not sign you in, or its answer could not be trusted; start again with GET /api/oidc/login');
  }
  let check: IdTokenCheck;
  try {
    check = await verifyIdToken(redeemed.idToken, oidc.provider.idTokenKeys, {
      issuer: oidc.provider.issuer,
      clientId: oidc.provider.clientId,
      nonce: started.nonce,
      algorithms: oidc.idTokenAlgorithms,
      now,
    });
  } catch {
    return unavailable(deps);
  }
  if (check.outcome === 'refused') {
    await oidcLoginFailed(deps, unknownActor, `id-token-${check.problem}`);
    return refusal('oidc-refused', 'the identity provider did not sign you in, or its answer could not be trusted; start again with GET /api/oidc/login');
  }

  const token = check.token;
  const identity = { issuer: token.issuer, subject: token.subject };
  const facts = { oidcSubject: auditText(token.subject), providerMethods: providerMethodsText(token) };
  const lookup = oidcAccountLookup(token, oidc.link, canonicalUserName);
  if (lookup.kind === 'unusable') {
    await oidcLoginFailed(deps, unknownActor, lookup.problem, facts);
    return noAccount();
  }
  const user = lookup.kind === 'identity' ? await accounts.findUserByOidcIdentity(lookup.identity) : await accounts.findUser(lookup.name);
  if (user === undefined || user.deletedAt !== undefined) {
    await oidcLoginFailed(deps, unknownActor, 'not-linked', facts);
    return noAccount();
  }
  const actor = auditActorOf(user);
  if (!accountAcceptsIdentity(user, identity)) {
    await oidcLoginFailed(deps, actor, 'subject-mismatch', facts);
    return noAccount();
  }
  if (user.disabled) {
    await oidcLoginFailed(deps, actor, 'disabled', facts);
    return noAccount();
  }
  const retryAt = lockedUntil(user.lockout, now);
  if (retryAt !== undefined) {
    await oidcLoginFailed(deps, actor, 'account-locked', facts);
    return refusal('account-locked', `too many failed sign-ins; try again after ${new Date(retryAt).toISOString()}`, { retryAt });
  }

  const second = oidcSecondFactor({ providerMfa: providerAssertsMfa(token, oidc.mfa), totpEnrolled: user.totp !== undefined, rolesNeedMfa: requiresMfa(user) });
  if (second === 'totp') {
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = now + oidcMfaTicketWindowMs;
    await oidcLoginFailed(deps, actor, 'totp-required', facts);
    await accounts.insertOidcMfaTicket({ digest: oidcSecretDigest(ticket), userName: user.name, providerMethods: facts.providerMethods, expiresAt }, now);
    return { outcome: 'mfa-pending', ticket, expiresAt };
  }
  return issueOidcSession(deps, { user, secondFactor: second === 'provider' ? 'provider' : undefined, providerMethods: facts.providerMethods });
}

async function unavailable(deps: OidcLoginDeps): Promise<AccountRefusal> {
  await oidcLoginFailed(deps, unknownActor, 'provider-unavailable');
  return refusal('oidc-unavailable', 'the identity provider cannot be reached; try again later, or sign in with your MedVeil password');
}
