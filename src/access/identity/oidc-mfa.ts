/**
 * Whether an OIDC sign-in carries a second factor, and what MedVeil then asks for. A provider's
 * word on multi-factor authentication counts only when the deployment lists the `amr` values
 * (RFC 8176, such as `mfa`, `otp`, `hwk`) or the `acr` values (OIDC Core 2, such as Keycloak's
 * level `2` or a URI of the hospital's assurance policy) that mean it. With nothing listed,
 * nothing from the provider counts, and the MedVeil TOTP code is asked for instead.
 */
export interface OidcMfaPolicy {
  readonly amrValues: readonly string[];
  readonly acrValues: readonly string[];
}

export function providerAssertsMfa(token: { readonly amr: readonly string[]; readonly acr: string | undefined }, policy: OidcMfaPolicy): boolean {
  if (token.amr.some((method) => policy.amrValues.includes(method))) return true;
  return token.acr !== undefined && policy.acrValues.includes(token.acr);
}

/**
 * - `provider`: the provider's second factor counts; the session has both factors.
 * - `totp`: the account has a MedVeil TOTP factor and must give its code before any session.
 * - `enrol`: the account's roles need a second factor it has not enrolled; as after a password
 *   sign-in, the session may only enrol one (route-access.ts, `session-enrolling`).
 * - `none`: one factor is all the account needs.
 */
export type OidcSecondFactor = 'provider' | 'totp' | 'enrol' | 'none';

export function oidcSecondFactor(facts: { readonly providerMfa: boolean; readonly totpEnrolled: boolean; readonly rolesNeedMfa: boolean }): OidcSecondFactor {
  if (facts.providerMfa) return 'provider';
  if (facts.totpEnrolled) return 'totp';
  return facts.rolesNeedMfa ? 'enrol' : 'none';
}
