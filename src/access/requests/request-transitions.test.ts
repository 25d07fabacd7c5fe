import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { grantState } from '../grant.js';
import { type AccessRequestRecord, DEFAULT_REQUEST_POLICY, type RequestContent, requestContentHash } from './access-request.js';
import { type RequestActor, amendRequest, approveRequest, rejectRequest, revokeRequest } from './request-transitions.js';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const HOUR = 3_600_000;
const policy = DEFAULT_REQUEST_POLICY;

const people: Record<string, RequestActor> = {
  cleo: { userName: 'cleo', roles: ['clinician'], directorOf: [] },
  dana: { userName: 'dana', roles: ['dso'], directorOf: [] },
  dirk: { userName: 'dirk', roles: ['director'], directorOf: ['radiology'] },
  nina: { userName: 'nina', roles: ['director'], directorOf: ['neurology'] },
  both: { userName: 'both', roles: ['dso', 'director'], directorOf: ['radiology'] },
  dsoDirector: { userName: 'dsoDirector', roles: ['dso', 'director'], directorOf: ['radiology'] },
};

function content(departments: string[] = ['radiology'], requester = 'cleo'): RequestContent {
  return {
    requester,
    kind: 'full',
    scope: { kind: 'studies', studyUids: departments.map((_, i) => `1.2.3.${i + 1}`) },
    studies: departments.map((department, i) => ({ studyUid: `1.2.3.${i + 1}`, department })),
    purpose: 'treatment',
    justification: 'second opinion before surgery',
    durationMs: 72 * HOUR,
  };
}

function pending(departments?: string[], requester?: string): AccessRequestRecord {
  const c = content(departments, requester);
  return { id: 'r1', content: c, contentHash: requestContentHash(c), createdAt: T0, status: 'pending', approvals: [] };
}

/** Everyone as they are now, with `changes` applied (a role lost, an account gone). */
function current(changes: Record<string, RequestActor | undefined> = {}) {
  return (name: string) => (Object.hasOwn(changes, name) ? changes[name] : people[name]);
}

function approve(record: AccessRequestRecord, who: string, now = T0, options: { as?: 'dso' | 'director'; changes?: Record<string, RequestActor | undefined> } = {}) {
  return approveRequest(record, people[who]!, { now, policy, current: current(options.changes), ...(options.as === undefined ? {} : { as: options.as }) });
}

function approved(record: AccessRequestRecord, who: string, now = T0) {
  const result = approve(record, who, now);
  assert.equal(result.outcome, 'approved', JSON.stringify(result));
  if (result.outcome !== 'approved') throw new Error('unreachable');
  return result;
}

