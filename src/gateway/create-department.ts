import type { Department, UserRecord } from '../storage/account-store.js';
import type { AccountDeps } from './account-deps.js';
import { isDepartmentId } from './account-facts.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';

/** An administrator adds a department that users, directors and studies can then name. */
export async function createDepartment(
  deps: AccountDeps,
  input: { by: UserRecord; id: unknown; name?: string | undefined },
): Promise<{ readonly outcome: 'created'; readonly department: Department } | AccountRefusal> {
  if (!input.by.roles.includes('admin')) return refusal('not-admin', 'only an administrator creates departments');
  if (!isDepartmentId(input.id)) return refusal('invalid-department', 'a department id is 1 to 64 lower-case letters, digits and . _ -, such as radiology');
  const department: Department = { id: input.id, name: input.name, createdAt: deps.clock.now() };
  if ((await deps.accounts.listDepartments()).some((existing) => existing.id === department.id)) {
    return refusal('invalid-department', `department ${department.id} exists already`);
  }
  await deps.audit.append({ type: 'policy-change', outcome: 'success', actor: auditActorOf(input.by), detail: { action: 'create-department', target: department.id } });
  if (!(await deps.accounts.insertDepartment(department))) return refusal('invalid-department', `department ${department.id} exists already`);
  return { outcome: 'created', department };
}
