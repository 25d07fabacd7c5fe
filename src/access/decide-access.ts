import { internalError } from '../errors.js';
import type { AccessResource, StudyFacts } from './access-resource.js';
import { type Action, type RequestedAction, isAction } from './action.js';
import type { Actor } from './actor.js';
import { type BreakGlass, breakGlassState } from './break-glass.js';
import { type Grant, grantCovers, grantState, isPresent } from './grant.js';
import { BREAK_GLASS_ROLES, type Effect, POLICY_TABLE, type PolicyRow, ROLES_WITHOUT_DATA_ACCESS } from './policy-table.js';
import type { ReasonCode } from './reason-code.js';
import { type Role, isRole } from './role.js';
import { isSensitivityLevel, type SensitivityLevel } from './sensitivity-level.js';

export interface AccessRequest {
  readonly actor: Actor;
  readonly action: RequestedAction;
  readonly resource: AccessResource;
  /** Grants of any subject; only the actor's own count. */
  readonly grants: readonly Grant[];
  /** Break-glass sessions of any user; only the actor's own count. */
  readonly breakGlass?: readonly BreakGlass[];
  /** The injected clock: milliseconds since the Unix epoch. */
  readonly now: number;
}

export interface AccessDecision {
  readonly effect: Effect;
  /** Why, for the audit event; never empty. */
  readonly reasons: readonly ReasonCode[];
  /** The grant that gave the effect, so the audit event can name it and its purpose. */
  readonly grantId?: string;
  /** The break-glass session that gave the effect. */
  readonly breakGlassId?: string;
}

interface Candidate {
  readonly effect: Effect;
  readonly reasons: readonly ReasonCode[];
  readonly grantId?: string;
  readonly breakGlassId?: string;
}

const RANK: Record<Effect, number> = { denied: 0, masked: 1, full: 2 };

function denied(...reasons: ReasonCode[]): AccessDecision {
  return { effect: 'denied', reasons };
}

/**
 * The access decision of issue 4: pure, the clock injected. Deny by default: an unknown
 * action, an unknown or missing role, a request path that disagrees with the index, or a study
 * without a valid label is denied before anything else is looked at. Otherwise the actor's
 * roles (through `POLICY_TABLE`), their grants and their break-glass sessions each propose an
 * effect, and the most permissive one wins; a study never becomes less visible because of a
 * second role.
 */
export function decideAccess(request: AccessRequest): AccessDecision {
  const { actor, action, resource, now } = request;
  if (!Number.isFinite(now)) throw internalError('decideAccess was given a clock reading that is not a number');

  if (!isAction(action)) return denied('unknown-action');
  if (!actor.roles.every((role) => isRole(role))) return denied('unknown-role');
  if (actor.roles.length === 0) return denied('no-role');

  const study = resource.study;
  if (resource.kind !== 'study' && resource.requestedStudyUid !== undefined && resource.requestedStudyUid !== study.studyUid) {
    return denied('study-mismatch');
  }
  if (resource.kind === 'instance' && resource.requestedSeriesUid !== undefined && resource.requestedSeriesUid !== resource.seriesUid) {
    return denied('series-mismatch');
  }
  if (study.level === undefined || study.level === null) return denied('no-label');
  if (!isSensitivityLevel(study.level)) return denied('invalid-label');

  const candidates: Candidate[] = [
    ...actor.roles.map((role) => roleCandidate(actor, role, action, study, study.level as SensitivityLevel)),
    ...grantCandidates(actor, action, study, request.grants, now),
    ...breakGlassCandidates(actor, action, study, request.breakGlass ?? [], now),
  ];
  return combine(candidates);
}

