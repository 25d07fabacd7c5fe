import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { BreakGlassRecord, NotificationInput } from '../break-glass-store.js';
import { SqliteBreakGlassStore } from './sqlite-break-glass-store.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-break-glass-store-'));
after(() => rmSync(work, { recursive: true, force: true }));

const T0 = Date.UTC(2025, 5, 2, 10, 0, 0);
const HOUR = 3_600_000;

function session(id: string, userId: string, startedAt: number): BreakGlassRecord {
  return { id, userId, patientRef: 'pt:0001', reasonCode: 'emergency-treatment', reasonText: 'why', departments: ['radiology'], startedAt, endsAt: startedAt + HOUR, reviewDueAt: startedAt + 24 * HOUR };
}
const note = (sessionId: string, channel: 'webhook' | 'email' = 'webhook'): NotificationInput => ({ sessionId, kind: 'started', channel, recipient: 'x', subject: 's', body: '{}' });

test('startSession() stores the session with its notifications, and refuses (storing nothing) once the user reached the limit in the window', async () => {
  const store = SqliteBreakGlassStore.open(':memory:');
  const limit = { max: 2, since: T0 - 24 * HOUR };
  assert.equal(await store.startSession(session('a', 'clin', T0), [note('a'), note('a', 'email')], limit, T0), 'started');
  assert.equal(await store.startSession(session('b', 'clin', T0 + 1), [note('b')], limit, T0 + 1), 'started');
  assert.equal(await store.startSession(session('c', 'clin', T0 + 2), [note('c')], limit, T0 + 2), 'rate-limited');
  assert.equal(await store.findSession('c'), undefined);
  assert.deepEqual((await store.dueNotifications(T0 + 2, 10)).map((n) => n.sessionId), ['a', 'a', 'b']);
  assert.equal(await store.startSession(session('d', 'other', T0 + 3), [], limit, T0 + 3), 'started', 'the limit is per user');
  // A session that left the window no longer counts.
  assert.equal(await store.startSession(session('e', 'clin', T0 + 24 * HOUR), [], { max: 2, since: T0 + 1 }, T0 + 24 * HOUR), 'started');
  await store.close();
});

test('endSession() and recordReview() happen once; a reviewed or escalated session is never escalated (again)', async () => {
  const store = SqliteBreakGlassStore.open(':memory:');
  const limit = { max: 10, since: 0 };
  await store.startSession(session('a', 'clin', T0), [], limit, T0);
  await store.startSession(session('b', 'clin', T0 + 1), [], limit, T0 + 1);
  assert.equal(await store.endSession('a', T0 + 10, 'clin'), 'ended');
  assert.equal(await store.endSession('a', T0 + 20, 'clin'), 'already-ended');
  assert.equal(await store.endSession('zz', T0, 'clin'), 'not-found');
  assert.equal((await store.findSession('a'))!.endedAt, T0 + 10);

  const review = { reviewedAt: T0 + 30, reviewedBy: 'dso', outcome: 'justified' as const, note: 'ok' };
  assert.equal(await store.recordReview('a', review), 'recorded');
  assert.equal(await store.recordReview('a', { ...review, outcome: 'unjustified' }), 'already-reviewed');
  assert.deepEqual((await store.findSession('a'))!.review, review);
  assert.deepEqual((await store.unreviewed()).map((s) => s.id), ['b']);

  const due = (await store.findSession('b'))!.reviewDueAt;
  assert.deepEqual((await store.dueForEscalation(due)).map((s) => s.id), ['b'], 'due at exactly reviewDueAt');
  assert.deepEqual((await store.dueForEscalation(due - 1)).map((s) => s.id), []);
  const escalation = (id: string): NotificationInput => ({ ...note(id), kind: 'escalated' });
  assert.equal(await store.claimEscalation('a', due, [escalation('a')]), false, 'reviewed: no escalation');
  assert.equal(await store.claimEscalation('b', due, [escalation('b')]), true);
  assert.equal(await store.claimEscalation('b', due, [escalation('b')]), false);
  assert.deepEqual((await store.dueNotifications(due, 10)).map((n) => [n.sessionId, n.kind]), [['b', 'escalated']], 'only the claim that won queued its message');
  await store.close();
});

test('the outbox counts attempts, waits until the retry time, gives up when told, and all of it survives reopening the file', async () => {
  const path = join(work, 'outbox.sqlite');
  let store = SqliteBreakGlassStore.open(path);
  await store.startSession(session('a', 'clin', T0), [note('a'), note('a', 'email')], { max: 3, since: 0 }, T0);
  const [hook, mail] = await store.dueNotifications(T0, 10);
  await store.markAttemptFailed(hook!.id, T0, 'HTTP 503', T0 + 60_000);
  await store.markAttemptFailed(mail!.id, T0, 'refused', undefined);
  await store.close();

  store = SqliteBreakGlassStore.open(path);
  assert.deepEqual(await store.dueNotifications(T0 + 59_999, 10), []);
  const [again] = await store.dueNotifications(T0 + 60_000, 10);
  assert.equal(again!.id, hook!.id);
  assert.equal(again!.attempts, 1);
  assert.deepEqual(await store.notificationState(mail!.id), { attempts: 1, gaveUpAt: T0, lastError: 'refused' });
  await store.markDelivered(hook!.id, T0 + 60_000);
  assert.deepEqual(await store.notificationState(hook!.id), { attempts: 2, deliveredAt: T0 + 60_000, lastError: 'HTTP 503' });
  assert.deepEqual(await store.dueNotifications(T0 + 10 * HOUR, 10), []);
  assert.equal((await store.findSession('a'))!.reasonText, 'why');
  await store.close();
});
