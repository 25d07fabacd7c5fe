import type { Role } from '../access/role.js';
import { lockedUntil } from '../access/identity/lockout.js';
import type { UserRecord } from '../storage/account-store.js';

/** Roles whose sessions must carry a second factor (issue 4: admin, DSO, director). */
export const MFA_ROLES: readonly Role[] = ['admin', 'dso', 'director'];

export function requiresMfa(user: Pick<UserRecord, 'roles'>): boolean {
  return user.roles.some((role) => MFA_ROLES.includes(role));
}

/** What the API shows of an account: never its hash, TOTP secret or failure history. */
export interface UserView {
  name: string;
  displayName?: string;
  roles: Role[];
  departments: string[];
  directorOf: string[];
  disabled: boolean;
  deleted: boolean;
  mfaRequired: boolean;
  mfaEnrolled: boolean;
  /** An administrator set the password; the person must choose their own before anything else. */
  passwordChangeRequired: boolean;
  lockedUntil?: string;
  createdAt: string;
  createdBy: string;
}

export function userView(user: UserRecord, now: number): UserView {
  const locked = lockedUntil(user.lockout, now);
  return {
    name: user.name,
    ...(user.displayName === undefined ? {} : { displayName: user.displayName }),
    roles: [...user.roles],
    departments: [...user.departments],
    directorOf: [...user.directorOf],
    disabled: user.disabled,
    deleted: user.deletedAt !== undefined,
    mfaRequired: requiresMfa(user),
    mfaEnrolled: user.totp !== undefined,
    passwordChangeRequired: user.passwordChangeRequired === true,
    ...(locked === undefined ? {} : { lockedUntil: new Date(locked).toISOString() }),
    createdAt: new Date(user.createdAt).toISOString(),
    createdBy: user.createdBy,
  };
}
