import { createHash, timingSafeEqual } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import type { OidcAccountLink } from '../access/identity/oidc-account-claim.js';
import type { OidcMfaPolicy } from '../access/identity/oidc-mfa.js';
import { issueSessionToken, type AuthenticationMethod, type Session } from '../access/identity/session-token.js';
import type { AuditActor } from '../audit/event/audit-event.js';
import type { UserRecord } from '../storage/account-store.js';
import type { AccountDeps, SecretSealing, SessionIssuing } from './account-deps.js';
import { auditActorOf } from './audit-actor.js';
import { requiresMfa } from './user-view.js';

/**
 * What the OIDC sign-in use cases need of the identity provider. The adapter
 * (server/oidc-relying-party.ts) does the discovery and the HTTP; the use cases stay free of I/O.
 * `unavailable` means the provider could not be reached or answered with a server error: that
 * is not the person's fault and is answered differently from a refusal.
 */
export interface OidcProviderPort {
  /** The issuer identifier, as the `iss` of its ID tokens says it. */
  readonly issuer: string;
  readonly clientId: string;
  /** The authorisation request URL (OIDC Core 3.1.2.1) for this sign-in. */
  authorizationUrl(request: { state: string; nonce: string; codeChallenge: string }): Promise<{ outcome: 'url'; url: URL } | { outcome: 'unavailable' }>;
  /**
   * Sends the code of `callbackParameters` to the token endpoint with the PKCE verifier and the
   * client's credentials, and returns the ID token. `reason` of a refusal is an audit code
   * such as `provider-error:access_denied` or `id-token-nonce-mismatch`.
   */
  redeemCode(input: {
    callbackParameters: URLSearchParams;
    state: string;
    nonce: string;
    codeVerifier: string;
  }): Promise<{ outcome: 'redeemed'; idToken: string } | { outcome: 'refused'; reason: string } | { outcome: 'unavailable' }>;
  /** The key that verifies an ID token, from its header: the provider's JWKS, or the client secret for an allowed HS algorithm. */
  readonly idTokenKeys: JWTVerifyGetKey;
}

/** The configured OIDC sign-in (server/config.ts `oidc`). */
export interface OidcSettings {
  readonly provider: OidcProviderPort;
  readonly link: OidcAccountLink;
  readonly mfa: OidcMfaPolicy;
  readonly idTokenAlgorithms: readonly string[];
}

export interface OidcLoginDeps extends AccountDeps {
  readonly sessions: SessionIssuing;
  readonly secrets: SecretSealing;
  readonly oidc: OidcSettings;
}

/** How long a started sign-in waits for the provider's answer. */
export const oidcLoginWindowMs = 10 * 60_000;
/** How long an MFA ticket waits for the TOTP code. */
export const oidcMfaTicketWindowMs = 5 * 60_000;

/** SHA-256, base64url: how states, browser bindings and tickets are stored (a copy of the table yields none of them). */
export function oidcSecretDigest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** Constant-time comparison of two digests made by oidcSecretDigest. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Text from the provider or the callback URL made fit for an audit detail (printable,
 * bounded; validate-audit-event.ts): it is outside input, so it is cut, never trusted.
 */
export function auditText(value: string, maxLength = 200): string {
  const printable = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  const bounded = printable.length > maxLength ? `${printable.slice(0, maxLength - 3)}...` : printable;
  return bounded === '' ? '-' : bounded;
}

/** The provider's own account of the sign-in, for audit events: `amr=pwd,otp acr=2`. */
export function providerMethodsText(token: { amr: readonly string[]; acr: string | undefined }): string {
  return auditText(`amr=${token.amr.join(',') || '-'}${token.acr === undefined ? '' : ` acr=${token.acr}`}`);
}

/** A `login-failed` event of an OIDC sign-in: the shape of a password sign-in's, with its source. */
export async function oidcLoginFailed(deps: AccountDeps, actor: AuditActor, reason: string, extra: Record<string, string> = {}): Promise<void> {
  await deps.audit.append({ type: 'login-failed', outcome: 'minor-failure', actor, detail: { reason: auditText(reason), source: 'oidc', ...extra } });
}

export interface OidcSignedIn {
  readonly outcome: 'signed-in';
  readonly token: string;
  readonly session: Session;
  readonly user: UserRecord;
  readonly mfaEnrolmentRequired: boolean;
}

/**
 * Issues the MedVeil session of an OIDC sign-in, the same token as after a password (same key,
 * issuer, lifetime and revocation), and records the `login` event. The provider's sign-in
 * stands as the first factor (`pwd` in the token's `amr`); `otp` is added once a second factor
 * counted, from the provider or from the account's TOTP code. The event says which.
 */
export async function issueOidcSession(
  deps: OidcLoginDeps,
  input: { user: UserRecord; secondFactor: 'provider' | 'totp' | undefined; providerMethods: string },
): Promise<OidcSignedIn> {
  const { user } = input;
  const methods: AuthenticationMethod[] = input.secondFactor === undefined ? ['pwd'] : ['pwd', 'otp'];
  const mfaEnrolmentRequired = requiresMfa(user) && user.totp === undefined && input.secondFactor === undefined;
  const issued = await issueSessionToken(
    { userId: user.name, methods },
    { key: deps.sessions.key, issuer: deps.sessions.issuer, now: deps.clock.now(), lifetimeMs: deps.sessions.lifetimeMs },
  );
  await deps.audit.append({
    type: 'login',
    outcome: 'success',
    actor: auditActorOf(user),
    detail: {
      methods: methods.join(','),
      session: issued.session.tokenId,
      source: 'oidc',
      providerMethods: input.providerMethods,
      ...(input.secondFactor === undefined ? {} : { secondFactor: input.secondFactor }),
      ...(mfaEnrolmentRequired ? { mfa: 'enrolment-required' } : {}),
    },
  });
  return { outcome: 'signed-in', token: issued.token, session: issued.session, user, mfaEnrolmentRequired };
}
