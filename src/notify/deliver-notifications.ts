/**
 * Delivers the notification outbox: every due message is tried once per run; a failure is
 * counted and tried again later (retry after `retryMs`, doubling) until `maxAttempts`. Each
 * attempt's outcome is a `break-glass` audit event (step `notification-sent` or
 * `notification-failed`). Delivery never blocks an access: the access was recorded and
 * allowed before its messages were queued.
 */
import type { AuditLog } from '../audit/log/audit-log.js';
import type { BreakGlassStore, OutboxNotification } from '../storage/break-glass-store.js';

export type NotificationSender = (notification: OutboxNotification, now: number) => Promise<void>;

export interface DeliverNotificationsDeps {
  readonly store: Pick<BreakGlassStore, 'dueNotifications' | 'markDelivered' | 'markAttemptFailed' | 'findSession'>;
  readonly audit: Pick<AuditLog, 'append'>;
  readonly senders: { readonly webhook?: NotificationSender; readonly email?: NotificationSender };
  readonly maxAttempts: number;
  readonly retryMs: number;
}

/** The most messages one run sends, so a long backlog cannot hold the job for ever. */
const BATCH = 100;

export async function deliverDueNotifications(deps: DeliverNotificationsDeps, now: number): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (const notification of await deps.store.dueNotifications(now, BATCH)) {
    const session = await deps.store.findSession(notification.sessionId);
    const common = {
      type: 'break-glass' as const,
      actor: { user: 'medveil' },
      purpose: 'BTG',
      ...(session === undefined ? {} : { objects: [{ patient: session.patientRef }] }),
    };
    const detail = {
      session: notification.sessionId,
      notification: notification.kind,
      channel: notification.channel,
      attempt: String(notification.attempts + 1),
      ...(session === undefined ? {} : { reasonCode: session.reasonCode }),
    };
    const sender = deps.senders[notification.channel];
    try {
      if (sender === undefined) throw new Error(`no ${notification.channel} channel is configured`);
      await sender(notification, now);
    } catch (error) {
      failed += 1;
      const attempts = notification.attempts + 1;
      const next = attempts < deps.maxAttempts ? now + deps.retryMs * 2 ** (attempts - 1) : undefined;
      const message = error instanceof Error ? error.message : String(error);
      await deps.store.markAttemptFailed(notification.id, now, message, next);
      await deps.audit.append({
        ...common,
        outcome: next === undefined ? 'serious-failure' : 'minor-failure',
        detail: { ...detail, step: 'notification-failed', error: message.slice(0, 256), ...(next === undefined ? { gaveUp: 'true' } : { retryAt: new Date(next).toISOString() }) },
      });
      continue;
    }
    sent += 1;
    await deps.store.markDelivered(notification.id, now);
    await deps.audit.append({ ...common, outcome: 'success', detail: { ...detail, step: 'notification-sent' } });
  }
  return { sent, failed };
}
