/**
 * Account lockout after repeated wrong passwords (NIST SP 800-63B-4 3.2.2, rate limiting),
 * as a pure state machine. Times are milliseconds since the Unix epoch, passed in.
 */
export interface LockoutState {
  /** Wrong passwords since the last success, or since they were forgotten. */
  failures: number;
  lastFailureAt: number | undefined;
  lockedUntil: number | undefined;
}

export interface LockoutPolicy {
  /** The failure that locks the account first. */
  threshold: number;
  /** How long the first lock lasts; each further failure after a lock doubles it. */
  firstLockMs: number;
  maximumLockMs: number;
  /** Failures older than this, with no lock in force, are forgotten. */
  forgetAfterMs: number;
}

export const lockoutPolicy: Readonly<LockoutPolicy> = Object.freeze({
  threshold: 5,
  firstLockMs: 60_000,
  maximumLockMs: 3_600_000,
  forgetAfterMs: 24 * 3_600_000,
});

export const freshLockoutState: Readonly<LockoutState> = Object.freeze({
  failures: 0,
  lastFailureAt: undefined,
  lockedUntil: undefined,
});

/**
 * - `accepted`: the password matched and the account was not locked; failures are reset.
 * - `rejected`: the password was wrong; `state.lockedUntil` says whether this failure locked it.
 * - `locked`: the account is locked; the password was not looked at, and the result is the
 *   same whether it was right or wrong.
 */
export type LoginAttemptResult =
  | { outcome: 'accepted'; state: LockoutState }
  | { outcome: 'rejected'; state: LockoutState }
  | { outcome: 'locked'; state: LockoutState; retryAt: number };

/** Until when the account is locked at `now`, or `undefined` when it is not. */
export function lockedUntil(state: LockoutState, now: number): number | undefined {
  return state.lockedUntil !== undefined && now < state.lockedUntil ? state.lockedUntil : undefined;
}

/** How long the lock after the `failures`-th failure lasts: 0 below the threshold, then doubling to the cap. */
export function lockDuration(failures: number, policy: LockoutPolicy = lockoutPolicy): number {
  if (failures < policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold, 52);
  return Math.min(policy.firstLockMs * 2 ** doublings, policy.maximumLockMs);
}

/**
 * The next state after a login attempt at `now` whose password did or did not match. Call
 * `lockedUntil()` first to skip the argon2 work for a locked account; either way a locked
 * account gives `locked` and its state does not change, so attempts during a lock neither
 * extend it nor reveal anything.
 */
export function recordLoginAttempt(
  state: LockoutState,
  attempt: { now: number; passwordMatches: boolean; policy?: LockoutPolicy },
): LoginAttemptResult {
  const policy = attempt.policy ?? lockoutPolicy;
  const { now } = attempt;
  const retryAt = lockedUntil(state, now);
  if (retryAt !== undefined) return { outcome: 'locked', state, retryAt };
  if (attempt.passwordMatches) return { outcome: 'accepted', state: { ...freshLockoutState } };
  const forgotten = state.lastFailureAt !== undefined && now - state.lastFailureAt >= policy.forgetAfterMs;
  const failures = (forgotten ? 0 : state.failures) + 1;
  const duration = lockDuration(failures, policy);
  return {
    outcome: 'rejected',
    state: { failures, lastFailureAt: now, lockedUntil: duration > 0 ? now + duration : undefined },
  };
}
