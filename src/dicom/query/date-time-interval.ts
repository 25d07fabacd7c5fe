/**
 * DA, TM and DT values as the span of time they name, for Single Value and Range Matching
 * (PS3.4 C.2.2.2.1, C.2.2.2.5). A value names a span as wide as its precision: "2006" is the
 * whole year, "10" (TM) the whole hour. A span is a pair of fixed-width digit strings, so spans
 * compare as strings:
 *
 *   DA  YYYYMMDD                (8 digits)
 *   TM  HHMMSSFFFFFF            (12 digits)
 *   DT  YYYYMMDDHHMMSSFFFFFF    (20 digits)
 *
 * A stored value and a query value match when their spans overlap, so "1015" matches a stored
 * "101530.25" and a range "1000-1100" reaches 11:00:59.999999. Missing digits of an upper bound
 * are filled with the largest digits a field can have (day 31, second 59 and 999999 µs), which
 * is above every valid value without needing a calendar.
 *
 * DT values with a UTC offset are refused in queries and never match when stored: MedVeil
 * indexes no DT attribute, and a DT that only combined date-time matching builds from a DA
 * and a TM carries no offset (docs/query.md).
 */
export type TemporalVR = 'DA' | 'TM' | 'DT';

export interface Interval {
  readonly start: string;
  readonly end: string;
}

const DATE = /^(\d{4})(\d{2})(\d{2})$/;
/** ACR-NEMA dates ("2006.07.05"), still found in old files (PS3.5 6.2, DA note). */
const OLD_DATE = /^(\d{4})\.(\d{2})\.(\d{2})$/;
const TIME = /^(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?$/;
/** ACR-NEMA times ("10:15:30.25"). */
const OLD_TIME = /^(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/;
const DATE_TIME = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?)?)?)?$/;

function inRange(text: string | undefined, low: number, high: number): boolean {
  if (text === undefined) return true;
  const value = Number(text);
  return value >= low && value <= high;
}

function validFields(month?: string, day?: string, hour?: string, minute?: string, second?: string): boolean {
  // Second 60 is a leap second (PS3.5 6.2, TM).
  return inRange(month, 1, 12) && inRange(day, 1, 31) && inRange(hour, 0, 23) && inRange(minute, 0, 59) && inRange(second, 0, 60);
}

function span(fields: readonly (string | undefined)[], lowest: readonly string[], highest: readonly string[]): Interval {
  let start = '';
  let end = '';
  fields.forEach((field, index) => {
    if (field !== undefined && index === fields.length - 1) {
      // The fraction: its digits given, then the rest of the microseconds.
      start += field.padEnd(6, '0');
      end += field.padEnd(6, '9');
    } else {
      start += field ?? lowest[index]!;
      end += field ?? highest[index]!;
    }
  });
  return { start, end };
}

const DATE_LOW = ['0000', '01', '01'];
const DATE_HIGH = ['9999', '12', '31'];
const TIME_LOW = ['00', '00', '00', '000000'];
const TIME_HIGH = ['23', '59', '59', '999999'];

function dateInterval(text: string, lenient: boolean): Interval | undefined {
  const match = DATE.exec(text) ?? (lenient ? OLD_DATE.exec(text) : null);
  if (!match || !validFields(match[2], match[3])) return undefined;
  const value = match[1]! + match[2]! + match[3]!;
  return { start: value, end: value };
}

function timeInterval(text: string, lenient: boolean): Interval | undefined {
  const match = TIME.exec(text) ?? (lenient ? OLD_TIME.exec(text) : null);
  if (!match || !validFields(undefined, undefined, match[1], match[2], match[3])) return undefined;
  return span(match.slice(1, 5), TIME_LOW, TIME_HIGH);
}

function dateTimeInterval(text: string): Interval | undefined {
  const match = DATE_TIME.exec(text);
  if (!match || !validFields(match[2], match[3], match[4], match[5], match[6])) return undefined;
  return span(match.slice(1, 8), [...DATE_LOW, ...TIME_LOW], [...DATE_HIGH, ...TIME_HIGH]);
}

/**
 * The span a query value names, or undefined when it is not a value of `vr` in the form
 * PS3.5 6.2 gives (queries are read strictly: "2006.07.05" is refused).
 */
export function queryInterval(vr: TemporalVR, text: string): Interval | undefined {
  switch (vr) {
    case 'DA': return dateInterval(text, false);
    case 'TM': return timeInterval(text, false);
    case 'DT': return dateTimeInterval(text);
  }
}

/** The span a stored value names; ACR-NEMA dates and times are read as well. Undefined never matches. */
export function storedInterval(vr: TemporalVR, text: string): Interval | undefined {
  switch (vr) {
    case 'DA': return dateInterval(text, true);
    case 'TM': return timeInterval(text, true);
    case 'DT': return dateTimeInterval(text);
  }
}

/** The canonical YYYYMMDD form of a stored date, or the text unchanged when it is not a date. */
export function canonicalDate(text: string): string {
  return dateInterval(text, true)?.start ?? text;
}

/** Whether two spans share at least one moment. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * A range "a-b", "-b" or "a-" (PS3.4 C.2.2.2.5) as one span; an open end reaches the
 * smallest or largest value of the width. Undefined when a bound is malformed, both are
 * missing, or the start lies after the end ("Range Matching crossing midnight is not
 * supported", and a reversed date range names nothing).
 */
export function rangeInterval(vr: TemporalVR, lower: string | undefined, upper: string | undefined): Interval | undefined {
  if (lower === undefined && upper === undefined) return undefined;
  const low = lower === undefined ? undefined : queryInterval(vr, lower);
  const high = upper === undefined ? undefined : queryInterval(vr, upper);
  if ((lower !== undefined && !low) || (upper !== undefined && !high)) return undefined;
  const width = vr === 'DA' ? 8 : vr === 'TM' ? 12 : 20;
  const start = low?.start ?? '0'.repeat(width);
  const end = high?.end ?? '9'.repeat(width);
  return start <= end ? { start, end } : undefined;
}
