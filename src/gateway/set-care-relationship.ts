import type { Role } from '../access/role.js';
import type { CareRelationship, UserRecord } from '../storage/account-store.js';
import type { AccountDeps } from './account-deps.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';

/** The roles for which a care relationship means something (access/policy-table.ts). */
const CARE_ROLES: readonly Role[] = ['clinician', 'radiologist'];

/** An opaque patient reference, as audit events accept them: never a name (audit/event/validate-audit-event.ts). */
const PATIENT_REF = /^[A-Za-z0-9][A-Za-z0-9._:-]{3,63}$/;

export function isPatientRef(value: unknown): value is string {
  return typeof value === 'string' && PATIENT_REF.test(value);
}

export interface SetCareRelationshipInput {
  readonly by: UserRecord;
  readonly userName: string;
  readonly patientRef: unknown;
  /** true to add the relationship, false to end it. */
  readonly present: boolean;
}

export type SetCareRelationshipResult =
  | { readonly outcome: 'added'; readonly relationship: CareRelationship }
  | { readonly outcome: 'removed' }
  | AccountRefusal;

/**
 * Records that a clinician or radiologist treats or reads for a patient, or that they no
 * longer do. It gives full access to that patient's studies (docs/access.md), so it is an
 * administrator's act, audited with the patient reference, and never on one's own account.
 */
export async function setCareRelationship(deps: AccountDeps, input: SetCareRelationshipInput): Promise<SetCareRelationshipResult> {
  const { by } = input;
  if (!by.roles.includes('admin')) return refusal('not-admin', 'only an administrator sets care relationships');
  if (input.userName === by.name) return refusal('self-change', 'an administrator never gives themselves access to a patient');
  if (!isPatientRef(input.patientRef)) return refusal('invalid-patient-ref', 'a patient reference is 4 to 64 letters, digits and . _ : - (never a name)');
  const patientRef = input.patientRef;
  const target = await deps.accounts.findUser(input.userName);
  if (target === undefined || target.deletedAt !== undefined) return refusal('unknown-user', `no user ${input.userName}`);
  const now = deps.clock.now();
  const event = (action: string) => ({
    type: 'policy-change' as const,
    outcome: 'success' as const,
    actor: auditActorOf(by),
    objects: [{ patient: patientRef }],
    detail: { action, target: target.name },
  });
  if (!input.present) {
    if (!(await deps.accounts.careRelationships(target.name)).some((care) => care.patientRef === patientRef)) {
      return refusal('unknown-care-relationship', `${target.name} has no care relationship with ${patientRef}`);
    }
    await deps.audit.append(event('remove-care-relationship'));
    await deps.accounts.deleteCareRelationship(target.name, patientRef);
    return { outcome: 'removed' };
  }
  if (!target.roles.some((role) => CARE_ROLES.includes(role))) {
    return refusal('not-a-care-role', `${target.name} is not a clinician or radiologist; a care relationship would give them nothing`);
  }
  if ((await deps.accounts.careRelationships(target.name)).some((care) => care.patientRef === patientRef)) {
    return refusal('care-relationship-exists', `${target.name} already has a care relationship with ${patientRef}`);
  }
  const relationship: CareRelationship = { userName: target.name, patientRef, createdAt: now, createdBy: by.name };
  await deps.audit.append(event('add-care-relationship'));
  if (!(await deps.accounts.insertCareRelationship(relationship))) {
    return refusal('care-relationship-exists', `${target.name} already has a care relationship with ${patientRef}`);
  }
  return { outcome: 'added', relationship };
}
