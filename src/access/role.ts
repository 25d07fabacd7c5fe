import { MedVeilError } from '../errors.js';

/**
 * The roles of issue 4. A role says what kind of work a person does; what it lets them see
 * is the policy table's business (`policy-table.ts`), never the role's name.
 */
export const ROLES = ['admin', 'dso', 'director', 'radiologist', 'clinician', 'technician', 'researcher', 'auditor'] as const;

export type Role = (typeof ROLES)[number];

const ROLE_SET: ReadonlySet<string> = new Set(ROLES);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && ROLE_SET.has(value);
}

/**
 * Reads a role name from outside (the account store, a token, an API body). An unknown name is
 * an error, never skipped: a typo such as "clinican" must not quietly become "no role".
 */
export function parseRole(value: unknown): Role {
  if (isRole(value)) return value;
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
  throw new MedVeilError('access', `unknown role ${shown}`, { hint: `use one of: ${ROLES.join(', ')}` });
}
