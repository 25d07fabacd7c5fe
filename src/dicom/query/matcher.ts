/**
 * What one key of a query asks for (PS3.4 C.2.2.2), parsed from its value. Universal Matching
 * (an empty value, or only "*") is not a matcher: such a key only asks for the attribute to be
 * returned.
 */
import { MAX_VALUE_LENGTH, type VR } from '../vr.js';
import { queryInterval, rangeInterval, type TemporalVR } from './date-time-interval.js';
import { hasWildcard } from './wildcard-match.js';

export type Matcher =
  /** Single Value Matching (C.2.2.2.1); numbers compare as numbers, dates and times as spans. */
  | { readonly kind: 'single'; readonly value: string }
  /** List of UID Matching (C.2.2.2.2). */
  | { readonly kind: 'uid-list'; readonly uids: readonly string[] }
  /** Wild Card Matching (C.2.2.2.4). */
  | { readonly kind: 'wildcard'; readonly pattern: string }
  /** Range Matching (C.2.2.2.5); at least one bound. */
  | { readonly kind: 'range'; readonly lower?: string; readonly upper?: string };

export type ParsedMatchValue =
  | { readonly kind: 'matcher'; readonly matcher: Matcher }
  | { readonly kind: 'universal' }
  /** Why the value was refused, in words that name no value (it may be a patient's name). */
  | { readonly kind: 'refused'; readonly problem: string };

export interface ParseMatchOptions {
  /**
   * Accept a range whose start lies after its end. Only for the time of a combined date-time
   * pair, where "20060705-20060706" with "1800-0600" is one night (PS3.4 C.2.2.2.5); the
   * caller checks the combined range instead.
   */
  readonly reversedRange?: boolean;
}

/** The most UIDs one List of UID Matching key may hold. */
export const MAX_UIDS_IN_LIST = 1000;

const STRING_VRS: ReadonlySet<VR> = new Set(['AE', 'CS', 'LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UR', 'UT']);
const INTEGER_VRS: ReadonlySet<VR> = new Set(['IS', 'US', 'UL', 'SS', 'SL', 'SV', 'UV']);
const TEMPORAL_VRS: ReadonlySet<VR> = new Set(['DA', 'TM', 'DT']);

/** Dotted decimal components, as PS3.5 9.1 allows them; leading zeros are read, as peers send them. */
const UID = /^[0-9]+(?:\.[0-9]+)*$/;
const INTEGER = /^[+-]?[0-9]{1,12}$/;
const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

export function isTemporalVR(vr: VR): vr is TemporalVR {
  return TEMPORAL_VRS.has(vr);
}

/**
 * The longest value accepted for a key of `vr`: twice the longest value of the VR plus one, so
 * that a range of two full values ("a-b") fits and wild cards have room (C.2.2.2: "the total
 * length of the Key Attribute may exceed the length as specified in the VR").
 */
export function maxKeyLength(vr: VR): number {
  return Math.max(2 * (MAX_VALUE_LENGTH[vr] ?? 64) + 1, 64);
}

function refused(problem: string): ParsedMatchValue {
  return { kind: 'refused', problem };
}

function matcher(value: Matcher): ParsedMatchValue {
  return { kind: 'matcher', matcher: value };
}

/**
 * Parses the value(s) of one key of `vr`: several values only for UIDs (a List of UID
 * Matching); leading and trailing spaces are not significant for any VR we match. Text is
 * refused, never silently reinterpreted: wild cards where they are not allowed (UI, dates and
 * times, numbers), a malformed date or number, control characters, over-long values.
 */
export function parseMatchValue(vr: VR, values: readonly string[], options: ParseMatchOptions = {}): ParsedMatchValue {
  const trimmed = values.map((value) => value.trim());
  if (trimmed.length === 0 || (trimmed.length === 1 && trimmed[0] === '')) return { kind: 'universal' };
  for (const value of trimmed) {
    if (value.length > maxKeyLength(vr)) return refused(`a value longer than ${maxKeyLength(vr)} characters`);
    if (/[\u0000-\u001f\u007f\\]/.test(value)) return refused('a control character or backslash in a value');
  }
  if (vr === 'UI') return parseUids(trimmed);
  if (trimmed.length > 1) return refused('several values, which only a list of UIDs may have');
  const value = trimmed[0]!;
  if (STRING_VRS.has(vr)) {
    if (vr === 'PN' && value.split('=').length > 3) return refused('a person name with more than three component groups');
    if (!hasWildcard(value)) return matcher({ kind: 'single', value });
    if (/^\*+$/.test(value)) return { kind: 'universal' };
    return matcher({ kind: 'wildcard', pattern: value });
  }
  if (hasWildcard(value)) return refused(`wild cards, which a ${vr} value cannot have`);
  if (INTEGER_VRS.has(vr)) return INTEGER.test(value) ? matcher({ kind: 'single', value }) : refused(`a value that is not a ${vr} integer`);
  if (vr === 'DS' || vr === 'FL' || vr === 'FD') return DECIMAL.test(value) ? matcher({ kind: 'single', value }) : refused(`a value that is not a ${vr} number`);
  if (isTemporalVR(vr)) return parseTemporal(vr, value, options.reversedRange === true);
  return refused(`matching on a ${vr} value, which is not supported`);
}

function parseUids(values: readonly string[]): ParsedMatchValue {
  if (values.length > MAX_UIDS_IN_LIST) return refused(`more than ${MAX_UIDS_IN_LIST} UIDs in a list`);
  for (const value of values) {
    if (hasWildcard(value)) return refused('wild cards, which a UID cannot have');
    if (value.length > 64 || !UID.test(value)) return refused('a value that is not a UID');
  }
  const unique = [...new Set(values)];
  return unique.length === 1 ? matcher({ kind: 'single', value: unique[0]! }) : matcher({ kind: 'uid-list', uids: unique });
}

function parseTemporal(vr: TemporalVR, value: string, reversedRange: boolean): ParsedMatchValue {
  const dashes = value.split('-').length - 1;
  if (dashes === 0) {
    return queryInterval(vr, value) ? matcher({ kind: 'single', value }) : refused(`a value that is not a ${vr} ${describe(vr)}`);
  }
  // "-" also begins a negative UTC offset; a DT with an offset is refused whatever its form.
  if (vr === 'DT' && (value.includes('+') || dashes > 1)) return refused('a DT range with a UTC offset, or more than one "-"');
  if (dashes > 1) return refused(`a ${vr} range with more than one "-"`);
  const [lowerText, upperText] = value.split('-') as [string, string];
  const lower = lowerText === '' ? undefined : lowerText;
  const upper = upperText === '' ? undefined : upperText;
  if (lower === undefined && upper === undefined) return refused(`a ${vr} range without bounds`);
  if ((lower !== undefined && !queryInterval(vr, lower)) || (upper !== undefined && !queryInterval(vr, upper))) {
    return refused(`a ${vr} range whose bounds are not ${describe(vr)} values`);
  }
  if (!reversedRange && !rangeInterval(vr, lower, upper)) return refused(`a ${vr} range whose start lies after its end`);
  return matcher({ kind: 'range', ...(lower === undefined ? {} : { lower }), ...(upper === undefined ? {} : { upper }) });
}

function describe(vr: TemporalVR): string {
  return vr === 'DA' ? 'date (YYYYMMDD)' : vr === 'TM' ? 'time (HHMMSS.FFFFFF)' : 'date-time (YYYYMMDDHHMMSS.FFFFFF)';
}
