import { createHash, randomBytes } from 'node:crypto';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { oidcLoginFailed, oidcLoginWindowMs, oidcSecretDigest, type OidcLoginDeps } from './login-oidc-deps.js';

export type BeginOidcLoginResult =
  | {
      readonly outcome: 'redirect';
      /** Where to send the browser: the provider's authorisation endpoint. */
      readonly url: URL;
      /** The value of the cookie that ties the answer to this browser; secret, like a session. */
      readonly browserBinding: string;
      readonly expiresAt: number;
    }
  | AccountRefusal;

const random = () => randomBytes(32).toString('base64url');

/**
 * Starts an OIDC sign-in: the authorisation code flow with PKCE (RFC 7636, S256), a `state`
 * and a `nonce` (OIDC Core 3.1.2.1), each 256 random bits. They are kept server side, in the
 * account store, so that any gateway instance can take the provider's answer; the state only
 * as a digest. The browser gets a cookie whose digest is kept with them: an answer carried to
 * another browser (a login CSRF, RFC 9700 4.7) does not match it.
 */
export async function beginOidcLogin(deps: OidcLoginDeps): Promise<BeginOidcLoginResult> {
  const now = deps.clock.now();
  const state = random();
  const nonce = random();
  const codeVerifier = random();
  const browserBinding = random();
  const codeChallenge = createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
  const request = await deps.oidc.provider.authorizationUrl({ state, nonce, codeChallenge });
  if (request.outcome === 'unavailable') {
    await oidcLoginFailed(deps, { user: 'unknown-user' }, 'provider-unavailable');
    return refusal('oidc-unavailable', 'the identity provider cannot be reached; try again later, or sign in with your MedVeil password');
  }
  const expiresAt = now + oidcLoginWindowMs;
  await deps.accounts.insertOidcLoginState(
    { stateDigest: oidcSecretDigest(state), browserDigest: oidcSecretDigest(browserBinding), nonce, codeVerifier, expiresAt },
    now,
  );
  return { outcome: 'redirect', url: request.url, browserBinding, expiresAt };
}
