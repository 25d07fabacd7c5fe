/**
 * What the request use cases (create, approve, reject, revoke, list) share: their dependencies,
 * how a request is shown, and the audit events of approvals that stopped counting.
 */
import type { AccessRequestRecord, RequestPolicy } from '../access/requests/access-request.js';
import { purposeCode } from '../access/requests/purpose-of-use.js';
import type { DroppedApproval, RequestActor } from '../access/requests/request-transitions.js';
import type { Clock } from '../audit/clock.js';
import type { AuditEventInput } from '../audit/event/audit-event.js';
import type { AccountStore, UserRecord } from '../storage/account-store.js';
import type { RequestStore } from '../storage/request-store.js';
import type { SecretSealing } from './account-deps.js';
import type { AuditAppender } from './audit-actor.js';

export interface AccessRequestDeps {
  readonly requests: RequestStore;
  readonly accounts: Pick<AccountStore, 'findUser' | 'acceptTotpStep'>;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly policy: RequestPolicy;
  readonly secrets: SecretSealing;
}

/** A person as the state machine sees them. */
export function requestActorOf(user: Pick<UserRecord, 'name' | 'roles' | 'directorOf'>): RequestActor {
  return { userName: user.name, roles: user.roles, directorOf: user.directorOf };
}

/** The account as it is now, or undefined when it is gone or disabled (it counts for nothing). */
export async function currentRequestActor(accounts: Pick<AccountStore, 'findUser'>, userName: string): Promise<RequestActor | undefined> {
  const user = await accounts.findUser(userName);
  return user === undefined || user.deletedAt !== undefined || user.disabled ? undefined : requestActorOf(user);
}

/** Detail every event of a request carries: which request, which content, what kind. */
export function requestEventDetail(record: AccessRequestRecord): Record<string, string> {
  return {
    accessRequest: record.id,
    contentHash: record.contentHash,
    kind: record.content.kind,
    requester: record.content.requester,
    ...(record.content.recipient === undefined ? {} : { recipient: record.content.recipient }),
  };
}

/** The studies of a request as audit objects (at most 1000, as a request holds). */
export function requestObjects(record: AccessRequestRecord): NonNullable<AuditEventInput['objects']> {
  return record.content.studies.map((study) => ({ study: study.studyUid }));
}

/**
 * One `approve` event per approval that stopped counting, with the system as actor: a lapse,
 * a voiding by a content change, or an approver who lost the role before the grant.
 */
export async function auditDroppedApprovals(audit: AuditAppender, record: AccessRequestRecord, dropped: readonly DroppedApproval[]): Promise<void> {
  for (const { approval, why } of dropped) {
    await audit.append({
      type: 'approve',
      outcome: 'minor-failure',
      actor: { user: 'medveil' },
      purpose: purposeCode(record.content.purpose),
      detail: { ...requestEventDetail(record), action: `approval-${why}`, approver: approval.by, as: approval.as, approvedAt: new Date(approval.at).toISOString() },
    });
  }
}

/** How the API shows a request: everything its approvers must see, times in ISO 8601. */
export interface AccessRequestView {
  id: string;
  status: string;
  requester: string;
  kind: string;
  scope: unknown;
  studies: Array<{ studyUid: string; department: string }>;
  purpose: string;
  purposeCode: string;
  justification: string;
  durationHours: number;
  /** Export requests: who the package is for. */
  recipient?: string;
  contentHash: string;
  createdAt: string;
  approvals: Array<{ by: string; as: string; departments: string[]; at: string }>;
  rejection?: { by: string; at: string; reason: string };
  revocation?: { by: string; at: string; reason: string };
  grant?: GrantView;
}

export interface GrantView {
  id: string;
  subject: string;
  effect: string;
  actions: string[];
  studyUids: string[];
  validFrom: string;
  validUntil: string;
  revokedAt?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function grantView(record: AccessRequestRecord): GrantView | undefined {
  const grant = record.grant;
  if (grant === undefined) return undefined;
  return {
    id: grant.id,
    subject: grant.subjectUserId,
    effect: grant.effect,
    actions: [...grant.actions],
    studyUids: grant.scope.kind === 'studies' ? [...grant.scope.studyUids] : [],
    validFrom: iso(grant.validFrom),
    validUntil: iso(grant.validUntil),
    ...(grant.revokedAt === undefined ? {} : { revokedAt: iso(grant.revokedAt) }),
  };
}

export function accessRequestView(record: AccessRequestRecord): AccessRequestView {
  const { content } = record;
  const grant = grantView(record);
  return {
    id: record.id,
    status: record.status,
    requester: content.requester,
    kind: content.kind,
    scope: content.scope,
    studies: content.studies.map((study) => ({ ...study })),
    purpose: content.purpose,
    purposeCode: purposeCode(content.purpose),
    justification: content.justification,
    durationHours: content.durationMs / 3_600_000,
    ...(content.recipient === undefined ? {} : { recipient: content.recipient }),
    contentHash: record.contentHash,
    createdAt: iso(record.createdAt),
    approvals: record.approvals.map((a) => ({ by: a.by, as: a.as, departments: [...a.departments], at: iso(a.at) })),
    ...(record.rejection === undefined ? {} : { rejection: { ...record.rejection, at: iso(record.rejection.at) } }),
    ...(record.revocation === undefined ? {} : { revocation: { ...record.revocation, at: iso(record.revocation.at) } }),
    ...(grant === undefined ? {} : { grant }),
  };
}