describe('approval state machine (issue 6, acceptance 1)', () => {
  test('a DSO and the director of the department grant the request; the grant lasts the requested duration from issuance', () => {
    const first = approved(pending(), 'dana', T0);
    assert.equal(first.grant, undefined);
    assert.equal(first.record.status, 'pending');
    const second = approved(first.record, 'dirk', T0 + HOUR);
    assert.equal(second.record.status, 'granted');
    assert.deepEqual(second.grant, {
      id: 'r1',
      subjectUserId: 'cleo',
      scope: { kind: 'studies', studyUids: ['1.2.3.1'] },
      actions: ['query', 'view'],
      effect: 'full',
      validFrom: T0 + HOUR,
      validUntil: T0 + HOUR + 72 * HOUR,
      purpose: 'TREAT',
    });
  });

  test('self-approval is refused, even for a requester who is a DSO or the director', () => {
    assert.deepEqual(approve(pending(['radiology'], 'dana'), 'dana'), { outcome: 'refused', reason: 'self-approval', message: 'the requester never approves or rejects their own request' });
    assert.equal((approve(pending(['radiology'], 'dirk'), 'dirk') as { reason: string }).reason, 'self-approval');
    assert.equal(rejectRequest(pending(['radiology'], 'dirk'), people.dirk!, { reason: 'no', now: T0, policy }).outcome, 'refused');
  });

  test('one person holding both roles counts once: their second approval is refused and no grant comes of them alone', () => {
    assert.equal((approve(pending(), 'both') as { reason: string }).reason, 'approval-role-ambiguous', 'they must say which role');
    const asDso = approveRequest(pending(), people.both!, { as: 'dso', now: T0, policy, current: current() });
    assert.equal(asDso.outcome, 'approved');
    if (asDso.outcome !== 'approved') return;
    assert.equal(asDso.grant, undefined);
    const again = approveRequest(asDso.record, people.both!, { as: 'director', now: T0, policy, current: current() });
    assert.deepEqual([again.outcome, (again as { reason: string }).reason], ['refused', 'already-approved']);
    const granted = approved(asDso.record, 'dirk');
    assert.equal(granted.record.status, 'granted', 'a second person completes it');
  });

  test('a director of another department is refused; a scope across two departments needs both directors', () => {
    assert.equal((approve(pending(['radiology']), 'nina') as { reason: string }).reason, 'not-an-approver');
    const clinicianTries = approve(pending(), 'cleo');
    assert.equal((clinicianTries as { reason: string }).reason, 'self-approval');
    let record = approved(pending(['radiology', 'neurology']), 'dana').record;
    const radiology = approved(record, 'dirk');
    assert.equal(radiology.grant, undefined, 'neurology has not approved yet');
    assert.deepEqual(radiology.approval.departments, ['radiology']);
    record = radiology.record;
    const neurology = approved(record, 'nina');
    assert.equal(neurology.record.status, 'granted');
  });

  test('a DSO when the DSO approval is given already has nothing left to approve', () => {
    const record = approved(pending(), 'dana').record;
    assert.equal((approve(record, 'dsoDirector', T0, { as: 'dso' }) as { reason: string }).reason, 'nothing-left-to-approve');
  });

  test('an approver who lost the role before the grant no longer counts: no grant, the request waits for a new approval', () => {
    const record = approved(pending(), 'dana').record;
    const lost = approve(record, 'dirk', T0 + HOUR, { changes: { dana: { userName: 'dana', roles: ['clinician'], directorOf: [] } } });
    assert.equal(lost.outcome, 'approved');
    if (lost.outcome !== 'approved') return;
    assert.equal(lost.grant, undefined);
    assert.equal(lost.record.status, 'pending');
    assert.deepEqual(lost.dropped.map((d) => [d.approval.by, d.why]), [['dana', 'role-lost']]);
    assert.deepEqual(lost.record.approvals.map((a) => a.by), ['dirk']);
    const gone = approve(record, 'dirk', T0 + HOUR, { changes: { dana: undefined } });
    assert.equal((gone as { grant?: unknown }).grant, undefined, 'a deleted or disabled approver counts as having lost the role');
    const renewed = approveRequest(lost.record, people.dsoDirector!, { as: 'dso', now: T0 + 2 * HOUR, policy, current: current() });
    assert.equal(renewed.outcome === 'approved' && renewed.record.status, 'granted');
  });

  test('a director who stopped directing the department is dropped the same way', () => {
    const record = approved(pending(), 'dirk').record;
    const result = approve(record, 'dana', T0, { changes: { dirk: { userName: 'dirk', roles: ['director'], directorOf: ['neurology'] } } });
    assert.deepEqual(result.outcome === 'approved' && [result.record.status, result.dropped.map((d) => d.why)], ['pending', ['role-lost']]);
  });

  test('scope changed after approval: the approvals are void and the next approval alone grants nothing', () => {
    const record = approved(pending(), 'dana').record;
    const widened = content(['radiology', 'radiology']);
    const amended = amendRequest(record, 'cleo', widened);
    assert.equal(amended.outcome, 'done');
    if (amended.outcome !== 'done') return;
    assert.deepEqual(amended.dropped.map((d) => [d.approval.by, d.why]), [['dana', 'voided']]);
    assert.notEqual(amended.record.contentHash, record.contentHash);
    const after = approved(amended.record, 'dirk');
    assert.equal(after.grant, undefined);
    assert.equal(amendRequest(record, 'dana', widened).outcome, 'refused', 'only the requester amends');
  });

  test('content changed behind the approvals (not through amend) voids them too: the hash is recomputed at every step', () => {
    const record = approved(pending(), 'dana').record;
    const tampered: AccessRequestRecord = { ...record, content: { ...record.content, durationMs: 700 * HOUR } };
    const result = approved(tampered, 'dirk');
    assert.equal(result.grant, undefined);
    assert.deepEqual(result.dropped.map((d) => d.why), ['voided']);
  });

  test('approval after a rejection is refused; the rejection ends the request', () => {
    const record = approved(pending(), 'dana').record;
    const rejected = rejectRequest(record, people.dirk!, { reason: 'not a patient of this department', now: T0, policy });
    assert.equal(rejected.outcome === 'done' && rejected.record.status, 'rejected');
    if (rejected.outcome !== 'done') return;
    assert.equal((approve(rejected.record, 'dirk') as { reason: string }).reason, 'request-rejected');
    assert.equal(rejectRequest(rejected.record, people.dana!, { reason: 'again', now: T0, policy }).outcome, 'refused');
    assert.equal((rejectRequest(pending(), people.nina!, { reason: 'x', now: T0, policy }) as { reason: string }).reason, 'not-an-approver');
  });

  test('approval after lapse: an approval older than the lifetime no longer counts; one just younger still does', () => {
    const record = approved(pending(), 'dana', T0).record;
    const lapsed = approved(record, 'dirk', T0 + policy.approvalLifetimeMs);
    assert.equal(lapsed.grant, undefined);
    assert.deepEqual(lapsed.dropped.map((d) => [d.approval.by, d.why]), [['dana', 'lapsed']]);
    assert.deepEqual(lapsed.record.approvals.map((a) => a.by), ['dirk']);
    const inTime = approved(record, 'dirk', T0 + policy.approvalLifetimeMs - 1);
    assert.equal(inTime.record.status, 'granted');
  });

  test('revocation: a DSO ends a pending request (no grant ever) or a grant (inactive from that millisecond); nobody else may', () => {
    const granted = approved(approved(pending(), 'dana').record, 'dirk', T0).record;
    assert.equal((revokeRequest(granted, people.dirk!, { reason: 'purpose-ended', now: T0 + 5 }) as { reason: string }).reason, 'not-dso');
    const revoked = revokeRequest(granted, people.dana!, { reason: 'purpose-ended', now: T0 + 5 });
    assert.equal(revoked.outcome, 'done');
    if (revoked.outcome !== 'done') return;
    assert.equal(revoked.record.status, 'revoked');
    assert.equal(grantState(revoked.record.grant!, T0 + 4), 'active');
    assert.equal(grantState(revoked.record.grant!, T0 + 5), 'revoked');
    assert.equal(revokeRequest(revoked.record, people.dana!, { reason: 'purpose-ended', now: T0 + 6 }).outcome, 'refused');

    const withdrawn = revokeRequest(approved(pending(), 'dirk').record, people.dana!, { reason: 'approval-in-error', now: T0 });
    assert.equal(withdrawn.outcome === 'done' && withdrawn.record.grant, undefined);
    if (withdrawn.outcome !== 'done') return;
    assert.equal((approve(withdrawn.record, 'both', T0, { as: 'dso' }) as { reason: string }).reason, 'request-revoked');
  });

  test('concurrent approve and revoke: whichever order they are applied in, the end has no active grant', () => {
    const ready = approved(pending(), 'dana').record;
    // Approve first, then revoke.
    const granted = approved(ready, 'dirk', T0 + 10).record;
    const thenRevoked = revokeRequest(granted, people.both!, { reason: 'security-incident', now: T0 + 10 });
    assert.equal(thenRevoked.outcome === 'done' && grantState(thenRevoked.record.grant!, T0 + 10), 'revoked');
    // Revoke first, then approve.
    const revokedFirst = revokeRequest(ready, people.both!, { reason: 'security-incident', now: T0 + 10 });
    assert.equal(revokedFirst.outcome, 'done');
    if (revokedFirst.outcome !== 'done') return;
    assert.equal((approve(revokedFirst.record, 'dirk', T0 + 10) as { reason: string }).reason, 'request-revoked');
    assert.equal(revokedFirst.record.grant, undefined);
  });
});
