import type { UserRecord } from '../storage/account-store.js';
import type { BreakGlassRecord, BreakGlassReviewOutcome } from '../storage/break-glass-store.js';
import type { SecretSealing } from './account-deps.js';
import { auditActorOf } from './audit-actor.js';
import { MAX_BREAK_GLASS_TEXT, breakGlassRefusal, refusalEvent, sessionStepEvent, type BreakGlassDeps, type BreakGlassRefusal } from './break-glass-deps.js';
import { checkTotpCode } from './totp-code-check.js';

export interface ReviewBreakGlassDeps extends Pick<BreakGlassDeps, 'store' | 'accounts' | 'audit' | 'clock'> {
  readonly secrets: SecretSealing;
}

export interface ReviewBreakGlassInput {
  readonly by: UserRecord;
  readonly sessionId: string;
  readonly totp: unknown;
  readonly outcome: unknown;
  readonly note: unknown;
}

export type ReviewBreakGlassResult = { readonly outcome: 'reviewed'; readonly session: BreakGlassRecord } | BreakGlassRefusal;

const OUTCOMES: readonly BreakGlassReviewOutcome[] = ['justified', 'unjustified'];

/** The unreviewed sessions, oldest first, for data security officers only. */
export async function listBreakGlassReviews(deps: Pick<BreakGlassDeps, 'store' | 'audit'>, by: UserRecord): Promise<{ readonly outcome: 'listed'; readonly sessions: BreakGlassRecord[] } | BreakGlassRefusal> {
  if (!by.roles.includes('dso')) {
    await deps.audit.append(refusalEvent(by, 'review-list', 'not-dso'));
    return breakGlassRefusal('not-dso', 'only a data security officer reads the break-glass review queue');
  }
  return { outcome: 'listed', sessions: await deps.store.unreviewed() };
}

/**
 * A data security officer judges a session `justified` or `unjustified`, with a fresh TOTP
 * code (the same one-time check as signing in: a code is spent once). Nobody reviews their
 * own session. Recorded before it is stored; a second review is refused.
 */
export async function reviewBreakGlass(deps: ReviewBreakGlassDeps, input: ReviewBreakGlassInput): Promise<ReviewBreakGlassResult> {
  const { by } = input;
  const now = deps.clock.now();
  const refuse = async (reason: BreakGlassRefusal['reason'], message: string, session?: BreakGlassRecord) => {
    await deps.audit.append(
      refusalEvent(by, 'review', reason, { session: input.sessionId.slice(0, 64), ...(session === undefined ? {} : { reasonCode: session.reasonCode }) }, session?.patientRef),
    );
    return breakGlassRefusal(reason, message);
  };
  if (!by.roles.includes('dso')) return refuse('not-dso', 'only a data security officer reviews break-glass sessions');
  if (typeof input.outcome !== 'string' || !OUTCOMES.includes(input.outcome as BreakGlassReviewOutcome)) {
    return refuse('invalid-break-glass-request', `outcome is ${OUTCOMES.join(' or ')}`);
  }
  const note = typeof input.note === 'string' ? input.note.trim() : '';
  if (note === '' || note.length > MAX_BREAK_GLASS_TEXT) return refuse('invalid-break-glass-request', `note: what the review found, 1 to ${MAX_BREAK_GLASS_TEXT} characters`);
  const session = await deps.store.findSession(input.sessionId);
  if (session === undefined) return refuse('unknown-session', `no break-glass session ${input.sessionId}`);
  if (session.userId === by.name) return refuse('own-session', 'another data security officer reviews your own break-glass session', session);
  if (session.review !== undefined) return refuse('already-reviewed', `the session was reviewed by ${session.review.reviewedBy}`, session);
  if (by.totp === undefined) return refuse('totp-required', 'enrol a second factor (POST /api/me/totp) before reviewing', session);
  const check = await checkTotpCode(deps, { ...by, totp: by.totp }, input.totp, now);
  if (check.outcome !== 'accepted') {
    await deps.audit.append(refusalEvent(by, 'review', 'totp-invalid', { session: session.id, reasonCode: session.reasonCode, totp: check.auditReason }, session.patientRef));
    return breakGlassRefusal('totp-invalid', 'the TOTP code is wrong or was used already; wait for the next one');
  }
  const outcome = input.outcome as BreakGlassReviewOutcome;
  await deps.audit.append(sessionStepEvent(auditActorOf(by), 'review', session, { review: outcome, ...(session.escalatedAt === undefined ? {} : { escalated: 'true' }) }));
  const review = { reviewedAt: now, reviewedBy: by.name, outcome, note };
  const recorded = await deps.store.recordReview(session.id, review);
  if (recorded !== 'recorded') return breakGlassRefusal('already-reviewed', 'another review came first');
  return { outcome: 'reviewed', session: { ...session, review } };
}
