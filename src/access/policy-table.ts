import type { ReasonCode } from './reason-code.js';
import type { Role } from './role.js';
import type { SensitivityLevel } from './sensitivity-level.js';

export type Effect = 'full' | 'masked' | 'denied';

/**
 * How an actor relates to a study:
 * - `care`: the study's patient is in the actor's care relationships;
 * - `member`: the study's department is one the actor works in;
 * - `directs`: the study's department is one the actor directs;
 * - `any`: every study.
 */
export type Relation = 'care' | 'member' | 'directs' | 'any';

/** One row: a role, related to a study so, sees studies up to `upToLevel` with `effect`. */
export interface PolicyRow {
  readonly role: Role;
  readonly relation: Relation;
  readonly upToLevel: SensitivityLevel;
  readonly effect: 'full' | 'masked';
  readonly reason: ReasonCode;
}

/**
 * What each role sees without a grant or break-glass, for `query` and `view`. Read it as a
 * table: the best row that applies wins, and no row means denied. Three rules sit outside it:
 * no role exports without a grant; level 5 is reached only through a grant or break-glass (no
 * row goes above 4); and the roles of `ROLES_WITHOUT_DATA_ACCESS` have no rows at all.
 * docs/access.md shows the same table with the reasoning.
 */
// prettier-ignore
export const POLICY_TABLE: readonly PolicyRow[] = [
  // role            relation     up to level    effect              reason
  { role: 'radiologist', relation: 'care',    upToLevel: 4, effect: 'full',   reason: 'care-relationship' },
  { role: 'radiologist', relation: 'member',  upToLevel: 4, effect: 'masked', reason: 'same-department' },
  { role: 'clinician',   relation: 'care',    upToLevel: 4, effect: 'full',   reason: 'care-relationship' },
  { role: 'clinician',   relation: 'member',  upToLevel: 4, effect: 'masked', reason: 'same-department' },
  { role: 'technician',  relation: 'member',  upToLevel: 2, effect: 'full',   reason: 'same-department' },
  { role: 'technician',  relation: 'member',  upToLevel: 4, effect: 'masked', reason: 'same-department' },
  { role: 'director',    relation: 'directs', upToLevel: 4, effect: 'masked', reason: 'directs-department' },
  { role: 'director',    relation: 'member',  upToLevel: 4, effect: 'masked', reason: 'same-department' },
  { role: 'dso',         relation: 'any',     upToLevel: 4, effect: 'masked', reason: 'security-oversight' },
  { role: 'researcher',  relation: 'any',     upToLevel: 4, effect: 'masked', reason: 'research-deidentified' },
];

/** Roles that never see images by themselves, not even through a grant or break-glass. */
export const ROLES_WITHOUT_DATA_ACCESS: Readonly<Partial<Record<Role, ReasonCode>>> = {
  admin: 'admin-no-data-access',
  auditor: 'auditor-no-image-access',
};

/** The roles that may open break-glass: the ones that treat patients. */
export const BREAK_GLASS_ROLES: readonly Role[] = ['clinician', 'radiologist'];
