import { apiTokenDigest, apiTokenStatus, looksLikeApiToken } from '../access/identity/api-token.js';
import { verifySessionToken, type SessionVerificationKeys } from '../access/identity/session-token.js';
import type { VerifiedSessionCache } from '../access/identity/verified-session-cache.js';
import type { AccountStore } from '../storage/account-store.js';
import type { Principal } from './route-access.js';

// RFC 6750 2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 9110 11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The principal behind an Authorization header (attacker-controlled): a session token checked
 * by session-token.ts against revocation and the account as it is now (a deleted or disabled
 * account ends its sessions at once), or an API token looked up by digest. A missing header is
 * anonymous; a refused one is anonymous with its problem. `sessions` reuses the signature
 * checks of tokens seen in the last seconds; revocation and the account are read every time.
 */
export async function resolvePrincipal(
  authorization: string | undefined,
  deps: { accounts: AccountStore; sessionKeys: SessionVerificationKeys; issuer: string; now: number; sessions?: VerifiedSessionCache },
): Promise<Principal> {
  if (authorization === undefined || authorization === '') return { kind: 'anonymous' };
  const match = BEARER.exec(authorization);
  if (match === null) return { kind: 'anonymous', problem: 'malformed-authorization' };
  const presented = match[1]!;
  if (looksLikeApiToken(presented)) {
    const token = await deps.accounts.findApiTokenByDigest(apiTokenDigest(presented));
    if (token === undefined) return { kind: 'anonymous', problem: 'unknown-api-token' };
    const status = apiTokenStatus(token, deps.now);
    if (status !== 'valid') return { kind: 'anonymous', problem: status === 'expired' ? 'api-token-expired' : 'api-token-revoked' };
    // A token acts for its owner as the owner is now: a deleted or disabled owner ends it.
    if (token.owner === undefined) return { kind: 'anonymous', problem: 'api-token-without-owner' };
    const owner = await deps.accounts.findUser(token.owner);
    if (owner === undefined || owner.deletedAt !== undefined || owner.disabled) return { kind: 'anonymous', problem: 'account-unavailable' };
    return { kind: 'api-token', token, owner };
  }
  const verified = await verifySessionToken(presented, {
    keys: deps.sessionKeys,
    issuer: deps.issuer,
    now: deps.now,
    revocations: { isRevoked: (tokenId) => deps.accounts.isSessionRevoked(tokenId) },
    ...(deps.sessions === undefined ? {} : { cache: deps.sessions }),
  });
  if (verified.outcome !== 'valid') return { kind: 'anonymous', problem: verified.outcome };
  const user = await deps.accounts.findUser(verified.session.userId);
  if (user === undefined || user.deletedAt !== undefined || user.disabled) return { kind: 'anonymous', problem: 'account-unavailable' };
  // A password change or reset voids every session issued before it (gateway/change-password.ts).
  if (user.sessionsNotBefore !== undefined && verified.session.issuedAt < user.sessionsNotBefore) return { kind: 'anonymous', problem: 'revoked' };
  return { kind: 'session', user, session: verified.session };
}
