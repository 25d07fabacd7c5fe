import type { Action } from './action.js';
import type { StudyFacts } from './access-resource.js';

/** What a grant covers: every study of one patient, or a list of studies. */
export type GrantScope =
  | { readonly kind: 'patient'; readonly patientRef: string }
  | { readonly kind: 'studies'; readonly studyUids: readonly string[] };

/**
 * A time-limited permission issued after dual approval (issue 6). Times are milliseconds since
 * the Unix epoch; the grant is active from `validFrom` (inclusive) to `validUntil` (exclusive),
 * and no longer from `revokedAt` on.
 */
export interface Grant {
  readonly id: string;
  readonly subjectUserId: string;
  readonly scope: GrantScope;
  readonly actions: readonly Action[];
  /** `full` for an access request, `masked` for a de-identified export. */
  readonly effect: 'full' | 'masked';
  readonly validFrom: number;
  readonly validUntil: number;
  readonly revokedAt?: number;
  /** The HL7 v3 PurposeOfUse code of the request it came from, for the audit events of access under it. */
  readonly purpose?: string;
}

export type GrantState = 'active' | 'not-yet-valid' | 'expired' | 'revoked';

/**
 * The state of a grant at `now`. A revocation counts from its own time, so replaying a past
 * decision with its original clock gives the original answer. Malformed times (NaN) never
 * compare true, so such a grant is never active.
 */
export function grantState(grant: Grant, now: number): GrantState {
  if (grant.revokedAt !== undefined && !(now < grant.revokedAt)) return 'revoked';
  if (!(now >= grant.validFrom)) return 'not-yet-valid';
  if (!(now < grant.validUntil)) return 'expired';
  return 'active';
}

/** Whether the grant's scope includes the study; blank references never match. */
export function grantCovers(grant: Grant, study: StudyFacts): boolean {
  if (grant.scope.kind === 'patient') {
    return isPresent(study.patientRef) && grant.scope.patientRef === study.patientRef;
  }
  if (grant.scope.kind === 'studies') {
    return isPresent(study.studyUid) && grant.scope.studyUids.includes(study.studyUid);
  }
  return false;
}

export function isPresent(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}
