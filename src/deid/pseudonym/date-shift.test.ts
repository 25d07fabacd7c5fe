import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { test } from 'node:test';
import { MedVeilError } from '../../errors.js';
import { createPseudonymizer } from './create-pseudonymizer.js';
import { shiftDA, shiftDT } from './date-shift.js';

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 by the JavaScript engine, an implementation independent of ours. */
function engineDay(da: string): number {
  const date = new Date(0);
  date.setUTCFullYear(Number(da.slice(0, 4)), Number(da.slice(4, 6)) - 1, Number(da.slice(6, 8)));
  return Math.round(date.getTime() / MS_PER_DAY);
}

function randomDA(fromYear: number, toYear: number): string {
  const date = new Date(0);
  date.setUTCFullYear(fromYear, 0, 1);
  const start = Math.round(date.getTime() / MS_PER_DAY);
  date.setUTCFullYear(toYear, 11, 31);
  const end = Math.round(date.getTime() / MS_PER_DAY);
  const day = new Date((start + randomInt(end - start + 1)) * MS_PER_DAY);
  return `${String(day.getUTCFullYear()).padStart(4, '0')}${String(day.getUTCMonth() + 1).padStart(2, '0')}${String(day.getUTCDate()).padStart(2, '0')}`;
}

function rejects(fn: () => unknown, label: string): void {
  assert.throws(fn, (error: unknown) => error instanceof MedVeilError && error.code === 'deid', label);
}

test('shiftDA() handles leap days, month ends and year ends', () => {
  const cases: [string, number, string][] = [
    ['20200301', -1, '20200229'],
    ['20190301', -1, '20190228'],
    ['21000301', -1, '21000228'],
    ['20000301', -1, '20000229'],
    ['20200101', -1, '20191231'],
    ['20201231', 1, '20210101'],
    ['20200131', 30, '20200301'],
    ['20190131', 30, '20190302'],
    ['20200229', -366, '20190228'],
    ['20200229', 1461, '20240229'],
    ['20200430', -30, '20200331'],
    ['20200315', 0, '20200315'],
    ['19700101', -3650, '19600104'],
  ];
  for (const [value, days, expected] of cases) assert.equal(shiftDA(value, days), expected, `${value} ${days}`);
});

test('shiftDA() shifts both ends of a range, open ranges, several values, padding and the ACR-NEMA form', () => {
  const cases: [string, number, string][] = [
    ['20200101-20201231', -10, '20191222-20201221'],
    ['20200101-', -1, '20191231-'],
    ['-20200101', -1, '-20191231'],
    ['20200101\\20200102', -1, '20191231\\20200101'],
    ['20200101\\\\20200103', -1, '20191231\\\\20200102'],
    ['20200101 ', -1, '20191231'],
    ['2020.03.01', -1, '20200229'],
    ['', -1, ''],
    [' ', -1, ''],
  ];
  for (const [value, days, expected] of cases) assert.equal(shiftDA(value, days), expected, `${JSON.stringify(value)} ${days}`);
});

test('shiftDA() refuses invalid dates instead of passing them through', () => {
  for (const value of ['20200230', '20190229', '21000229', '20201301', '20200001', '20200100', '2020013', '202001011',
    'abcdefgh', '00000101', '-', '20200101-20200102-20200103', '2020-01-01', '2020/01/01', '20200101T']) {
    rejects(() => shiftDA(value, -1), value);
  }
});

test('shiftDA() refuses to leave the years 0001-9999 and to shift by a fraction of a day', () => {
  rejects(() => shiftDA('00010101', -1), 'below year 1');
  rejects(() => shiftDA('99991231', 1), 'above year 9999');
  rejects(() => shiftDA('20200101', 1.5), 'fractional days');
  rejects(() => shiftDA('20200101', Number.NaN), 'NaN days');
});

test('shift errors do not repeat the value, which may be a date of birth', () => {
  try {
    shiftDA('19630229', -1);
    assert.fail('expected an error');
  } catch (error) {
    assert.ok(error instanceof MedVeilError);
    assert.doesNotMatch(error.message, /1963/);
  }
});

