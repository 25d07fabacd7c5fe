import { BREAK_GLASS_MAX_MS, breakGlassState } from '../access/break-glass.js';
import type { Clock } from '../audit/clock.js';
import type { BreakGlassRecord, BreakGlassStore } from '../storage/break-glass-store.js';

/**
 * The user's own break-glass sessions that are active now, oldest first: what the console shows
 * so that the user can end one. No session is active longer than BREAK_GLASS_MAX_MS, so only
 * those started within it are read.
 */
export async function activeBreakGlassSessions(deps: { readonly store: Pick<BreakGlassStore, 'sessionsOf'>; readonly clock: Clock }, userName: string): Promise<BreakGlassRecord[]> {
  const now = deps.clock.now();
  const recent = await deps.store.sessionsOf(userName, now - BREAK_GLASS_MAX_MS);
  return recent.filter((session) => breakGlassState(session, now) === 'active').sort((a, b) => a.startedAt - b.startedAt);
}
