import type { UserRecord } from '../storage/account-store.js';
import { auditActorOf } from './audit-actor.js';
import { breakGlassRefusal, refusalEvent, sessionStepEvent, type BreakGlassDeps, type BreakGlassRefusal } from './break-glass-deps.js';

export type EndBreakGlassResult = { readonly outcome: 'ended'; readonly endedAt: number } | BreakGlassRefusal;

/**
 * Closes a session before its time: the user who opened it, or a data security officer. The
 * next access decision sees `endedAt` and gives the patient's studies no more than the
 * policy table would. Recorded before it is stored; a session closed twice is refused.
 */
export async function endBreakGlass(deps: Pick<BreakGlassDeps, 'store' | 'audit' | 'clock'>, input: { readonly by: UserRecord; readonly sessionId: string }): Promise<EndBreakGlassResult> {
  const { by, sessionId } = input;
  const now = deps.clock.now();
  const session = await deps.store.findSession(sessionId);
  const isDso = by.roles.includes('dso');
  if (session === undefined || (session.userId !== by.name && !isDso)) {
    // The same answer for someone else's session and a missing one.
    await deps.audit.append(refusalEvent(by, 'end', 'unknown-session', { session: sessionId.slice(0, 64) }));
    return breakGlassRefusal('unknown-session', `no break-glass session ${sessionId} of yours`);
  }
  if (session.endedAt !== undefined || now >= session.endsAt) {
    await deps.audit.append(refusalEvent(by, 'end', 'already-ended', { session: session.id, reasonCode: session.reasonCode }, session.patientRef));
    return breakGlassRefusal('already-ended', 'the session has already ended');
  }
  await deps.audit.append(sessionStepEvent(auditActorOf(by), 'end', session));
  const ended = await deps.store.endSession(session.id, now, by.name);
  if (ended !== 'ended') return breakGlassRefusal('already-ended', 'the session has already ended');
  return { outcome: 'ended', endedAt: now };
}
