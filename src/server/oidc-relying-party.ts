/**
 * MedVeil as an OpenID Connect relying party of the hospital's provider (Keycloak, Entra ID,
 * ...), through openid-client: discovery of `<issuer>/.well-known/openid-configuration`, the
 * authorisation URL, and the code exchange at the token endpoint with the client's credentials
 * and the PKCE verifier. openid-client checks the answer as OIDC Core asks (state, `iss` of
 * RFC 9207 when offered, the ID token's claims and nonce); the ID token's signature and
 * algorithm are then checked by MedVeil itself (access/identity/oidc-id-token.ts), since
 * openid-client leaves the signature of a token fetched over TLS unchecked.
 *
 * Discovery happens at the first sign-in and is retried at the next one if it failed, so the
 * gateway starts, and password sign-in works, while the provider is down.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import * as client from 'openid-client';
import type { OidcProviderPort } from '../gateway/login-oidc-deps.js';
import type { OidcConfig } from './config-oidc.js';
import type { OidcRouteDeps } from './routes/oidc-routes.js';

type Redeemed = Awaited<ReturnType<OidcProviderPort['redeemCode']>>;

/** The port of the use cases over openid-client; `warn` hears why the provider was unavailable (never a secret). */
export function oidcRelyingParty(config: OidcConfig, warn: (message: string, error: unknown) => void): OidcProviderPort {
  const secret = config.clientSecret;
  const authentication = secret === undefined ? client.None() : secretAuthentication(secret.reveal());
  const issuerUrl = new URL(config.issuer);
  // config-oidc.ts allows plain http only for a provider on this machine.
  const execute = issuerUrl.protocol === 'http:' ? [client.allowInsecureRequests] : [];
  let discovered: Promise<client.Configuration> | undefined;
  let jwks: JWTVerifyGetKey | undefined;

  const discover = (): Promise<client.Configuration> => {
    discovered ??= client.discovery(issuerUrl, config.clientId, { redirect_uris: [config.redirectUrl] }, authentication, { execute }).catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    return discovered;
  };

  /** The provider's configuration, or undefined (after a warning) while it cannot be reached. */
  const discoverOrWarn = async (): Promise<client.Configuration | undefined> => {
    try {
      return await discover();
    } catch (error) {
      warn('OIDC discovery failed', error);
      return undefined;
    }
  };

  const idTokenKeys: JWTVerifyGetKey = async (header, token) => {
    if (header.alg.startsWith('HS') && secret !== undefined) return new TextEncoder().encode(secret.reveal());
    if (jwks === undefined) {
      const jwksUri = (await discover()).serverMetadata().jwks_uri;
      if (jwksUri === undefined) throw new Error('the provider publishes no jwks_uri');
      jwks = createRemoteJWKSet(new URL(jwksUri));
    }
    return jwks(header, token);
  };

  return {
    issuer: config.issuer,
    clientId: config.clientId,
    idTokenKeys,
    async authorizationUrl({ state, nonce, codeChallenge }) {
      const configuration = await discoverOrWarn();
      if (configuration === undefined) return { outcome: 'unavailable' };
      const url = client.buildAuthorizationUrl(configuration, {
        response_type: 'code',
        redirect_uri: config.redirectUrl,
        scope: config.scopes.join(' '),
        state,
        nonce,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      });
      return { outcome: 'url', url };
    },
    async redeemCode({ callbackParameters, state, nonce, codeVerifier }) {
      const configuration = await discoverOrWarn();
      if (configuration === undefined) return { outcome: 'unavailable' };
      const callback = new URL(config.redirectUrl);
      callback.search = callbackParameters.toString();
      try {
        const tokens = await client.authorizationCodeGrant(configuration, callback, {
          pkceCodeVerifier: codeVerifier,
          expectedState: state,
          expectedNonce: nonce,
          idTokenExpected: true,
        });
        if (tokens.id_token === undefined) return { outcome: 'refused', reason: 'no-id-token' };
        return { outcome: 'redeemed', idToken: tokens.id_token };
      } catch (error) {
        const verdict = classify(error);
        if (verdict.outcome === 'unavailable') warn('the OIDC token endpoint failed', error);
        return verdict;
      }
    },
  };
}

/**
 * The client secret in an HTTP Basic header (RFC 6749 2.3.1, the method every provider must
 * support), or in the body when the provider's metadata says it takes only that.
 */
function secretAuthentication(secret: string): client.ClientAuth {
  const basic = client.ClientSecretBasic(secret);
  const post = client.ClientSecretPost(secret);
  return (as, metadata, body, headers) => {
    const supported = as.token_endpoint_auth_methods_supported;
    const postOnly = Array.isArray(supported) && supported.includes('client_secret_post') && !supported.includes('client_secret_basic');
    (postOnly ? post : basic)(as, metadata, body, headers);
  };
}

/** What the HTTP app needs to serve OIDC sign-in as the `oidc` config section describes it. */
export function oidcRouteDeps(config: OidcConfig, warn: (message: string, error: unknown) => void): OidcRouteDeps {
  return {
    settings: {
      provider: oidcRelyingParty(config, warn),
      link: config.link,
      mfa: { amrValues: config.mfaAmrValues, acrValues: config.mfaAcrValues },
      idTokenAlgorithms: config.idTokenAlgorithms,
    },
    secureCookie: new URL(config.redirectUrl).protocol === 'https:',
  };
}

// The claim names of oauth4webapi's comparison errors, as oidc-id-token.ts names the same problems.
const CLAIM_PROBLEMS: Readonly<Record<string, string>> = {
  nonce: 'nonce-mismatch',
  iss: 'wrong-issuer',
  aud: 'wrong-audience',
  azp: 'wrong-authorized-party',
  exp: 'expired',
  iat: 'not-yet-valid',
  nbf: 'not-yet-valid',
};

/** A failed code exchange as the use case sees it: the provider's or the token's fault, or the provider unreachable. */
function classify(error: unknown): Redeemed {
  if (error instanceof client.AuthorizationResponseError) return { outcome: 'refused', reason: `provider-error:${error.error}` };
  if (error instanceof client.ResponseBodyError) {
    return error.status >= 500 ? { outcome: 'unavailable' } : { outcome: 'refused', reason: `token-request-refused:${error.error}` };
  }
  if (error instanceof client.ClientError) {
    if (error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || error.code === 'OAUTH_RESPONSE_IS_NOT_JSON') return { outcome: 'unavailable' };
    const claim = ((error.cause as { cause?: { claim?: unknown } } | undefined)?.cause?.claim);
    if (typeof claim === 'string') return { outcome: 'refused', reason: `id-token-${CLAIM_PROBLEMS[claim] ?? 'malformed'}` };
    return { outcome: 'refused', reason: `token-response-invalid:${error.code ?? 'unknown'}` };
  }
  return { outcome: 'unavailable' };
}
