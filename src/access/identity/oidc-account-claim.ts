import type { JWTPayload } from 'jose';

/**
 * Who a person is at an OpenID provider: the `iss` and `sub` claims of their ID tokens, which
 * together are unique and never reassigned (OIDC Core 1.0 section 2, `sub`).
 */
export interface OidcIdentity {
  readonly issuer: string;
  readonly subject: string;
}

/**
 * Which MedVeil account an OpenID provider's ID token names (docs/accounts.md, "OIDC"). OIDC
 * sign-in never creates an account: an administrator makes it, with its roles and
 * departments, and either
 *
 * - `username`: gives it the name the provider puts in one claim (by default
 *   `preferred_username`, as Keycloak does; `upn` or `email` for others), or
 * - `subject`: links it to the provider's issuer and subject (`iss` + `sub`), which the provider
 *   never reassigns (OIDC Core 1.0 section 5.7 warns that other claims may be).
 */
export type OidcAccountLink = { readonly by: 'username'; readonly claim: string } | { readonly by: 'subject' };

export type OidcAccountLookup =
  | { readonly kind: 'user-name'; readonly name: string }
  | { readonly kind: 'identity'; readonly identity: OidcIdentity }
  | { readonly kind: 'unusable'; readonly problem: 'claim-missing' | 'claim-not-a-user-name' };

/**
 * Where to look for the account of a checked ID token. `canonicalName` is the gateway's rule
 * for login names, so that `Jane.Doe` at the provider is the account `jane.doe`.
 */
export function oidcAccountLookup(
  token: { readonly issuer: string; readonly subject: string; readonly claims: Readonly<JWTPayload> },
  link: OidcAccountLink,
  canonicalName: (typed: unknown) => string | undefined,
): OidcAccountLookup {
  if (link.by === 'subject') return { kind: 'identity', identity: { issuer: token.issuer, subject: token.subject } };
  const value = token.claims[link.claim];
  if (value === undefined || value === null || value === '') return { kind: 'unusable', problem: 'claim-missing' };
  const name = canonicalName(value);
  return name === undefined ? { kind: 'unusable', problem: 'claim-not-a-user-name' } : { kind: 'user-name', name };
}

/**
 * Whether an account found by its name may be signed in as this provider identity. An account
 * that an administrator also linked to a subject accepts only that subject, so a user name the
 * provider later gives to someone else does not carry the account with it.
 */
export function accountAcceptsIdentity(account: { readonly oidc?: OidcIdentity | undefined }, identity: OidcIdentity): boolean {
  if (account.oidc === undefined || account.oidc.issuer !== identity.issuer) return true;
  return account.oidc.subject === identity.subject;
}
