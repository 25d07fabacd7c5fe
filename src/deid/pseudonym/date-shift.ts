/**
 * Shifting DA and DT values (PS3.5 6.2) by a whole number of days, the per-patient offset of
 * `keyedDateOffset`. Whole days keep every time of day, fraction and UTC offset as written, so
 * intervals between two values of one patient stay exact to the precision given.
 *
 * Decisions (docs/decisions/keyed-pseudonyms-and-date-shift.md):
 * - A DT given only to the year or month (YYYY, YYYYMM) is shifted as the middle day of the
 *   period it names, and the result is written at the same precision. Shifting the first day
 *   instead would move every such value back a whole period even for a one-day offset.
 * - DA accepts the ACR-NEMA form YYYY.MM.DD (PS3.5 6.2, retired) and writes YYYYMMDD.
 * - DA accepts the query range forms "A-B", "A-" and "-B" (PS3.4 C.2.2.2.5) and shifts each end.
 *   DT does not: "-0500" would be both a range end and a UTC offset.
 * - Values separated by backslash (value multiplicity > 1) are shifted one by one.
 * - Years are 0001 to 9999, before and after the shift; anything else, and any impossible date
 *   or time, throws MedVeilError('deid') so that nothing unshifted or invalid is written.
 *   Messages do not repeat the value: a date of birth is itself identifying.
 */
import { MedVeilError } from '../../errors.js';
import { type CivilDate, civilDate, dayNumber, daysInMonth, isLeapYear, isValidCivilDate } from './civil-calendar.js';
import { trimPaddingEnd } from '../../dicom/trim-padding.js';

const MIN_YEAR = 1;
const MAX_YEAR = 9999;

const DA = /^(\d{4})(\d{2})(\d{2})$/;
const ACR_NEMA_DA = /^(\d{4})\.(\d{2})\.(\d{2})$/;
// PS3.5 Table 6.2-1: YYYYMMDDHHMMSS.FFFFFF&ZZXX, every part after YYYY optional from the right.
const DT = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?)?)?)?(?:([+-])(\d{2})(\d{2}))?$/;

export function shiftDA(value: string, days: number): string {
  checkDays(days);
  return eachValue(value, (one) => shiftOneDA(one, days));
}

export function shiftDT(value: string, days: number): string {
  checkDays(days);
  return eachValue(value, (one) => shiftOneDT(one, days));
}

function shiftOneDA(value: string, days: number): string {
  if (!value.includes('-')) return shiftFullDate(value, days);
  const [from, to, extra] = value.split('-');
  if (extra !== undefined || (from === '' && to === '')) throw invalid('DA', 'a range is "A-B", "A-" or "-B"');
  const shiftEnd = (end: string | undefined): string => (end === undefined || end === '' ? '' : shiftFullDate(end, days));
  return `${shiftEnd(from)}-${shiftEnd(to)}`;
}

function shiftFullDate(value: string, days: number): string {
  const match = DA.exec(value) ?? ACR_NEMA_DA.exec(value);
  if (!match) throw invalid('DA', 'expected YYYYMMDD');
  const date = checkedDate('DA', Number(match[1]), Number(match[2]), Number(match[3]));
  return formatDate(addDays(date, days, 'DA'), 3);
}

function shiftOneDT(value: string, days: number): string {
  const match = DT.exec(value);
  if (!match) throw invalid('DT', 'expected YYYYMMDDHHMMSS.FFFFFF&ZZXX, parts optional from the right');
  const [, year, month, day, hour, minute, second, , sign, offsetHours, offsetMinutes] = match;
  checkTime(Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0));
  if (sign !== undefined) checkUtcOffset(sign, Number(offsetHours), Number(offsetMinutes));
  const precision = day !== undefined ? 3 : month !== undefined ? 2 : 1;
  const start = checkedDate('DT', Number(year), Number(month ?? 1), Number(day ?? 1));
  const anchor = precision === 3 ? start : middleDay(start, precision);
  const shifted = formatDate(addDays(anchor, days, 'DT'), precision);
  // Everything after the date part (time, fraction, UTC offset) is kept byte for byte.
  const dateLength = precision === 3 ? 8 : precision === 2 ? 6 : 4;
  return shifted + value.slice(dateLength);
}

/** The middle day of the year (precision 1) or month (precision 2) starting at `start`. */
function middleDay(start: CivilDate, precision: 1 | 2): CivilDate {
  const length = precision === 1 ? (isLeapYear(start.year) ? 366 : 365) : daysInMonth(start.year, start.month);
  return civilDate(dayNumber(start) + Math.floor(length / 2));
}

function addDays(date: CivilDate, days: number, vr: 'DA' | 'DT'): CivilDate {
  const shifted = civilDate(dayNumber(date) + days);
  if (shifted.year < MIN_YEAR || shifted.year > MAX_YEAR) {
    throw new MedVeilError('deid', `${vr} value shifted by ${days} days leaves the years 0001-9999`);
  }
  return shifted;
}

function checkedDate(vr: 'DA' | 'DT', year: number, month: number, day: number): CivilDate {
  if (year < MIN_YEAR || year > MAX_YEAR || !isValidCivilDate(year, month, day)) throw invalid(vr, 'no such calendar date');
  return { year, month, day };
}

function checkTime(hour: number, minute: number, second: number): void {
  // PS3.5 6.2 TM: SS may be 60 for a leap second.
  if (hour > 23 || minute > 59 || second > 60) throw invalid('DT', 'no such time of day');
}

function checkUtcOffset(sign: string, hours: number, minutes: number): void {
  // PS3.5 6.2 DT: the offset lies from -1200 to +1400.
  const total = hours * 60 + minutes;
  if (minutes > 59 || total > (sign === '-' ? 12 * 60 : 14 * 60)) throw invalid('DT', 'UTC offset outside -1200 to +1400');
}

function formatDate(date: CivilDate, precision: 1 | 2 | 3): string {
  const parts = [String(date.year).padStart(4, '0'), String(date.month).padStart(2, '0'), String(date.day).padStart(2, '0')];
  return parts.slice(0, precision).join('');
}

function eachValue(value: string, shift: (one: string) => string): string {
  const trimmed = trimPaddingEnd(value).trim();
  if (trimmed === '') return '';
  // An empty value among several (PS3.5 6.4) stays empty.
  return trimmed.split('\\').map((one) => (one.trim() === '' ? '' : shift(one.trim()))).join('\\');
}

function checkDays(days: number): void {
  if (!Number.isSafeInteger(days)) throw new MedVeilError('deid', `date shift must be a whole number of days, got ${days}`);
}

function invalid(vr: 'DA' | 'DT', expected: string): MedVeilError {
  return new MedVeilError('deid', `cannot shift an invalid ${vr} value (${expected}); the value is not repeated here because dates identify patients`);
}