test('shiftDT() keeps time, fraction and UTC offset and shifts the date at day precision', () => {
  const cases: [string, number, string][] = [
    ['20200301', -1, '20200229'],
    ['2020030112', -1, '2020022912'],
    ['202003011234', -1, '202002291234'],
    ['20200301123456', -1, '20200229123456'],
    ['20200301123456.123456+0100', -1, '20200229123456.123456+0100'],
    ['20200301123456.1-0500', -1, '20200229123456.1-0500'],
    ['20200101000000+1400', -1, '20191231000000+1400'],
    ['20200101235960-1200', -1, '20191231235960-1200'],
    ['20201231235959.999999', 1, '20210101235959.999999'],
    ['20200301123456 ', -1, '20200229123456'],
    ['20200301\\20200302120000', -1, '20200229\\20200301120000'],
    ['', -1, ''],
  ];
  for (const [value, days, expected] of cases) assert.equal(shiftDT(value, days), expected, `${value} ${days}`);
});

test('shiftDT() shifts a year or month value as the middle of that period, at the same precision', () => {
  const cases: [string, number, string][] = [
    ['2020', -1, '2020'],
    ['2020', -183, '2020'], // 2020-07-02 minus 183 days is 2020-01-01
    ['2020', -184, '2019'],
    ['2019', -182, '2019'], // 2019-07-02 minus 182 days is 2019-01-01
    ['2019', -183, '2018'],
    ['2020', -3650, '2010'],
    ['2020+0100', -1, '2020+0100'],
    ['202003', -15, '202003'], // March 16th minus 15 days is March 1st
    ['202003', -16, '202002'],
    ['202002', -14, '202002'], // February 15th (leap year) minus 14 days is February 1st
    ['202002', -15, '202001'],
    ['202001', -20, '201912'],
    ['202012', 15, '202012'], // December 16th plus 15 days is December 31st
    ['202012', 16, '202101'],
  ];
  for (const [value, days, expected] of cases) assert.equal(shiftDT(value, days), expected, `${value} ${days}`);
});

test('shiftDT() refuses invalid values, including ranges', () => {
  for (const value of ['20200230', '2020030124', '202003011260', '20200301120061', '20200301120000.1234567',
    '20200301.1', '20200301120000.', '20200101+1500', '20200101-1300', '20200101+0160', '20200101+01', '202',
    '2020030', '20200101-20200102', '-20200101', '20200101-', 'T2020', '00001231']) {
    rejects(() => shiftDT(value, -1), value);
  }
  rejects(() => shiftDT('0001', -366), 'below year 1');
});

test('one patient keeps every interval between dates exact, for random pairs and offsets', () => {
  const pseudonymizer = createPseudonymizer(randomBytes(32));
  for (let i = 0; i < 2000; i++) {
    const days = pseudonymizer.dateOffsetDays(`patient-${i % 50}`);
    const a = randomDA(1900, 2100);
    const b = randomDA(1900, 2100);
    const shiftedA = shiftDA(a, days);
    const shiftedB = shiftDT(`${b}101010.5+0200`, days).slice(0, 8);
    assert.equal(engineDay(shiftedB) - engineDay(shiftedA), engineDay(b) - engineDay(a), `${a} ${b} ${days}`);
    assert.equal(engineDay(shiftedA) - engineDay(a), days);
  }
});

test('shiftDA() agrees with Python datetime on random dates and offsets (peer check)', () => {
  const cases = Array.from({ length: 500 }, () => [randomDA(1000, 9000), randomInt(-36525, 36526)] as const);
  const script = [
    'import sys, datetime',
    'for line in sys.stdin.read().split("\\n"):',
    '    value, days = line.split()',
    '    d = datetime.date(int(value[:4]), int(value[4:6]), int(value[6:])) + datetime.timedelta(days=int(days))',
    '    print(d.strftime("%Y%m%d").zfill(8))',
  ].join('\n');
  const run = spawnSync(debianPython(), ['-c', script], { input: cases.map(([v, d]) => `${v} ${d}`).join('\n'), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const expected = run.stdout.trim().split('\n');
  assert.equal(expected.length, cases.length);
  cases.forEach(([value, days], i) => assert.equal(shiftDA(value, days), expected[i], `${value} ${days}`));
});

/** The interpreter of the Debian python3 package (the one the pydicom package is built for). */
function debianPython(): string {
  const listing = spawnSync('dpkg', ['-L', 'python3-minimal'], { encoding: 'utf8' });
  const python = listing.stdout.split('\n').find((line) => /\/bin\/python3$/.test(line));
  assert.ok(python, 'python3-minimal is not installed; install python3-pydicom (see scripts/test.sh)');
  return python;
}
