import { freshLockoutState } from '../access/identity/lockout.js';
import type { UserChange, UserRecord } from '../storage/account-store.js';
import type { AccountDeps } from './account-deps.js';
import { checkAccountFacts } from './account-facts.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';
import { sessionsNotBeforeAfter } from './change-password.js';
import { hashNewPassword } from './new-password.js';

export interface UpdateUserInput {
  readonly by: UserRecord;
  readonly userName: string;
  readonly change: {
    readonly displayName?: string | null;
    readonly roles?: unknown;
    readonly departments?: unknown;
    readonly directorOf?: unknown;
    readonly disabled?: boolean;
    readonly password?: unknown;
  };
}

export type UpdateUserResult = { readonly outcome: 'updated'; readonly user: UserRecord } | AccountRefusal;

/**
 * An administrator changes an account. On their own account an administrator may change only
 * the display name: roles, departments and the disabled flag of oneself are someone else's
 * decision, so an administrator can never grant themselves data access (issue 4).
 *
 * A password set here is a reset: it is for one sign-in only (the person must choose their own
 * before anything else, POST /api/me/password), the account's sessions end, and a lock from
 * failed sign-ins is lifted. So an administrator who signs in with it leaves a trace the
 * owner of the account notices: their own password no longer works.
 */
export async function updateUser(deps: AccountDeps, input: UpdateUserInput): Promise<UpdateUserResult> {
  const { by, change } = input;
  if (!by.roles.includes('admin')) return refusal('not-admin', 'only an administrator changes users');
  const target = await deps.accounts.findUser(input.userName);
  if (target === undefined || target.deletedAt !== undefined) return refusal('unknown-user', `no user ${input.userName}`);
  const touchesAuthority = ['roles', 'departments', 'directorOf', 'disabled', 'password'].some((field) => field in change && (change as Record<string, unknown>)[field] !== undefined);
  if (target.name === by.name && touchesAuthority) {
    return refusal('self-change', 'another administrator must change your roles, departments, password or status');
  }
  const next: { -readonly [K in keyof UserChange]: UserChange[K] } = {};
  const changed: string[] = [];
  if (change.displayName !== undefined) {
    next.displayName = change.displayName ?? undefined;
    changed.push('displayName');
  }
  if (change.roles !== undefined || change.departments !== undefined || change.directorOf !== undefined) {
    const facts = await checkAccountFacts(deps.accounts, {
      roles: change.roles ?? target.roles,
      departments: change.departments ?? target.departments,
      directorOf: change.directorOf ?? target.directorOf,
    });
    if ('outcome' in facts) return facts;
    Object.assign(next, facts);
    changed.push(...(['roles', 'departments', 'directorOf'] as const).filter((field) => change[field] !== undefined));
  }
  if (change.disabled !== undefined) {
    next.disabled = change.disabled;
    changed.push('disabled');
  }
  if (change.password !== undefined) {
    const password = await hashNewPassword(deps, change.password, target.name);
    if ('outcome' in password) return password;
    next.passwordHash = password.hash;
    next.passwordChangeRequired = true;
    next.sessionsNotBefore = sessionsNotBeforeAfter(deps.clock.now());
    changed.push('password');
  }
  if (changed.length === 0) return { outcome: 'updated', user: target };
  const now = deps.clock.now();
  await deps.audit.append({
    type: 'policy-change',
    outcome: 'success',
    actor: auditActorOf(by),
    detail: {
      action: 'update-user',
      target: target.name,
      changed: changed.join(','),
      ...(next.roles === undefined ? {} : { roles: next.roles.join(',') }),
      ...(next.disabled === undefined ? {} : { disabled: String(next.disabled) }),
    },
  });
  if (!(await deps.accounts.updateUser(target.name, next, now))) return refusal('unknown-user', `no user ${target.name}`);
  if (next.passwordHash !== undefined) await deps.accounts.updateLockout(target.name, () => ({ ...freshLockoutState }));
  return { outcome: 'updated', user: (await deps.accounts.findUser(target.name)) ?? target };
}

/**
 * Deletes an account: it can no longer sign in and its sessions stop at their next request,
 * but its record stays, so its name is never given to someone else and the audit trail keeps
 * one meaning for it. Not for one's own account.
 */
export async function deleteUser(deps: AccountDeps, input: { by: UserRecord; userName: string }): Promise<{ readonly outcome: 'deleted' } | AccountRefusal> {
  if (!input.by.roles.includes('admin')) return refusal('not-admin', 'only an administrator deletes users');
  if (input.userName === input.by.name) return refusal('self-change', 'another administrator must delete your account');
  const target = await deps.accounts.findUser(input.userName);
  if (target === undefined || target.deletedAt !== undefined) return refusal('unknown-user', `no user ${input.userName}`);
  const now = deps.clock.now();
  await deps.audit.append({ type: 'policy-change', outcome: 'success', actor: auditActorOf(input.by), detail: { action: 'delete-user', target: target.name } });
  if (!(await deps.accounts.updateUser(target.name, { deletedAt: now, disabled: true, totp: undefined, pendingTotp: undefined }, now))) {
    return refusal('unknown-user', `no user ${target.name}`);
  }
  return { outcome: 'deleted' };
}
