import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { MedVeilError } from '../../errors.js';

/**
 * Opaque API tokens for services (a PACS forwarder, an AI vendor's puller): `mv_` and 32
 * random bytes in base64url. The gateway keeps only the SHA-256 of a token; a fast hash is
 * enough because the token has 256 bits of entropy, unlike a password.
 */
const prefix = 'mv_';
const secretBytes = 32;
const tokenPattern = /^mv_[A-Za-z0-9_-]{43}$/;

/**
 * Everything an API token can ever be allowed. Managing users, approving requests, granting
 * access, break-glass and every other action that needs a person with a second factor is
 * absent on purpose: an API token carries no one-time code, so it can never stand in for MFA.
 */
export const apiTokenScopes = ['dicomweb:read', 'dicomweb:store', 'dimse', 'audit:read'] as const;
export type ApiTokenScope = (typeof apiTokenScopes)[number];
const scopeSet: ReadonlySet<string> = new Set(apiTokenScopes);

/** The longest life a token may be given: there are no tokens that never expire. */
export const maximumApiTokenLifetimeMs = 366 * 24 * 3_600_000;

export interface ApiTokenRecord {
  /** Public identifier, for listing and revoking; not a secret. */
  id: string;
  name: string;
  /** SHA-256 of the whole token text, lowercase hex. */
  digest: string;
  scopes: ApiTokenScope[];
  createdAt: number;
  expiresAt: number;
  revokedAt?: number;
}

export type ApiTokenStatus = 'valid' | 'expired' | 'revoked';

/** SHA-256 of `token`, the key under which its record is stored and looked up. */
export function apiTokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether `presented` has the shape of an API token, so a lookup is worth doing. */
export function looksLikeApiToken(presented: string): boolean {
  return tokenPattern.test(presented);
}

/**
 * A new token and its record. The token text is returned once, to show to the administrator;
 * only the record is stored.
 */
export function issueApiToken(
  request: { name: string; scopes: readonly string[]; expiresAt: number },
  options: { now: number },
): { token: string; record: ApiTokenRecord } {
  const unknown = request.scopes.filter((scope) => !scopeSet.has(scope));
  if (unknown.length > 0 || request.scopes.length === 0) {
    throw new MedVeilError('token', `an API token needs scopes from: ${apiTokenScopes.join(', ')}`, {
      hint: unknown.length > 0 ? `not an API token scope: ${unknown.join(', ')}` : 'name at least one scope',
    });
  }
  const lifetime = request.expiresAt - options.now;
  if (!(lifetime > 0 && lifetime <= maximumApiTokenLifetimeMs)) {
    throw new MedVeilError('token', 'an API token must expire after now and within 366 days', {
      hint: 'give an expiry date within the next year',
    });
  }
  const token = prefix + randomBytes(secretBytes).toString('base64url');
  const record: ApiTokenRecord = {
    id: randomBytes(9).toString('base64url'),
    name: request.name,
    digest: apiTokenDigest(token),
    scopes: [...new Set(request.scopes as readonly ApiTokenScope[])],
    createdAt: options.now,
    expiresAt: request.expiresAt,
  };
  return { token, record };
}

/** Whether `presented` is the token of `record`, compared in constant time. */
export function matchesApiToken(record: ApiTokenRecord, presented: string): boolean {
  const expected = Buffer.from(record.digest, 'hex');
  const actual = Buffer.from(apiTokenDigest(presented), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function apiTokenStatus(record: ApiTokenRecord, now: number): ApiTokenStatus {
  if (record.revokedAt !== undefined && record.revokedAt <= now) return 'revoked';
  return now < record.expiresAt ? 'valid' : 'expired';
}

export function revokeApiToken(record: ApiTokenRecord, now: number): ApiTokenRecord {
  return record.revokedAt !== undefined ? record : { ...record, revokedAt: now };
}

/**
 * Whether `record` allows `request.scope` at `request.now`: the token is valid, the scope is
 * one of apiTokenScopes and the token was given it. Any other requirement (an admin action,
 * an approval, anything that needs MFA) is refused, even if a stored record was altered to
 * list it.
 */
export function apiTokenAllows(record: ApiTokenRecord, request: { scope: string; now: number }): boolean {
  return (
    apiTokenStatus(record, request.now) === 'valid' &&
    scopeSet.has(request.scope) &&
    (record.scopes as readonly string[]).includes(request.scope)
  );
}
