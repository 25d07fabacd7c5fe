import { apiTokenAllows, type ApiTokenScope } from '../access/identity/api-token.js';
import { sessionHasMultipleFactors, type Session, type SessionTokenProblem } from '../access/identity/session-token.js';
import { requiresMfa } from '../gateway/user-view.js';
import type { StoredApiToken, UserRecord } from '../storage/account-store.js';

/**
 * Who is asking, as the credentials of a request show it. `anonymous` carries the problem of a
 * credential that was given but refused, so a route that needs one can say why.
 */
export type Principal =
  | { readonly kind: 'anonymous'; readonly problem?: CredentialProblem }
  | { readonly kind: 'session'; readonly user: UserRecord; readonly session: Session }
  /** A service's token and the account it acts for, as that account is now. */
  | { readonly kind: 'api-token'; readonly token: StoredApiToken; readonly owner: UserRecord };

export type CredentialProblem = SessionTokenProblem | 'malformed-authorization' | 'unknown-api-token' | 'api-token-expired' | 'api-token-revoked' | 'api-token-without-owner' | 'account-unavailable';

/**
 * What a route asks of its caller. Every route declares one (http-app.ts refuses to register a
 * route without), so nothing is reachable by default:
 *
 * - `public`: anyone (health, metrics, sign-in, first-admin bootstrap);
 * - `session-enrolling`: a person signed in, even one whose roles need a second factor they have
 *   not enrolled yet, or whose password an administrator set and who must choose their own;
 *   only for their own session, enrolment and password;
 * - `session`: a person signed in, with a second factor if their roles need one;
 * - `admin`: the same, with the admin role;
 * - `{ scope }`: a person as for `session`, or an API token that holds the scope.
 *
 * No account route accepts an API token: tokens carry no second factor (api-token.ts). A token
 * whose owner's roles need one is refused everywhere, even if it was made before the owner was
 * given such a role.
 */
export type RouteAccess = 'public' | 'session-enrolling' | 'session' | 'admin' | { readonly scope: ApiTokenScope };

export type AccessVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly status: 401 | 403; readonly error: string; readonly reason: string; readonly message: string };

const deny = (status: 401 | 403, error: string, reason: string, message: string): AccessVerdict => ({ allowed: false, status, error, reason, message });

/** Whether `principal` may call a route that asks for `access`, at `now`. */
export function decideRouteAccess(access: RouteAccess, principal: Principal, now: number): AccessVerdict {
  if (access === 'public') return { allowed: true };
  if (principal.kind === 'anonymous') {
    if (principal.problem === undefined) return deny(401, 'authentication-required', 'no-credentials', 'sign in first (POST /api/login) and send the token as Authorization: Bearer <token>');
    const expired = principal.problem === 'expired' || principal.problem === 'api-token-expired';
    return deny(401, 'invalid-token', principal.problem, expired ? 'the token has expired; sign in again' : 'the token is not valid; sign in again');
  }
  if (principal.kind === 'api-token') {
    if (requiresMfa(principal.owner)) {
      return deny(403, 'api-token-not-allowed', 'api-token-mfa-role', "the token's owner has a role that needs a second factor, which a token cannot carry; a person must sign in");
    }
    if (typeof access === 'object' && apiTokenAllows(principal.token, { scope: access.scope, now })) return { allowed: true };
    return deny(403, 'api-token-not-allowed', 'api-token-scope', 'an API token cannot do this; a person must sign in (with a second factor where their role needs one)');
  }
  if (access === 'session-enrolling') return { allowed: true };
  if (principal.user.passwordChangeRequired === true) {
    return deny(403, 'password-change-required', 'password-change-required', 'an administrator set your password: choose your own first (POST /api/me/password)');
  }
  if (requiresMfa(principal.user) && !sessionHasMultipleFactors(principal.session)) {
    return deny(403, 'mfa-required', 'mfa-missing', 'your role needs a second factor: enrol one (POST /api/me/totp) and sign in with its code');
  }
  if (access === 'admin' && !principal.user.roles.includes('admin')) return deny(403, 'forbidden', 'not-admin', 'only an administrator may do this');
  return { allowed: true };
}
