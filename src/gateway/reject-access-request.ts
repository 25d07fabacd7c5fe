import type { AccessRequestRecord } from '../access/requests/access-request.js';
import { purposeCode } from '../access/requests/purpose-of-use.js';
import { isBoundedText } from '../access/requests/request-input.js';
import { type RequestRefusal, requestRefusal } from '../access/requests/request-refusal.js';
import { isApproverOf, rejectRequest } from '../access/requests/request-transitions.js';
import type { UserRecord } from '../storage/account-store.js';
import { type AccessRequestDeps, auditDroppedApprovals, requestActorOf, requestEventDetail, requestObjects } from './access-request-deps.js';
import { auditActorOf } from './audit-actor.js';
import { checkApprover } from './request-approver-check.js';

export const MAX_REJECT_REASON_LENGTH = 500;

export interface RejectAccessRequestInput {
  readonly by: UserRecord;
  readonly id: string;
  readonly totp: unknown;
  readonly reason: unknown;
}

export type RejectAccessRequestResult = { readonly outcome: 'rejected'; readonly record: AccessRequestRecord } | RequestRefusal;

/**
 * Anyone who could approve rejects, with a fresh TOTP code and a reason for the requester;
 * the rejection ends the request. The reason is typed text, so it stays with the request and
 * never enters the audit log, which records who rejected, when and for what purpose.
 */
export async function rejectAccessRequest(deps: AccessRequestDeps, input: RejectAccessRequestInput): Promise<RejectAccessRequestResult> {
  const { by } = input;
  if (!isBoundedText(input.reason, MAX_REJECT_REASON_LENGTH)) return requestRefusal('invalid-reject-reason');
  const reason = input.reason;
  const refused = await checkApprover(deps, by, input.totp, deps.clock.now());
  if (refused !== undefined) return refused;
  return deps.requests.change<RejectAccessRequestResult>(input.id, async (record) => {
    if (record === undefined || !isApproverOf(requestActorOf(by), record.content)) return { result: requestRefusal('unknown-request') };
    const result = rejectRequest(record, requestActorOf(by), { reason, now: deps.clock.now(), policy: deps.policy });
    if (result.outcome === 'refused') return { result };
    await auditDroppedApprovals(deps.audit, result.record, result.dropped);
    await deps.audit.append({
      type: 'reject',
      outcome: 'success',
      actor: auditActorOf(by),
      purpose: purposeCode(record.content.purpose),
      objects: requestObjects(record),
      detail: { ...requestEventDetail(record), action: 'reject' },
    });
    return { next: result.record, result: { outcome: 'rejected', record: result.record } as const };
  });
}
