import { type RequestRefusal, requestRefusal } from '../access/requests/request-refusal.js';
import type { UserRecord } from '../storage/account-store.js';
import type { AccessRequestDeps } from './access-request-deps.js';
import { checkTotpCode } from './totp-code-check.js';

/**
 * What approving and rejecting check before the request is read: the person holds a role that
 * approves (DSO or director: everyone else is refused alike, whether the request exists or
 * not), and gives a fresh code of their second factor, spent once (totp-code-check.ts).
 */
export async function checkApprover(deps: AccessRequestDeps, by: UserRecord, totp: unknown, now: number): Promise<RequestRefusal | undefined> {
  if (!by.roles.includes('dso') && !by.roles.includes('director')) return requestRefusal('not-an-approver');
  if (by.totp === undefined) return requestRefusal('totp-required', 'enrol a second factor (POST /api/me/totp) and send a fresh code as `totp`');
  if (typeof totp !== 'string' || totp === '') return requestRefusal('totp-required');
  const check = await checkTotpCode({ accounts: deps.accounts, secrets: deps.secrets }, { ...by, totp: by.totp }, totp, now);
  return check.outcome === 'accepted' ? undefined : requestRefusal('totp-invalid');
}
