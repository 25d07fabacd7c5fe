/**
 * The approval state machine of issue 6, pure: each step takes a request record, who acts,
 * the time and the policy, and returns the next record or a refusal. No I/O, no clock of its
 * own; the gateway stores the record and appends the audit events the result lists.
 *
 *   pending --approve (not complete)--> pending
 *   pending --approve (complete, roles hold)--> granted
 *   pending --approve (complete, an approver lost the role)--> pending (that approval dropped)
 *   pending --reject--> rejected            (final)
 *   pending --revoke (DSO)--> revoked       (final, no grant)
 *   granted --revoke (DSO)--> revoked       (final, grant.revokedAt set)
 *   pending --amend (requester)--> pending  (every approval voided)
 *
 * An approval counts only while its content hash equals the hash of the content as it is now
 * and it is younger than the policy's approval lifetime; the others are dropped by the next
 * step, which says so (`dropped`), so that the audit log records the lapse or the voiding.
 */
import type { Grant } from '../grant.js';
import type { Role } from '../role.js';
import {
  type AccessRequestRecord,
  type Approval,
  type ApproverRole,
  type RequestContent,
  type RequestPolicy,
  grantTerms,
  requestContentHash,
  scopeDepartments,
} from './access-request.js';
import { purposeCode } from './purpose-of-use.js';
import { type RequestRefusal, requestRefusal } from './request-refusal.js';

/** A person acting on a request, with their roles as the account store holds them now. */
export interface RequestActor {
  readonly userName: string;
  readonly roles: readonly Role[];
  readonly directorOf: readonly string[];
}

export type DropReason = 'lapsed' | 'voided' | 'role-lost';

export interface DroppedApproval {
  readonly approval: Approval;
  readonly why: DropReason;
}

export type ApproveResult =
  | RequestRefusal
  | {
      readonly outcome: 'approved';
      readonly record: AccessRequestRecord;
      readonly approval: Approval;
      readonly dropped: readonly DroppedApproval[];
      /** Set when this approval completed the request and every approver still holds their role. */
      readonly grant?: Grant;
    };

export type StepResult = RequestRefusal | { readonly outcome: 'done'; readonly record: AccessRequestRecord; readonly dropped: readonly DroppedApproval[] };

function closed(record: AccessRequestRecord): RequestRefusal | undefined {
  if (record.status === 'rejected') return requestRefusal('request-rejected');
  if (record.status === 'revoked') return requestRefusal('request-revoked');
  if (record.status === 'granted') return requestRefusal('request-granted');
  return undefined;
}

/** Splits the approvals into those that count at `now` and those to drop, with why. */
export function liveApprovals(record: AccessRequestRecord, now: number, policy: Pick<RequestPolicy, 'approvalLifetimeMs'>): { live: Approval[]; dropped: DroppedApproval[] } {
  const hash = requestContentHash(record.content);
  const live: Approval[] = [];
  const dropped: DroppedApproval[] = [];
  for (const approval of record.approvals) {
    if (approval.contentHash !== hash) dropped.push({ approval, why: 'voided' });
    else if (!(now < approval.at + policy.approvalLifetimeMs)) dropped.push({ approval, why: 'lapsed' });
    else live.push(approval);
  }
  return { live, dropped };
}

/** Whether the person may approve or reject this request at all: a DSO, or a director of a department in scope. */
export function isApproverOf(actor: RequestActor, content: RequestContent): boolean {
  if (actor.roles.includes('dso')) return true;
  return actor.roles.includes('director') && scopeDepartments(content).some((department) => actor.directorOf.includes(department));
}

/** The roles still open and the departments whose director has not approved. */
function openSlots(content: RequestContent, live: readonly Approval[]): { dso: boolean; departments: string[] } {
  const covered = new Set(live.filter((a) => a.as === 'director').flatMap((a) => a.departments));
  return { dso: !live.some((a) => a.as === 'dso'), departments: scopeDepartments(content).filter((d) => !covered.has(d)) };
}

/** Whether the approver, as they are now, still holds the role their approval filled. */
function stillHolds(approval: Approval, now: RequestActor | undefined): boolean {
  if (now === undefined) return false;
  if (approval.as === 'dso') return now.roles.includes('dso');
  return now.roles.includes('director') && approval.departments.every((department) => now.directorOf.includes(department));
}

/**
 * One approval. `current` gives each earlier approver as the account store holds them now
 * (undefined: gone or disabled), read when the approval completes the request: an approver
 * who lost the role since approving no longer counts, and the request waits for a new one.
 */
