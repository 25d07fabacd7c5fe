import { randomBytes, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { VerifiedSessionCache } from './verified-session-cache.js';

/**
 * Session tokens: JWTs (RFC 7519) signed with Ed25519 (`alg: EdDSA`, RFC 8037), explicitly
 * typed (RFC 8725 3.11) and short-lived. The verifier follows RFC 8725 3.1: it accepts one
 * algorithm only, so `alg: none` and an HMAC signed with our public key (the algorithm swap)
 * are refused before any key is used. Times are milliseconds since the Unix epoch, passed in.
 */
const algorithm = 'EdDSA';
const tokenType = 'medveil-session+jwt';

/** How the user proved who they are, as RFC 8176 names it: a password, a one-time code. */
export type AuthenticationMethod = 'pwd' | 'otp';
const authenticationMethods: ReadonlySet<string> = new Set<AuthenticationMethod>(['pwd', 'otp']);

export const defaultSessionLifetimeMs = 15 * 60_000;
/** Allowed disagreement between the clocks of the gateway instances that issue and verify. */
export const defaultClockToleranceSeconds = 5;

export interface SessionSigningKey {
  /** The key id (`kid`) verifiers look the public key up by; see sessionKeyId(). */
  kid: string;
  privateKey: KeyObject;
}

/** The public keys a verifier trusts, by `kid`; old keys stay here until their tokens expire. */
export interface SessionVerificationKeys {
  publicKey(kid: string): KeyObject | undefined;
}

/** Revoked token ids (`jti`), kept at least until the tokens' expiry. */
export interface SessionRevocations {
  isRevoked(tokenId: string): boolean | Promise<boolean>;
}

export interface Session {
  userId: string;
  methods: AuthenticationMethod[];
  tokenId: string;
  issuedAt: number;
  expiresAt: number;
}

export type SessionTokenProblem =
  | 'malformed'
  | 'wrong-type'
  | 'wrong-algorithm'
  | 'unknown-key'
  | 'bad-signature'
  | 'wrong-issuer'
  | 'expired'
  | 'not-yet-valid'
  | 'revoked';

export type SessionVerification = { outcome: 'valid'; session: Session } | { outcome: SessionTokenProblem };

/** The RFC 7638 JWK thumbprint of an Ed25519 public key, a stable `kid` for it. */
export async function sessionKeyId(publicKey: KeyObject): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(publicKey), 'sha256');
}

/** A signed session for `userId`, with a fresh 128-bit `jti` for revocation. */
export async function issueSessionToken(
  subject: { userId: string; methods: readonly AuthenticationMethod[] },
  options: { key: SessionSigningKey; issuer: string; now: number; lifetimeMs?: number },
): Promise<{ token: string; session: Session }> {
  const issuedAt = Math.floor(options.now / 1000);
  const expiresAt = issuedAt + Math.floor((options.lifetimeMs ?? defaultSessionLifetimeMs) / 1000);
  const session: Session = {
    userId: subject.userId,
    methods: [...new Set(subject.methods)],
    tokenId: randomBytes(16).toString('base64url'),
    issuedAt: issuedAt * 1000,
    expiresAt: expiresAt * 1000,
  };
  const token = await new SignJWT({ amr: session.methods })
    .setProtectedHeader({ alg: algorithm, typ: tokenType, kid: options.key.kid })
    .setIssuer(options.issuer)
    .setSubject(session.userId)
    .setJti(session.tokenId)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(options.key.privateKey);
  return { token, session };
}

class UnknownKey extends Error {}

/**
 * Checks `token` (attacker-controlled) and returns the session or the first problem found.
 * Revocation is asked only once the signature and claims hold, and on every call: `cache`
 * (verified-session-cache.ts) spares only the signature and claims of a token seen recently.
 */
export async function verifySessionToken(
  token: string,
  options: {
    keys: SessionVerificationKeys;
    issuer: string;
    now: number;
    revocations: SessionRevocations;
    clockToleranceSeconds?: number;
    cache?: VerifiedSessionCache;
  },
): Promise<SessionVerification> {
  const session = options.cache?.lookup(token, options.now) ?? (await verifySignedSession(token, options));
  if (typeof session === 'string') return { outcome: session };
  if (await options.revocations.isRevoked(session.tokenId)) return { outcome: 'revoked' };
  return { outcome: 'valid', session };
}

/** The session a token's signature and claims vouch for, remembered in the cache, or the problem. */
async function verifySignedSession(
  token: string,
  options: { keys: SessionVerificationKeys; issuer: string; now: number; clockToleranceSeconds?: number; cache?: VerifiedSessionCache },
): Promise<Session | SessionTokenProblem> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid === undefined ? undefined : options.keys.publicKey(header.kid);
        if (key === undefined) throw new UnknownKey();
        return key;
      },
      {
        algorithms: [algorithm],
        typ: tokenType,
        issuer: options.issuer,
        requiredClaims: ['sub', 'jti', 'iat', 'nbf', 'exp'],
        currentDate: new Date(options.now),
        clockTolerance: options.clockToleranceSeconds ?? defaultClockToleranceSeconds,
      },
    ));
  } catch (error) {
    return problemOf(error);
  }
  const session = sessionOf(payload);
  if (session === undefined) return 'malformed';
  options.cache?.remember(token, session, options.now);
  return session;
}

/** Whether the session was opened with a password and a one-time code. */
export function sessionHasMultipleFactors(session: Session): boolean {
  return session.methods.includes('pwd') && session.methods.includes('otp');
}

function sessionOf(payload: JWTPayload): Session | undefined {
  const { sub, jti, iat, exp, amr } = payload;
  if (typeof sub !== 'string' || sub === '' || typeof jti !== 'string' || jti === '') return undefined;
  if (typeof iat !== 'number' || typeof exp !== 'number') return undefined;
  if (!Array.isArray(amr) || !amr.every((method) => typeof method === 'string' && authenticationMethods.has(method))) {
    return undefined;
  }
  return { userId: sub, methods: amr as AuthenticationMethod[], tokenId: jti, issuedAt: iat * 1000, expiresAt: exp * 1000 };
}

function problemOf(error: unknown): SessionTokenProblem {
  if (error instanceof UnknownKey) return 'unknown-key';
  const code = (error as { code?: unknown }).code;
  const claim = (error as { claim?: unknown }).claim;
  switch (code) {
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'wrong-algorithm';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad-signature';
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'iss') return 'wrong-issuer';
      if (claim === 'typ') return 'wrong-type';
      if (claim === 'nbf' || claim === 'iat') return 'not-yet-valid';
      return 'malformed';
    default:
      return 'malformed';
  }
}
