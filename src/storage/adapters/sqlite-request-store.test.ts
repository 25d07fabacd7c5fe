import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { decideAccess } from '../../access/decide-access.js';
import type { Actor } from '../../access/actor.js';
import { type AccessRequestRecord, DEFAULT_REQUEST_POLICY, type RequestContent, requestContentHash } from '../../access/requests/access-request.js';
import { approveRequest, revokeRequest, type RequestActor } from '../../access/requests/request-transitions.js';
import { SqliteRequestStore } from './sqlite-request-store.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-requests-'));
after(() => rmSync(work, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0) + 123; // not on a second boundary
const HOUR = 3_600_000;
const STUDY = '1.2.826.0.1.3680043.10.1';

const dana: RequestActor = { userName: 'dana', roles: ['dso'], directorOf: [] };
const dirk: RequestActor = { userName: 'dirk', roles: ['director'], directorOf: ['radiology'] };
const cleo: Actor = { userId: 'cleo', roles: ['clinician'], departments: ['radiology'], directorOf: [], careFor: [] };

function pendingRecord(id: string): AccessRequestRecord {
  const content: RequestContent = {
    requester: 'cleo',
    kind: 'full',
    scope: { kind: 'studies', studyUids: [STUDY] },
    studies: [{ studyUid: STUDY, department: 'radiology' }],
    purpose: 'treatment',
    justification: 'tumour board on Friday',
    durationMs: 72 * HOUR + 7,
  };
  return { id, content, contentHash: requestContentHash(content), createdAt: T0, status: 'pending', approvals: [] };
}

function granted(id: string, at: number): AccessRequestRecord {
  const people: Record<string, RequestActor> = { dana, dirk };
  const options = { now: at, policy: DEFAULT_REQUEST_POLICY, current: (name: string) => people[name] };
  const first = approveRequest(pendingRecord(id), dana, options);
  if (first.outcome !== 'approved') throw new Error('setup');
  const second = approveRequest(first.record, dirk, options);
  if (second.outcome !== 'approved' || second.grant === undefined) throw new Error('setup');
  return second.record;
}

function effectAt(grants: Awaited<ReturnType<SqliteRequestStore['grantsOf']>>, now: number) {
  return decideAccess({ actor: cleo, action: 'view', resource: { kind: 'study', study: { studyUid: STUDY, level: 3, department: 'radiology' } }, grants, now });
}

async function put(store: SqliteRequestStore, record: AccessRequestRecord): Promise<void> {
  await store.change(record.id, async () => ({ next: record, result: undefined }));
}

describe('SqliteRequestStore', () => {
  test('a grant is exact to the millisecond: full at validUntil - 1 ms, masked at validUntil and + 1 ms, also after the store is closed and opened again', async () => {
    const path = join(work, 'expiry.sqlite');
    const issuedAt = T0 + 5 * HOUR;
    const record = granted('5f0c6b1e-0000-4000-8000-000000000001', issuedAt);
    const validUntil = record.grant!.validUntil;
    assert.equal(validUntil, issuedAt + 72 * HOUR + 7);

    let store = new SqliteRequestStore(path);
    await put(store, record);
    const check = async (label: string) => {
      const grants = await store.grantsOf('cleo');
      assert.equal(grants.length, 1, label);
      assert.deepEqual([effectAt(grants, issuedAt - 1).effect, effectAt(grants, issuedAt).effect], ['masked', 'full'], `${label}: from issuance on`);
      const before = effectAt(grants, validUntil - 1);
      assert.deepEqual([before.effect, before.grantId], ['full', record.id], label);
      assert.deepEqual([effectAt(grants, validUntil).effect, effectAt(grants, validUntil + 1).effect], ['masked', 'masked'], label);
      assert.ok(effectAt(grants, validUntil + 1).reasons.includes('same-department'), label);
    };
    await check('before the restart');
    await store.close();
    store = new SqliteRequestStore(path);
    await check('after the restart');
    assert.deepEqual(await store.get(record.id), record, 'the record reads back as written');
    assert.deepEqual(await store.grantsOf('dana'), [], 'grants are found by their subject only');
    await store.close();
  });

  test('a revocation stored is effective at its millisecond, also after a restart', async () => {
    const path = join(work, 'revoke.sqlite');
    const record = granted('5f0c6b1e-0000-4000-8000-000000000002', T0);
    const revoked = revokeRequest(record, dana, { reason: 'purpose-ended', now: T0 + HOUR });
    if (revoked.outcome !== 'done') throw new Error('setup');
    let store = new SqliteRequestStore(path);
    await put(store, record);
    await put(store, revoked.record);
    await store.close();
    store = new SqliteRequestStore(path);
    const grants = await store.grantsOf('cleo');
    assert.equal(effectAt(grants, T0 + HOUR - 1).effect, 'full');
    const after = effectAt(grants, T0 + HOUR);
    assert.deepEqual([after.effect, after.reasons.includes('grant-revoked')], ['masked', false], 'masked by the table; the revoked grant proposes a denial that loses');
    await store.close();
  });

  test('a step that throws (an audit append that failed) writes nothing', async () => {
    const store = new SqliteRequestStore(':memory:');
    const record = pendingRecord('5f0c6b1e-0000-4000-8000-000000000003');
    await assert.rejects(store.change(record.id, async () => {
      throw new Error('audit down');
    }));
    await assert.rejects(store.change(record.id, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('audit down');
    }));
    assert.equal(await store.get(record.id), undefined);
    await put(store, record);
    assert.deepEqual(await store.list(), [record], 'the store works on after a failed step');
    await store.close();
  });

  test('changes of one store run one after the other, each reading what the previous one wrote', async () => {
    const store = new SqliteRequestStore(':memory:');
    const record = pendingRecord('5f0c6b1e-0000-4000-8000-000000000004');
    await put(store, record);
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, () =>
        store.change(record.id, async (current) => {
          seen.push(current!.approvals.length);
          await new Promise((resolve) => setImmediate(resolve));
          return { next: { ...current!, approvals: [...current!.approvals, { by: `p${current!.approvals.length}`, as: 'dso' as const, departments: [], at: T0, contentHash: 'x' }] }, result: undefined };
        }),
      ),
    );
    assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => i));
    await store.close();
  });
});
