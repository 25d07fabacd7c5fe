import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/**
 * The checks of an OpenID Connect ID token (OIDC Core 1.0 section 3.1.3.7) that MedVeil makes
 * itself, whatever the library that fetched the token did: the signature with a key of the
 * provider, an algorithm from an allow-list (RFC 8725 3.1), the issuer, the audience and the
 * authorised party, the expiry, and the nonce of this sign-in. The token is attacker-controlled
 * input until every check holds. Times are milliseconds since the Unix epoch, passed in.
 */

/**
 * Asymmetric algorithms of the provider's published keys. HS256/384/512 (a MAC keyed with the
 * client secret, OIDC Core 10.1) are accepted only when a deployment lists them, since anyone
 * holding the secret could then mint tokens; `none` is never accepted.
 */
export const defaultIdTokenAlgorithms: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export const symmetricIdTokenAlgorithms: readonly string[] = ['HS256', 'HS384', 'HS512'];

/** Allowed disagreement between MedVeil's clock and the provider's (seconds). */
export const idTokenClockToleranceSeconds = 30;

export interface IdTokenExpectations {
  readonly issuer: string;
  readonly clientId: string;
  /** The nonce this sign-in sent in its authorisation request. */
  readonly nonce: string;
  readonly algorithms: readonly string[];
  readonly now: number;
}

/** The facts of a checked ID token that MedVeil uses. */
export interface IdTokenClaims {
  readonly issuer: string;
  readonly subject: string;
  /** RFC 8176 authentication method references, as the provider stated them. */
  readonly amr: readonly string[];
  /** The authentication context class reference (OIDC Core 2), if any. */
  readonly acr: string | undefined;
  /** Every claim, for the claim that names the account. */
  readonly claims: Readonly<JWTPayload>;
}

export type IdTokenProblem =
  | 'malformed'
  | 'algorithm-not-allowed'
  | 'unknown-key'
  | 'bad-signature'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'wrong-authorized-party'
  | 'expired'
  | 'not-yet-valid'
  | 'nonce-mismatch';

export type IdTokenCheck = { readonly outcome: 'valid'; readonly token: IdTokenClaims } | { readonly outcome: 'refused'; readonly problem: IdTokenProblem };

/**
 * Checks `idToken` against `expected`. `keys` resolves the verification key from the token's
 * header (the provider's JWKS, or the client secret for an allowed HS algorithm); it is asked
 * only once the algorithm is on the allow-list. A key set that cannot be fetched is not a
 * verdict on the token: that error is thrown.
 */
export async function verifyIdToken(idToken: string, keys: JWTVerifyGetKey, expected: IdTokenExpectations): Promise<IdTokenCheck> {
  const refused = (problem: IdTokenProblem): IdTokenCheck => ({ outcome: 'refused', problem });
  let alg: unknown;
  try {
    ({ alg } = decodeProtectedHeader(idToken));
  } catch {
    return refused('malformed');
  }
  if (typeof alg !== 'string' || alg === 'none' || !expected.algorithms.includes(alg)) return refused('algorithm-not-allowed');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, keys, {
      algorithms: [...expected.algorithms],
      issuer: expected.issuer,
      audience: expected.clientId,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      currentDate: new Date(expected.now),
      clockTolerance: idTokenClockToleranceSeconds,
    }));
  } catch (error) {
    const problem = problemOf(error);
    if (problem === undefined) throw error;
    return refused(problem);
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  // OIDC Core 3.1.3.7 items 4 and 5: with other audiences, or whenever present, azp is this client.
  if ((audiences.length > 1 || payload.azp !== undefined) && payload.azp !== expected.clientId) return refused('wrong-authorized-party');
  if (payload.nonce !== expected.nonce) return refused('nonce-mismatch');
  if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.iss !== 'string') return refused('malformed');
  const amr = Array.isArray(payload.amr) ? payload.amr.filter((value): value is string => typeof value === 'string') : [];
  return {
    outcome: 'valid',
    token: { issuer: payload.iss, subject: payload.sub, amr, acr: typeof payload.acr === 'string' ? payload.acr : undefined, claims: payload },
  };
}

/** The problem a jose error names, or undefined for a failure to fetch or read the key set. */
function problemOf(error: unknown): IdTokenProblem | undefined {
  if (!(error instanceof errors.JOSEError)) return undefined;
  const code = error.code;
  const claim = (error as { claim?: unknown }).claim;
  switch (code) {
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return 'malformed';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'algorithm-not-allowed';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'unknown-key';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad-signature';
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'iss') return 'wrong-issuer';
      if (claim === 'aud') return 'wrong-audience';
      if (claim === 'nbf' || claim === 'iat') return 'not-yet-valid';
      return 'malformed';
    default:
      return undefined;
  }
}
