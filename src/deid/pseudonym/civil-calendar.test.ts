import assert from 'node:assert/strict';
import { test } from 'node:test';
import { civilDate, dayNumber, daysInMonth, isLeapYear, isValidCivilDate } from './civil-calendar.js';

const MS_PER_DAY = 86_400_000;

/** Reference from the JavaScript engine; setUTCFullYear avoids Date.UTC's mapping of years 0-99 to 19xx. */
function engineDayNumber(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / MS_PER_DAY);
}

test('dayNumber() and civilDate() agree with the JavaScript engine for every day of 0001-9999', () => {
  const first = engineDayNumber(1, 1, 1);
  const last = engineDayNumber(9999, 12, 31);
  for (let n = first; n <= last; n++) {
    const date = new Date(n * MS_PER_DAY);
    const expected = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
    const got = civilDate(n);
    if (got.year !== expected.year || got.month !== expected.month || got.day !== expected.day) assert.deepEqual(got, expected);
    if (dayNumber(expected) !== n) assert.equal(dayNumber(expected), n);
  }
});

test('dayNumber() counts from 1970-01-01', () => {
  assert.equal(dayNumber({ year: 1970, month: 1, day: 1 }), 0);
  assert.equal(dayNumber({ year: 2000, month: 3, day: 1 }), 11017);
});

test('leap years follow the Gregorian rule of 4, 100 and 400', () => {
  const cases: [number, boolean][] = [[1900, false], [2000, true], [2004, true], [2023, false], [2100, false], [2400, true]];
  for (const [year, leap] of cases) {
    assert.equal(isLeapYear(year), leap, String(year));
    assert.equal(daysInMonth(year, 2), leap ? 29 : 28);
    assert.equal(isValidCivilDate(year, 2, 29), leap);
  }
});

test('isValidCivilDate() refuses month 0 and 13, day 0 and day 31 of 30-day months', () => {
  assert.equal(isValidCivilDate(2020, 0, 1), false);
  assert.equal(isValidCivilDate(2020, 13, 1), false);
  assert.equal(isValidCivilDate(2020, 1, 0), false);
  assert.equal(isValidCivilDate(2020, 4, 31), false);
  assert.equal(isValidCivilDate(2020, 12, 31), true);
});
