/**
 * Emergency access (issue 6; HL7 purpose of use "break the glass"): full view of one patient's
 * studies for at most four hours, never export. The reason, the notifications and the review
 * queue belong to the request flow; the decision only honours an open session.
 */
export interface BreakGlass {
  readonly id: string;
  readonly userId: string;
  readonly patientRef: string;
  /** Milliseconds since the Unix epoch. */
  readonly startedAt: number;
  /** The end the user asked for; capped at `startedAt + BREAK_GLASS_MAX_MS` whatever it says. */
  readonly endsAt: number;
  /** Set when the session was closed early. */
  readonly endedAt?: number;
}

export const BREAK_GLASS_MAX_MS = 4 * 60 * 60 * 1000;

export type BreakGlassState = 'active' | 'not-started' | 'expired' | 'ended';

/** Active from `startedAt` (inclusive) to the earliest of its ends (exclusive). */
export function breakGlassState(session: BreakGlass, now: number): BreakGlassState {
  if (session.endedAt !== undefined && !(now < session.endedAt)) return 'ended';
  if (!(now >= session.startedAt)) return 'not-started';
  const end = Math.min(session.endsAt, session.startedAt + BREAK_GLASS_MAX_MS);
  if (!(now < end)) return 'expired';
  return 'active';
}
