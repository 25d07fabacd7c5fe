/**
 * Why an account use case did nothing. A refusal is an answer to bad or unauthorised input,
 * not an error of ours: the HTTP layer turns each reason into a status and an audit detail.
 */
export type AccountRefusalReason =
  | 'not-admin'
  | 'self-change'
  | 'invalid-user-name'
  | 'name-taken'
  | 'unknown-user'
  | 'invalid-roles'
  | 'unknown-department'
  | 'invalid-department'
  | 'weak-password'
  | 'not-a-care-role'
  | 'invalid-patient-ref'
  | 'unknown-care-relationship'
  | 'care-relationship-exists'
  | 'invalid-token-request'
  | 'unknown-token'
  | 'already-revoked'
  | 'already-enrolled'
  | 'no-pending-enrolment'
  | 'totp-invalid'
  | 'already-bootstrapped'
  | 'no-bootstrap-code'
  | 'bootstrap-code-wrong'
  | 'bootstrap-code-malformed'
  | 'bootstrap-code-expired'
  | 'bootstrap-code-used'
  | 'bootstrap-code-exhausted'
  | 'invalid-credentials'
  | 'account-locked'
  | 'totp-required'
  | 'wrong-password'
  | 'not-dso'
  | 'invalid-level'
  | 'invalid-level-reason'
  | 'unknown-study'
  | 'mfa-role-token'
  | 'oidc-state-invalid'
  | 'oidc-refused'
  | 'oidc-no-account'
  | 'oidc-unavailable'
  | 'mfa-ticket-invalid'
  | 'invalid-oidc-identity'
  | 'oidc-identity-taken';

export interface AccountRefusal {
  readonly outcome: 'refused';
  readonly reason: AccountRefusalReason;
  /** Text for the person: what is wrong and what to do. Never holds a secret. */
  readonly message: string;
  /** Codes that detail the reason, such as the password-policy problems. */
  readonly problems?: readonly string[];
  /** For `account-locked`: when a new attempt may succeed (ms since the epoch). */
  readonly retryAt?: number;
}

export function refusal(reason: AccountRefusalReason, message: string, extra: { problems?: readonly string[]; retryAt?: number } = {}): AccountRefusal {
  return { outcome: 'refused', reason, message, ...extra };
}
