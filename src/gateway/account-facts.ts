import { parseActor } from '../access/actor.js';
import { MedVeilError } from '../errors.js';
import type { Role } from '../access/role.js';
import type { AccountStore } from '../storage/account-store.js';
import { refusal, type AccountRefusal } from './account-refusal.js';

export interface AccountFacts {
  readonly roles: readonly Role[];
  readonly departments: readonly string[];
  readonly directorOf: readonly string[];
}

const DEPARTMENT_ID = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export function isDepartmentId(value: unknown): value is string {
  return typeof value === 'string' && DEPARTMENT_ID.test(value);
}

/**
 * Checks the authorisation facts of an account as the access core will read them
 * (`parseActor`: known roles, a director directs a department and only a director does) and
 * that every department named exists, so a typo cannot create an empty department nobody
 * belongs to.
 */
export async function checkAccountFacts(
  accounts: Pick<AccountStore, 'listDepartments'>,
  facts: { roles: unknown; departments?: unknown; directorOf?: unknown },
): Promise<AccountFacts | AccountRefusal> {
  let actor;
  try {
    actor = parseActor({ userId: 'candidate', roles: facts.roles, departments: facts.departments ?? [], directorOf: facts.directorOf ?? [] });
  } catch (error) {
    if (error instanceof MedVeilError) return refusal('invalid-roles', error.hint === undefined ? error.message : `${error.message}; ${error.hint}`);
    throw error;
  }
  if (actor.roles.length === 0) return refusal('invalid-roles', 'a user needs at least one role');
  const named = [...new Set([...actor.departments, ...actor.directorOf])];
  const malformed = named.filter((id) => !isDepartmentId(id));
  if (malformed.length > 0) return refusal('invalid-department', `not a department id: ${malformed.join(', ')}`);
  const known = new Set((await accounts.listDepartments()).map((department) => department.id));
  const unknown = named.filter((id) => !known.has(id));
  if (unknown.length > 0) return refusal('unknown-department', `no such department: ${unknown.join(', ')}; create it first (POST /api/departments)`);
  return { roles: actor.roles, departments: [...new Set(actor.departments)], directorOf: [...new Set(actor.directorOf)] };
}