export function approveRequest(
  record: AccessRequestRecord,
  approver: RequestActor,
  options: { readonly as?: ApproverRole; readonly now: number; readonly policy: RequestPolicy; readonly current: (userName: string) => RequestActor | undefined },
): ApproveResult {
  const { now } = options;
  const shut = closed(record);
  if (shut !== undefined) return shut;
  if (approver.userName === record.content.requester) return requestRefusal('self-approval');
  if (!isApproverOf(approver, record.content)) return requestRefusal('not-an-approver');
  const { live, dropped } = liveApprovals(record, now, options.policy);
  if (live.some((approval) => approval.by === approver.userName)) return requestRefusal('already-approved');

  const open = openSlots(record.content, live);
  const directed = open.departments.filter((department) => approver.directorOf.includes(department));
  const fits: ApproverRole[] = [];
  if (open.dso && approver.roles.includes('dso')) fits.push('dso');
  if (directed.length > 0 && approver.roles.includes('director')) fits.push('director');
  if (fits.length === 0) return requestRefusal('nothing-left-to-approve');
  let as: ApproverRole;
  if (options.as !== undefined) {
    if (!fits.includes(options.as)) return requestRefusal(approver.roles.includes(options.as) ? 'nothing-left-to-approve' : 'not-an-approver');
    as = options.as;
  } else if (fits.length > 1) {
    return requestRefusal('approval-role-ambiguous');
  } else {
    as = fits[0]!;
  }
  const approval: Approval = { by: approver.userName, as, departments: as === 'director' ? directed : [], at: now, contentHash: requestContentHash(record.content) };
  const approvals = [...live, approval];
  const after = openSlots(record.content, approvals);
  if (after.dso || after.departments.length > 0) {
    return { outcome: 'approved', record: { ...record, approvals }, approval, dropped };
  }

  // Complete: every approver must still hold the role they approved in.
  const lost = live.filter((earlier) => !stillHolds(earlier, options.current(earlier.by)));
  if (lost.length > 0) {
    const kept = approvals.filter((a) => !lost.includes(a));
    return { outcome: 'approved', record: { ...record, approvals: kept }, approval, dropped: [...dropped, ...lost.map((a) => ({ approval: a, why: 'role-lost' as const }))] };
  }
  const terms = grantTerms(record.content.kind);
  const grant: Grant = {
    id: record.id,
    subjectUserId: record.content.requester,
    scope: { kind: 'studies', studyUids: record.content.studies.map((study) => study.studyUid) },
    actions: terms.actions,
    effect: terms.effect,
    validFrom: now,
    validUntil: now + record.content.durationMs,
    purpose: purposeCode(record.content.purpose),
  };
  return { outcome: 'approved', record: { ...record, approvals, status: 'granted', grant }, approval, dropped, grant };
}

/** A rejection by anyone who could approve; it ends the request. */
export function rejectRequest(
  record: AccessRequestRecord,
  approver: RequestActor,
  options: { readonly reason: string; readonly now: number; readonly policy: RequestPolicy },
): StepResult {
  const shut = closed(record);
  if (shut !== undefined) return shut;
  if (approver.userName === record.content.requester) return requestRefusal('self-approval');
  if (!isApproverOf(approver, record.content)) return requestRefusal('not-an-approver');
  const { dropped } = liveApprovals(record, options.now, options.policy);
  return {
    outcome: 'done',
    record: { ...record, status: 'rejected', rejection: { by: approver.userName, at: options.now, reason: options.reason } },
    dropped,
  };
}

/**
 * A DSO ends a request: a pending one is withdrawn (no grant will come of it), a granted one's
 * grant stops at `now` (exclusive: the decision at `now` is already denied).
 */
export function revokeRequest(record: AccessRequestRecord, by: RequestActor, options: { readonly reason: string; readonly now: number }): StepResult {
  if (!by.roles.includes('dso')) return requestRefusal('not-dso');
  if (record.status === 'rejected') return requestRefusal('request-rejected');
  if (record.status === 'revoked') return requestRefusal('request-revoked');
  const revocation = { by: by.userName, at: options.now, reason: options.reason };
  if (record.grant !== undefined) {
    return { outcome: 'done', record: { ...record, status: 'revoked', revocation, grant: { ...record.grant, revokedAt: options.now } }, dropped: [] };
  }
  return { outcome: 'done', record: { ...record, status: 'revoked', revocation }, dropped: [] };
}

/** The requester changes a pending request; every approval it had is void. */
export function amendRequest(record: AccessRequestRecord, by: string, content: RequestContent): StepResult {
  const shut = closed(record);
  if (shut !== undefined) return shut;
  if (by !== record.content.requester || content.requester !== by) return requestRefusal('not-the-requester');
  return {
    outcome: 'done',
    record: { ...record, content, contentHash: requestContentHash(content), approvals: [] },
    dropped: record.approvals.map((approval) => ({ approval, why: 'voided' as const })),
  };
}
