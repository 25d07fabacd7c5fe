import { breakGlassNotifications } from '../notify/break-glass-messages.js';
import { breakGlassAudience, sessionStepEvent, type BreakGlassDeps } from './break-glass-deps.js';

/**
 * Escalates every session still unreviewed at its review deadline: an escalation event, then
 * the `escalated` notifications queued with the mark in one transaction. The mark lives in the
 * store, so a restart neither loses an escalation nor sends one twice. Run by the break-glass
 * job (server/break-glass-jobs.ts) on the injected clock.
 */
export async function escalateOverdueBreakGlass(deps: Pick<BreakGlassDeps, 'store' | 'accounts' | 'audit' | 'channels'>, now: number): Promise<string[]> {
  const escalated: string[] = [];
  for (const session of await deps.store.dueForEscalation(now)) {
    const audience = await breakGlassAudience(deps, session.departments);
    const extra = { reviewDueAt: new Date(session.reviewDueAt).toISOString(), notify: audience.users.join(',').slice(0, 1024) };
    await deps.audit.append(sessionStepEvent({ user: 'medveil' }, 'escalation', session, extra, 'minor-failure'));
    if (await deps.store.claimEscalation(session.id, now, breakGlassNotifications(session, 'escalated', audience, deps.channels))) escalated.push(session.id);
  }
  return escalated;
}