function roleCandidate(actor: Actor, role: Role, action: Action, study: StudyFacts, level: SensitivityLevel): Candidate {
  const withoutData = ROLES_WITHOUT_DATA_ACCESS[role];
  if (withoutData !== undefined) return { effect: 'denied', reasons: [withoutData] };
  if (action === 'export') return { effect: 'denied', reasons: ['export-needs-grant'] };

  const related = POLICY_TABLE.filter((row) => row.role === role && relationHolds(row, actor, study));
  if (related.length === 0) return { effect: 'denied', reasons: ['no-relationship'] };
  const reached = related.filter((row) => level <= row.upToLevel);
  if (reached.length === 0) return { effect: 'denied', reasons: ['level-too-high'] };
  const best = reached.reduce((a, b) => (RANK[b.effect] > RANK[a.effect] ? b : a));
  return { effect: best.effect, reasons: [best.reason] };
}

function relationHolds(row: PolicyRow, actor: Actor, study: StudyFacts): boolean {
  switch (row.relation) {
    case 'any':
      return true;
    case 'care':
      return isPresent(study.patientRef) && actor.careFor.includes(study.patientRef);
    case 'member':
      return isPresent(study.department) && actor.departments.includes(study.department);
    case 'directs':
      return isPresent(study.department) && actor.directorOf.includes(study.department);
  }
}

function hasDataRole(actor: Actor): boolean {
  return actor.roles.some((role) => ROLES_WITHOUT_DATA_ACCESS[role] === undefined);
}

function grantCandidates(actor: Actor, action: Action, study: StudyFacts, grants: readonly Grant[], now: number): Candidate[] {
  const candidates: Candidate[] = [];
  for (const grant of grants) {
    if (grant.subjectUserId !== actor.userId || !grant.actions.includes(action) || !grantCovers(grant, study)) continue;
    const state = grantState(grant, now);
    if (state !== 'active') {
      candidates.push({ effect: 'denied', reasons: [`grant-${state}`] });
    } else if (!hasDataRole(actor)) {
      candidates.push({ effect: 'denied', reasons: ['grant-needs-data-role'] });
    } else if (grant.effect === 'full' || grant.effect === 'masked') {
      candidates.push({ effect: grant.effect, reasons: ['grant'], grantId: grant.id });
    }
  }
  return candidates;
}

function breakGlassCandidates(
  actor: Actor,
  action: Action,
  study: StudyFacts,
  sessions: readonly BreakGlass[],
  now: number,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const session of sessions) {
    if (session.userId !== actor.userId || !isPresent(study.patientRef) || session.patientRef !== study.patientRef) continue;
    const state = breakGlassState(session, now);
    if (action === 'export') {
      candidates.push({ effect: 'denied', reasons: ['break-glass-export-refused'] });
    } else if (state !== 'active') {
      candidates.push({ effect: 'denied', reasons: [`break-glass-${state}`] });
    } else if (!actor.roles.some((role) => BREAK_GLASS_ROLES.includes(role))) {
      candidates.push({ effect: 'denied', reasons: ['break-glass-needs-clinical-role'] });
    } else {
      candidates.push({ effect: 'full', reasons: ['break-glass'], breakGlassId: session.id });
    }
  }
  return candidates;
}

/** The most permissive effect, with the reasons of every candidate that proposed it. */
function combine(candidates: readonly Candidate[]): AccessDecision {
  const effect = candidates.reduce<Effect>((best, c) => (RANK[c.effect] > RANK[best] ? c.effect : best), 'denied');
  const winners = candidates.filter((c) => c.effect === effect);
  const reasons = [...new Set(winners.flatMap((c) => c.reasons))];
  if (reasons.length === 0) throw internalError('an access decision without a reason');
  const decision: { -readonly [K in keyof AccessDecision]: AccessDecision[K] } = { effect, reasons };
  const grantId = winners.find((c) => c.grantId !== undefined)?.grantId;
  const breakGlassId = winners.find((c) => c.breakGlassId !== undefined)?.breakGlassId;
  if (grantId !== undefined) decision.grantId = grantId;
  if (breakGlassId !== undefined) decision.breakGlassId = breakGlassId;
  return decision;
}
