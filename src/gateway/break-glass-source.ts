import { BREAK_GLASS_MAX_MS, type BreakGlass } from '../access/break-glass.js';
import type { Clock } from '../audit/clock.js';
import type { BreakGlassStore } from '../storage/break-glass-store.js';

/** The break-glass sessions of a user that the access decision weighs (actor-for-user.ts). */
export type BreakGlassSource = (userName: string) => Promise<readonly BreakGlass[]>;

export const NO_BREAK_GLASS: BreakGlassSource = async () => [];

/**
 * The user's sessions that could still be open: started within BREAK_GLASS_MAX_MS of now, read
 * afresh for every request so that a session ended a moment ago already counts as ended.
 */
export function breakGlassSource(store: Pick<BreakGlassStore, 'sessionsOf'>, clock: Clock): BreakGlassSource {
  return async (userName) =>
    (await store.sessionsOf(userName, clock.now() - BREAK_GLASS_MAX_MS)).map(({ id, userId, patientRef, startedAt, endsAt, endedAt }) => ({
      id,
      userId,
      patientRef,
      startedAt,
      endsAt,
      ...(endedAt === undefined ? {} : { endedAt }),
    }));
}
