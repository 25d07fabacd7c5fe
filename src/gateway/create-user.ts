import { freshLockoutState } from '../access/identity/lockout.js';
import type { UserRecord } from '../storage/account-store.js';
import type { AccountDeps } from './account-deps.js';
import { checkAccountFacts } from './account-facts.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';
import { hashNewPassword } from './new-password.js';
import { USER_NAME_RULE, canonicalUserName, isAssignableUserName } from './user-name.js';

export interface CreateUserInput {
  /** The administrator acting, as the account store holds them. */
  readonly by: UserRecord;
  readonly userName: unknown;
  readonly password: unknown;
  readonly displayName?: string | undefined;
  readonly roles: unknown;
  readonly departments?: unknown;
  readonly directorOf?: unknown;
}

export type CreateUserResult = { readonly outcome: 'created'; readonly user: UserRecord } | AccountRefusal;

/**
 * An administrator creates an account with an initial password that meets the policy. The
 * name is new for good: deleted accounts keep theirs, so an audit trail never shows two
 * people under one name.
 */
export async function createUser(deps: AccountDeps, input: CreateUserInput): Promise<CreateUserResult> {
  if (!input.by.roles.includes('admin')) return refusal('not-admin', 'only an administrator creates users');
  const name = canonicalUserName(input.userName);
  if (name === undefined || !isAssignableUserName(name)) return refusal('invalid-user-name', `a user name has ${USER_NAME_RULE}, and is not a reserved name`);
  if ((await deps.accounts.findUser(name)) !== undefined) return refusal('name-taken', `the name ${name} is taken (names of deleted users are not given again)`);
  const facts = await checkAccountFacts(deps.accounts, input);
  if ('outcome' in facts) return facts;
  const password = await hashNewPassword(deps, input.password, name);
  if ('outcome' in password) return password;
  const now = deps.clock.now();
  const user: UserRecord = {
    name,
    displayName: input.displayName,
    passwordHash: password.hash,
    ...facts,
    totp: undefined,
    pendingTotp: undefined,
    lockout: { ...freshLockoutState },
    disabled: false,
    deletedAt: undefined,
    createdAt: now,
    createdBy: input.by.name,
    updatedAt: now,
  };
  await deps.audit.append({
    type: 'policy-change',
    outcome: 'success',
    actor: auditActorOf(input.by),
    detail: {
      action: 'create-user',
      target: name,
      roles: facts.roles.join(','),
      ...(facts.departments.length > 0 ? { departments: facts.departments.join(',') } : {}),
      ...(facts.directorOf.length > 0 ? { directorOf: facts.directorOf.join(',') } : {}),
    },
  });
  if (!(await deps.accounts.insertUser(user))) return refusal('name-taken', `the name ${name} is taken`);
  return { outcome: 'created', user };
}
