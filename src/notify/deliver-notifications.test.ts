import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEventInput } from '../audit/event/audit-event.js';
import { validateAuditEvent } from '../audit/event/validate-audit-event.js';
import { SqliteBreakGlassStore } from '../storage/adapters/sqlite-break-glass-store.js';
import { deliverDueNotifications, type DeliverNotificationsDeps } from './deliver-notifications.js';

const T0 = Date.UTC(2025, 5, 2, 10, 0, 0);

test('a delivery that keeps failing is retried after 60 s, 120 s, then given up at the last attempt, each attempt audited; the other channel is unaffected', async () => {
  const store = SqliteBreakGlassStore.open(':memory:');
  await store.startSession(
    { id: 's1', userId: 'clin', patientRef: 'pt:0001', reasonCode: 'imminent-threat', reasonText: 'why', departments: [], startedAt: T0, endsAt: T0 + 60_000, reviewDueAt: T0 + 86_400_000 },
    [
      { sessionId: 's1', kind: 'started', channel: 'webhook', recipient: 'https://pager.test/', subject: 's', body: '{}' },
      { sessionId: 's1', kind: 'started', channel: 'email', recipient: 'dso@h.test', subject: 's', body: 'text' },
    ],
    { max: 3, since: 0 },
    T0,
  );
  const events: AuditEventInput[] = [];
  const sentMail: string[] = [];
  const deps: DeliverNotificationsDeps = {
    store,
    audit: {
      append: async (event) => {
        validateAuditEvent({ ...event, v: 1, time: new Date(T0).toISOString() });
        events.push(event);
        return { index: events.length - 1 };
      },
    },
    senders: {
      webhook: async () => {
        throw new Error('webhook answered HTTP 503');
      },
      email: async (notification) => void sentMail.push(notification.recipient),
    },
    maxAttempts: 3,
    retryMs: 60_000,
  };
  assert.deepEqual(await deliverDueNotifications(deps, T0), { sent: 1, failed: 1 });
  assert.deepEqual(sentMail, ['dso@h.test']);
  assert.deepEqual(await deliverDueNotifications(deps, T0 + 59_999), { sent: 0, failed: 0 }, 'not before the retry time');
  assert.deepEqual(await deliverDueNotifications(deps, T0 + 60_000), { sent: 0, failed: 1 });
  assert.deepEqual(await deliverDueNotifications(deps, T0 + 60_000 + 119_999), { sent: 0, failed: 0 }, 'the wait doubles');
  assert.deepEqual(await deliverDueNotifications(deps, T0 + 180_000), { sent: 0, failed: 1 });
  assert.deepEqual(await deliverDueNotifications(deps, T0 + 10 * 86_400_000), { sent: 0, failed: 0 }, 'given up');

  const failed = events.filter((e) => e.detail?.step === 'notification-failed');
  assert.deepEqual(
    failed.map((e) => [e.outcome, e.detail?.attempt, e.detail?.retryAt ?? null, e.detail?.gaveUp ?? null]),
    [
      ['minor-failure', '1', new Date(T0 + 60_000).toISOString(), null],
      ['minor-failure', '2', new Date(T0 + 180_000).toISOString(), null],
      ['serious-failure', '3', null, 'true'],
    ],
  );
  assert.ok(failed.every((e) => e.type === 'break-glass' && e.purpose === 'BTG' && e.detail?.reasonCode === 'imminent-threat' && e.detail?.error === 'webhook answered HTTP 503'));
  assert.deepEqual(events.filter((e) => e.detail?.step === 'notification-sent').map((e) => e.detail?.channel), ['email']);
  await store.close();
});
