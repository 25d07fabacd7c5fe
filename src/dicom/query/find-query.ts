/**
 * The query model shared by QIDO-RS (`parseQidoQuery`) and C-FIND (`findQueryFromIdentifier`):
 * what is searched for, at which level, under which parents, and what is returned.
 */
import type { VR } from '../vr.js';
import { rangeInterval } from './date-time-interval.js';
import { type Matcher, parseMatchValue } from './matcher.js';
import { DATE_TIME_PAIRS, queryAttribute } from './query-attributes.js';
import type { QueryLevel } from './query-level.js';

export type RangeMatcher = Extract<Matcher, { kind: 'range' }>;

export interface MatchKey {
  readonly tag: number;
  readonly vr: VR;
  readonly matcher: Matcher;
  /**
   * Combined date-time matching (PS3.4 C.2.2.2.5): this date key's range and the range of its
   * time key are matched as one DT range over the date and time of each entity. The date range
   * alone still holds, so an index may narrow by date first.
   */
  readonly withTime?: { readonly tag: number; readonly matcher: RangeMatcher };
}

/** The parents a request is confined to, e.g. the study of `/studies/{study}/series`. */
export interface QueryScope {
  readonly studyUid?: string;
  readonly seriesUid?: string;
}

/** Something the caller asked for that we do not do; the HTTP adapter turns each into a Warning header. */
export type QueryWarning = 'emptyvaluematching-unsupported' | 'multiplevaluematching-unsupported';

export interface FindQuery {
  readonly level: QueryLevel;
  readonly scope: QueryScope;
  /** Every key must match (the keys are ANDed); none means every entity of the level. */
  readonly matchKeys: readonly MatchKey[];
  /** The attributes to return, ascending and unique; matching keys are among them. */
  readonly returnKeys: readonly number[];
  /** At most this many matches; undefined leaves it to the archive's own maximum. */
  readonly limit: number | undefined;
  /** Skip this many matches first (PS3.18 8.3.4.4). */
  readonly offset: number;
  /** Fuzzy matching of person names (PS3.4 C.2.2.2.1.1). */
  readonly fuzzy: boolean;
  readonly warnings: readonly QueryWarning[];
}

export type MatchKeysResult =
  | { readonly ok: true; readonly keys: readonly MatchKey[] }
  /** `problem` names no value: values may be a patient's name. */
  | { readonly ok: false; readonly tag: number; readonly problem: string };

export interface MatchKeysOptions {
  /**
   * Match date and time pairs as one moment (PS3.4 C.2.2.2.5). Always on for QIDO-RS
   * (PS3.18 8.3.4.1.1); for C-FIND only when Extended Negotiation agreed to it.
   */
  readonly combinedDateTime: boolean;
}

/**
 * Parses the values of every matching key. `values` holds, per tag, the value(s) the request
 * gave; keys the index does not hold or cannot match are refused, never ignored. Universal
 * keys are left out: they only ask for the attribute to be returned.
 */
export function buildMatchKeys(values: ReadonlyMap<number, readonly string[]>, options: MatchKeysOptions): MatchKeysResult {
  const combinable = new Set<number>();
  if (options.combinedDateTime) {
    for (const [date, time] of DATE_TIME_PAIRS) {
      if (hasValue(values.get(date)) && hasValue(values.get(time))) combinable.add(time);
    }
  }
  const keys = new Map<number, MatchKey>();
  for (const [tag, given] of values) {
    const attribute = queryAttribute(tag);
    if (!attribute) return { ok: false, tag, problem: 'is not an attribute this archive can match' };
    const parsed = parseMatchValue(attribute.vr, given, { reversedRange: combinable.has(tag) });
    if (parsed.kind === 'refused') return { ok: false, tag, problem: `has ${parsed.problem}` };
    if (parsed.kind === 'universal') continue;
    if (!attribute.matchable) return { ok: false, tag, problem: 'can be returned but not matched' };
    keys.set(tag, { tag, vr: attribute.vr, matcher: parsed.matcher });
  }
  for (const [date, time] of DATE_TIME_PAIRS) {
    const combined = combineDateTime(keys.get(date), keys.get(time), options.combinedDateTime);
    if (combined === 'separate') {
      const timeKey = keys.get(time);
      if (timeKey?.matcher.kind === 'range' && !rangeInterval('TM', timeKey.matcher.lower, timeKey.matcher.upper)) {
        return { ok: false, tag: time, problem: 'has a TM range whose start lies after its end' };
      }
      continue;
    }
    if (combined === 'reversed') return { ok: false, tag: date, problem: 'and its time form a date-time range whose start lies after its end' };
    keys.set(date, combined);
    keys.delete(time);
  }
  return { ok: true, keys: [...keys.values()].sort((a, b) => a.tag - b.tag) };
}

function hasValue(given: readonly string[] | undefined): boolean {
  return given !== undefined && given.some((value) => value.trim() !== '');
}

/**
 * PS3.4 C.2.2.2.5: a date and a time "both of which specify the same form of Range Matching"
 * are matched as the single DT range of their concatenated bounds. A single date with a time
 * range, or ranges of different forms, are matched separately.
 */
function combineDateTime(dateKey: MatchKey | undefined, timeKey: MatchKey | undefined, enabled: boolean): MatchKey | 'separate' | 'reversed' {
  if (!enabled || !dateKey || !timeKey) return 'separate';
  const date = dateKey.matcher;
  const time = timeKey.matcher;
  if (date.kind !== 'range' || time.kind !== 'range') return 'separate';
  if ((date.lower === undefined) !== (time.lower === undefined) || (date.upper === undefined) !== (time.upper === undefined)) return 'separate';
  const lower = date.lower === undefined ? undefined : date.lower + time.lower!;
  const upper = date.upper === undefined ? undefined : date.upper + time.upper!;
  if (!rangeInterval('DT', lower, upper)) return 'reversed';
  return { ...dateKey, withTime: { tag: timeKey.tag, matcher: time } };
}
