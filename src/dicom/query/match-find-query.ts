/**
 * Whether an entity matches a query, given its attribute values. This is the authority on
 * matching: an index may narrow its candidates any way it likes (SQL), as long as it never
 * drops one this function accepts, and then asks this function about each candidate.
 */
import { overlaps, queryInterval, rangeInterval, storedInterval, type Interval, type TemporalVR } from './date-time-interval.js';
import type { FindQuery, MatchKey } from './find-query.js';
import { isTemporalVR, type Matcher } from './matcher.js';
import { personNameMatches } from './person-name-match.js';
import { wildcardMatches } from './wildcard-match.js';
import type { VR } from '../vr.js';

/** The values an entity holds for a tag (with those of its parents); empty when it holds none. */
export type AttributeValues = (tag: number) => readonly string[];

export function matchesFindQuery(query: FindQuery, valuesOf: AttributeValues): boolean {
  return query.matchKeys.every((key) => matchesKey(key, valuesOf, query.fuzzy));
}

/** An empty stored value matches nothing but Universal Matching, which is never a key. */
export function matchesKey(key: MatchKey, valuesOf: AttributeValues, fuzzy: boolean): boolean {
  if (key.withTime) return matchesDateTime(key, valuesOf);
  const values = valuesOf(key.tag).filter((value) => value !== '');
  return values.some((value) => matchesValue(key.vr, key.matcher, value, fuzzy));
}

function matchesValue(vr: VR, matcher: Matcher, stored: string, fuzzy: boolean): boolean {
  switch (matcher.kind) {
    case 'uid-list':
      return matcher.uids.includes(stored);
    case 'wildcard':
      return vr === 'PN' ? personNameMatches(matcher.pattern, stored, { wildcard: true, fuzzy }) : wildcardMatches(matcher.pattern, stored);
    case 'range':
      return isTemporalVR(vr) && storedOverlaps(vr, stored, rangeInterval(vr, matcher.lower, matcher.upper));
    case 'single':
      if (vr === 'PN') return personNameMatches(matcher.value, stored, { wildcard: false, fuzzy });
      if (isTemporalVR(vr)) return storedOverlaps(vr, stored, queryInterval(vr, matcher.value));
      if (isNumericVR(vr)) return Number(stored) === Number(matcher.value);
      return stored === matcher.value;
  }
}

function storedOverlaps(vr: TemporalVR, stored: string, wanted: Interval | undefined): boolean {
  const held = storedInterval(vr, stored);
  return held !== undefined && wanted !== undefined && overlaps(held, wanted);
}

const NUMERIC_VRS: ReadonlySet<VR> = new Set(['IS', 'DS', 'US', 'UL', 'SS', 'SL', 'SV', 'UV', 'FL', 'FD']);

function isNumericVR(vr: VR): boolean {
  return NUMERIC_VRS.has(vr);
}

/**
 * Combined date-time matching (PS3.4 C.2.2.2.5): the entity's date and time, concatenated,
 * fall in the DT range of the concatenated bounds. A missing time leaves the whole day.
 */
function matchesDateTime(key: MatchKey, valuesOf: AttributeValues): boolean {
  const date = key.matcher;
  const time = key.withTime!.matcher;
  if (date.kind !== 'range') return false;
  const wanted = rangeInterval(
    'DT',
    date.lower === undefined ? undefined : date.lower + (time.lower ?? ''),
    date.upper === undefined ? undefined : date.upper + (time.upper ?? ''),
  );
  const storedDate = storedInterval('DA', valuesOf(key.tag)[0] ?? '');
  if (!wanted || !storedDate) return false;
  const storedTime = valuesOf(key.withTime!.tag)[0];
  const timeSpan = storedTime === undefined || storedTime === '' ? undefined : storedInterval('TM', storedTime);
  if (storedTime !== undefined && storedTime !== '' && !timeSpan) return false;
  const held: Interval = timeSpan
    ? { start: storedDate.start + timeSpan.start, end: storedDate.start + timeSpan.end }
    : { start: `${storedDate.start}000000000000`, end: `${storedDate.start}235959999999` };
  return overlaps(held, wanted);
}
