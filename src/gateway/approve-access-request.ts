import type { Grant } from '../access/grant.js';
import type { AccessRequestRecord, ApproverRole } from '../access/requests/access-request.js';
import { purposeCode } from '../access/requests/purpose-of-use.js';
import { type RequestRefusal, requestRefusal } from '../access/requests/request-refusal.js';
import { type RequestActor, approveRequest, isApproverOf } from '../access/requests/request-transitions.js';
import type { UserRecord } from '../storage/account-store.js';
import { type AccessRequestDeps, auditDroppedApprovals, currentRequestActor, requestActorOf, requestEventDetail, requestObjects } from './access-request-deps.js';
import { auditActorOf } from './audit-actor.js';
import { checkApprover } from './request-approver-check.js';

export interface ApproveAccessRequestInput {
  readonly by: UserRecord;
  readonly id: string;
  readonly totp: unknown;
  /** The role to approve as, for a person who is both a DSO and a director in scope. */
  readonly as?: unknown;
}

export type ApproveAccessRequestResult =
  | { readonly outcome: 'approved'; readonly record: AccessRequestRecord; readonly grant?: Grant }
  | RequestRefusal;

/**
 * A DSO or a director of a department in scope approves (approval-state machine:
 * access/requests/request-transitions.ts), with a fresh TOTP code. The approval that completes
 * the request re-reads every earlier approver's account: one who lost the role no longer
 * counts, and no grant is issued. Events, in order: approvals that stopped counting, the
 * approval, the grant; all before the record is stored, and if one cannot be appended the
 * request stays as it was.
 */
export async function approveAccessRequest(deps: AccessRequestDeps, input: ApproveAccessRequestInput): Promise<ApproveAccessRequestResult> {
  const { by } = input;
  if (input.as !== undefined && input.as !== 'dso' && input.as !== 'director') return requestRefusal('invalid-request', 'as is "dso" or "director"');
  const as = input.as as ApproverRole | undefined;
  const refused = await checkApprover(deps, by, input.totp, deps.clock.now());
  if (refused !== undefined) return refused;
  return deps.requests.change<ApproveAccessRequestResult>(input.id, async (record) => {
    const approver = requestActorOf(by);
    if (record === undefined || !isApproverOf(approver, record.content)) return { result: requestRefusal('unknown-request') };
    const now = deps.clock.now();
    const current = new Map<string, RequestActor | undefined>();
    for (const earlier of record.approvals) current.set(earlier.by, await currentRequestActor(deps.accounts, earlier.by));
    const result = approveRequest(record, approver, { now, policy: deps.policy, current: (name) => current.get(name), ...(as === undefined ? {} : { as }) });
    if (result.outcome === 'refused') return { result };
    const next = result.record;
    await auditDroppedApprovals(deps.audit, next, result.dropped);
    const purpose = purposeCode(next.content.purpose);
    await deps.audit.append({
      type: 'approve',
      outcome: 'success',
      actor: auditActorOf(by),
      purpose,
      objects: requestObjects(next),
      detail: { ...requestEventDetail(next), action: 'approve', as: result.approval.as, ...(result.approval.departments.length === 0 ? {} : { departments: result.approval.departments.join(',') }) },
    });
    if (result.grant !== undefined) {
      const grant = result.grant;
      await deps.audit.append({
        type: 'grant',
        outcome: 'success',
        actor: auditActorOf(by),
        purpose,
        objects: requestObjects(next),
        detail: {
          ...requestEventDetail(next),
          action: 'issue',
          grant: grant.id,
          subject: grant.subjectUserId,
          effect: grant.effect,
          actions: grant.actions.join(','),
          validFrom: new Date(grant.validFrom).toISOString(),
          validUntil: new Date(grant.validUntil).toISOString(),
          approvers: next.approvals.map((a) => `${a.by}:${a.as}`).join(','),
        },
      });
    }
    return { next, result: { outcome: 'approved', record: next, ...(result.grant === undefined ? {} : { grant: result.grant }) } as const };
  });
}
