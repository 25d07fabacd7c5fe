import { redeemBootstrapCode, type BootstrapRedemption } from '../access/identity/bootstrap-code.js';
import { freshLockoutState } from '../access/identity/lockout.js';
import type { UserRecord } from '../storage/account-store.js';
import type { AccountDeps } from './account-deps.js';
import { refusal, type AccountRefusal, type AccountRefusalReason } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';
import { hashNewPassword } from './new-password.js';
import { USER_NAME_RULE, canonicalUserName, isAssignableUserName } from './user-name.js';

export interface BootstrapAdminInput {
  readonly code: unknown;
  readonly userName: unknown;
  readonly password: unknown;
  readonly displayName?: string | undefined;
}

export type BootstrapAdminResult = { readonly outcome: 'created'; readonly user: UserRecord } | AccountRefusal;

const codeRefusals: Record<Exclude<BootstrapRedemption['outcome'], 'accepted'>, [AccountRefusalReason, string]> = {
  wrong: ['bootstrap-code-wrong', 'that is not the bootstrap code the server printed'],
  malformed: ['bootstrap-code-malformed', 'a bootstrap code is 16 letters and digits, such as 7K2M-Q9XD-4HNB-WT3R'],
  expired: ['bootstrap-code-expired', 'the bootstrap code has expired; restart the server to print a new one'],
  used: ['bootstrap-code-used', 'the bootstrap code has been used'],
  exhausted: ['bootstrap-code-exhausted', 'too many wrong bootstrap codes; restart the server to print a new one'],
};

/**
 * Creates the first administrator with the one-time code the server printed
 * (access/identity/bootstrap-code.ts). A wrong code counts towards the code's limit; a right
 * code with an unacceptable name or password is not spent, so the person can try again. The
 * code is spent atomically before the account is written, so two requests racing with the
 * right code create one administrator.
 */
export async function bootstrapAdmin(deps: AccountDeps, input: BootstrapAdminInput): Promise<BootstrapAdminResult> {
  const { accounts, clock } = deps;
  if ((await accounts.userCount()) > 0) return refusal('already-bootstrapped', 'an administrator exists already; sign in instead (POST /api/login)');
  const record = await accounts.bootstrapCode();
  if (record === undefined) return refusal('no-bootstrap-code', 'no bootstrap code is active; restart the server to print one');
  const now = clock.now();
  const redemption = redeemBootstrapCode(record, { code: typeof input.code === 'string' ? input.code : '', now });
  if (redemption.outcome !== 'accepted') {
    if (redemption.record !== record) await accounts.swapBootstrapCode(record, redemption.record);
    const [reason, message] = codeRefusals[redemption.outcome];
    return refusal(reason, message);
  }
  const name = canonicalUserName(input.userName);
  if (name === undefined || !isAssignableUserName(name)) return refusal('invalid-user-name', `a user name has ${USER_NAME_RULE}, and is not a reserved name`);
  const password = await hashNewPassword(deps, input.password, name);
  if ('outcome' in password) return password;
  if (!(await accounts.swapBootstrapCode(record, redemption.record))) return refusal('bootstrap-code-used', 'the bootstrap code has been used');

  const admin: UserRecord = {
    name,
    displayName: input.displayName,
    passwordHash: password.hash,
    roles: ['admin'],
    departments: [],
    directorOf: [],
    totp: undefined,
    pendingTotp: undefined,
    lockout: { ...freshLockoutState },
    disabled: false,
    deletedAt: undefined,
    createdAt: now,
    createdBy: 'bootstrap-code',
    updatedAt: now,
  };
  // Recorded before it is written: if the record cannot be made, nothing is created.
  await deps.audit.append({
    type: 'policy-change',
    outcome: 'success',
    actor: auditActorOf(admin),
    detail: { action: 'create-first-admin', target: name, roles: 'admin' },
  });
  if (!(await accounts.insertUser(admin, { onlyIfNoUsers: true }))) {
    return refusal('already-bootstrapped', 'an administrator exists already; sign in instead (POST /api/login)');
  }
  return { outcome: 'created', user: admin };
}
