import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  freshLockoutState,
  lockDuration,
  lockedUntil,
  recordLoginAttempt,
  type LockoutState,
} from './lockout.js';

const minute = 60_000;
const hour = 60 * minute;
const t0 = Date.UTC(2025, 0, 1);

function fail(state: LockoutState, now: number): LockoutState {
  return recordLoginAttempt(state, { now, passwordMatches: false }).state;
}

function failTimes(count: number, now: number): LockoutState {
  let state: LockoutState = { ...freshLockoutState };
  for (let i = 0; i < count; i += 1) state = fail(state, now);
  return state;
}

test('lockDuration() is zero below five failures, one minute at five, then doubles up to one hour', () => {
  const cases: Array<[number, number]> = [
    [0, 0],
    [4, 0],
    [5, 1 * minute],
    [6, 2 * minute],
    [7, 4 * minute],
    [10, 32 * minute],
    [11, hour],
    [1000, hour],
  ];
  for (const [failures, expected] of cases) assert.equal(lockDuration(failures), expected, `${failures} failures`);
});

test('four wrong passwords leave the account open, the fifth locks it for one minute', () => {
  const four = failTimes(4, t0);
  assert.equal(lockedUntil(four, t0), undefined);
  const fifth = recordLoginAttempt(four, { now: t0, passwordMatches: false });
  assert.equal(fifth.outcome, 'rejected');
  assert.equal(lockedUntil(fifth.state, t0), t0 + minute);
  assert.equal(lockedUntil(fifth.state, t0 + minute - 1), t0 + minute);
  assert.equal(lockedUntil(fifth.state, t0 + minute), undefined);
});

test('a locked account is refused with the right password, and the answer does not depend on the password', () => {
  const locked = failTimes(5, t0);
  const right = recordLoginAttempt(locked, { now: t0 + 30_000, passwordMatches: true });
  const wrong = recordLoginAttempt(locked, { now: t0 + 30_000, passwordMatches: false });
  assert.equal(right.outcome, 'locked');
  assert.deepEqual(right, wrong);
  assert.deepEqual(right.state, locked, 'attempts during a lock neither count nor extend it');
  if (right.outcome === 'locked') assert.equal(right.retryAt, t0 + minute);
});

test('each failure after a lock ends doubles the next lock, capped at one hour', () => {
  let state = failTimes(5, t0);
  let now = t0;
  const expected = [2, 4, 8, 16, 32, 60, 60].map((m) => m * minute);
  for (const duration of expected) {
    now = lockedUntil(state, now)!;
    state = fail(state, now);
    assert.equal(state.lockedUntil! - now, duration);
  }
});

test('a right password after a lock has ended resets the count', () => {
  const locked = failTimes(5, t0);
  const after = recordLoginAttempt(locked, { now: t0 + minute, passwordMatches: true });
  assert.equal(after.outcome, 'accepted');
  assert.deepEqual(after.state, freshLockoutState);
  assert.equal(fail(after.state, t0 + minute).failures, 1);
});

test('failures older than a day are forgotten; younger ones still count', () => {
  const four = failTimes(4, t0);
  assert.equal(fail(four, t0 + 24 * hour - 1).lockedUntil, t0 + 24 * hour - 1 + minute);
  const later = fail(four, t0 + 24 * hour);
  assert.equal(later.failures, 1);
  assert.equal(later.lockedUntil, undefined);
});

test('a custom policy sets threshold and durations', () => {
  const policy = { threshold: 3, firstLockMs: 1000, maximumLockMs: 3000, forgetAfterMs: hour };
  let state: LockoutState = { ...freshLockoutState };
  const locks: Array<number | undefined> = [];
  let now = t0;
  for (let i = 0; i < 5; i += 1) {
    now = lockedUntil(state, now) ?? now;
    state = recordLoginAttempt(state, { now, passwordMatches: false, policy }).state;
    locks.push(state.lockedUntil === undefined ? undefined : state.lockedUntil - now);
  }
  assert.deepEqual(locks, [undefined, undefined, 1000, 2000, 3000]);
});
