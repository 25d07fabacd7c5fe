/**
 * Day arithmetic on the proleptic Gregorian calendar, the calendar of DICOM DA and DT values
 * (PS3.5 6.2 refers to ISO 8601). Pure integer arithmetic: `Date` maps years 0-99 to 1900-1999
 * and carries a time zone, neither of which belongs in a date shift.
 *
 * Day numbers count from 1970-01-01 (day 0). The conversion works in 400-year eras of 146097
 * days starting on March 1st, so that the leap day falls at the end of each counted year.
 */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const DAYS_PER_ERA = 146097;
/** Day number of 0000-03-01, the start of era 0. */
const ERA_ZERO = -719468;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isValidCivilDate(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day)
    && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function dayNumber(date: CivilDate): number {
  const marchYear = date.month <= 2 ? date.year - 1 : date.year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const marchMonth = (date.month + 9) % 12; // March = 0 ... February = 11
  const dayOfYear = Math.floor((153 * marchMonth + 2) / 5) + date.day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * DAYS_PER_ERA + dayOfEra + ERA_ZERO;
}

export function civilDate(dayNo: number): CivilDate {
  const shifted = dayNo - ERA_ZERO;
  const era = Math.floor(shifted / DAYS_PER_ERA);
  const dayOfEra = shifted - era * DAYS_PER_ERA;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const marchMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * marchMonth + 2) / 5) + 1;
  const month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}
