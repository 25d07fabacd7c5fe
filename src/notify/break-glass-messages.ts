/**
 * What break-glass notifications say. No PHI beyond the patient's pseudonymous reference: the
 * user's own reason text stays in the break-glass store for the reviewer, since typed words
 * could hold a name. Webhook bodies are JSON:
 *
 *   { "event": "break-glass.started" | "break-glass.escalated", "session": "<id>",
 *     "user": "<account>", "patient": "<patient reference>", "reasonCode": "<code>",
 *     "startedAt", "endsAt", "reviewDueAt": RFC 3339 UTC, "departments": [...],
 *     "notify": ["<account>", ...] }
 */
import type { BreakGlassRecord, NotificationInput, NotificationKind } from '../storage/break-glass-store.js';

export interface BreakGlassAudience {
  /** Account names of the DSOs and directors told, for the webhook's receiver to route. */
  readonly users: readonly string[];
  /** The e-mail addresses of those of them who have one configured. */
  readonly addresses: readonly string[];
}

export function breakGlassNotifications(
  session: BreakGlassRecord,
  kind: NotificationKind,
  audience: BreakGlassAudience,
  channels: { readonly webhookUrl: string | undefined; readonly email: boolean },
): NotificationInput[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const end = Math.min(session.endsAt, session.endedAt ?? Number.POSITIVE_INFINITY);
  const subject =
    kind === 'started'
      ? `MedVeil break-glass: ${session.userId} opened patient ${session.patientRef}`
      : `MedVeil break-glass NOT REVIEWED: session ${session.id} of ${session.userId}`;
  const notifications: NotificationInput[] = [];
  if (channels.webhookUrl !== undefined) {
    const body = JSON.stringify({
      event: `break-glass.${kind}`,
      session: session.id,
      user: session.userId,
      patient: session.patientRef,
      reasonCode: session.reasonCode,
      startedAt: iso(session.startedAt),
      endsAt: iso(end),
      reviewDueAt: iso(session.reviewDueAt),
      departments: session.departments,
      notify: audience.users,
    });
    notifications.push({ sessionId: session.id, kind, channel: 'webhook', recipient: channels.webhookUrl, subject, body });
  }
  if (channels.email) {
    const text = [
      kind === 'started'
        ? `${session.userId} opened emergency (break-glass) access to the studies of patient ${session.patientRef}.`
        : `The break-glass session ${session.id} of ${session.userId} was not reviewed in time.`,
      '',
      `Session:     ${session.id}`,
      `User:        ${session.userId}`,
      `Patient:     ${session.patientRef}`,
      `Reason code: ${session.reasonCode}`,
      `Started:     ${iso(session.startedAt)}`,
      `Ends:        ${iso(end)}`,
      `Review due:  ${iso(session.reviewDueAt)}`,
      `Departments: ${session.departments.join(', ') || '(none recorded)'}`,
      '',
      'A data security officer reviews it: GET /api/break-glass/reviews, then',
      `POST /api/break-glass/${session.id}/review with a fresh TOTP code.`,
    ].join('\n');
    for (const address of audience.addresses) notifications.push({ sessionId: session.id, kind, channel: 'email', recipient: address, subject, body: text });
  }
  return notifications;
}
