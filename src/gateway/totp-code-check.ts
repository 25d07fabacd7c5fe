/**
 * The one check of a TOTP code that signing in, finishing an OIDC sign-in and changing a
 * password share: the code must verify against the account's sealed secret, and its time step
 * must be later than the last one accepted, so a code is spent once even by concurrent
 * requests (the store takes the step atomically).
 */
import { verifyTotp } from '../access/identity/totp.js';
import type { AccountStore, UserRecord } from '../storage/account-store.js';
import type { SecretSealing } from './account-deps.js';
import { openTotpSecret } from './sealed-totp-secret.js';

export interface TotpCodeCheckDeps {
  readonly accounts: Pick<AccountStore, 'acceptTotpStep'>;
  readonly secrets: SecretSealing;
}

/** `accepted`, or the reason for the audit event of the failed attempt (`totp-replayed`, `totp-<outcome>`). */
export type TotpCodeCheck = { readonly outcome: 'accepted' } | { readonly outcome: 'refused'; readonly auditReason: string };

export async function checkTotpCode(
  deps: TotpCodeCheckDeps,
  user: UserRecord & { readonly totp: NonNullable<UserRecord['totp']> },
  code: unknown,
  now: number,
): Promise<TotpCodeCheck> {
  const secret = openTotpSecret(user.totp.secret, user.name, deps.secrets.master);
  const check = await verifyTotp(secret, typeof code === 'string' ? code : '', {
    now,
    ...(user.totp.lastAcceptedStep === undefined ? {} : { lastAcceptedStep: user.totp.lastAcceptedStep }),
  });
  if (check.outcome !== 'accepted') return { outcome: 'refused', auditReason: `totp-${check.outcome}` };
  if (!(await deps.accounts.acceptTotpStep(user.name, check.timeStep))) return { outcome: 'refused', auditReason: 'totp-replayed' };
  return { outcome: 'accepted' };
}
