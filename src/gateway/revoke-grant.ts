import type { AccessRequestRecord } from '../access/requests/access-request.js';
import { purposeCode } from '../access/requests/purpose-of-use.js';
import { type RequestRefusal, requestRefusal } from '../access/requests/request-refusal.js';
import { revokeRequest } from '../access/requests/request-transitions.js';
import type { UserRecord } from '../storage/account-store.js';
import { type AccessRequestDeps, requestActorOf, requestEventDetail, requestObjects } from './access-request-deps.js';
import { auditActorOf } from './audit-actor.js';

/** Why a DSO revokes: a fixed list, because it goes into the audit log (no typed text there). */
export const REVOKE_REASONS = {
  'purpose-ended': 'the care episode, study or matter the grant served is over',
  'approval-in-error': 'the request should not have been approved',
  'misuse-suspected': 'the access under the grant looks like misuse',
  'patient-objection': 'the patient objected',
  'role-change': 'the holder changed role or left',
  'security-incident': 'an incident requires closing access',
} as const;

export type RevokeReason = keyof typeof REVOKE_REASONS;

export function isRevokeReason(value: unknown): value is RevokeReason {
  return typeof value === 'string' && Object.hasOwn(REVOKE_REASONS, value);
}

export interface RevokeGrantInput {
  readonly by: UserRecord;
  /** The grant's id, which is the id of the request it came from. */
  readonly id: string;
  readonly reason: unknown;
}

export type RevokeGrantResult = { readonly outcome: 'revoked'; readonly record: AccessRequestRecord } | RequestRefusal;

/**
 * A DSO revokes a grant (from this millisecond on: the next request is decided without it) or
 * withdraws a pending request, so that no grant comes of it. Nobody else may, and they are
 * refused before the store is read. Recorded as a `revoke` event before it is stored.
 */
export async function revokeGrant(deps: AccessRequestDeps, input: RevokeGrantInput): Promise<RevokeGrantResult> {
  const { by } = input;
  if (!by.roles.includes('dso')) return requestRefusal('not-dso');
  if (!isRevokeReason(input.reason)) return requestRefusal('invalid-revoke-reason', `give the reason as one of: ${Object.keys(REVOKE_REASONS).join(', ')}`);
  const reason = input.reason;
  return deps.requests.change<RevokeGrantResult>(input.id, async (record) => {
    if (record === undefined) return { result: requestRefusal('unknown-request') };
    const result = revokeRequest(record, requestActorOf(by), { reason, now: deps.clock.now() });
    if (result.outcome === 'refused') return { result };
    const next = result.record;
    await deps.audit.append({
      type: 'revoke',
      outcome: 'success',
      actor: auditActorOf(by),
      purpose: purposeCode(record.content.purpose),
      objects: requestObjects(record),
      detail: {
        ...requestEventDetail(record),
        action: record.grant === undefined ? 'withdraw-request' : 'revoke-grant',
        reason,
        ...(next.grant === undefined ? {} : { grant: next.grant.id, revokedAt: new Date(next.grant.revokedAt!).toISOString() }),
      },
    });
    return { next, result: { outcome: 'revoked', record: next } as const };
  });
}
