/**
 * Matching of Person Name (PN) values. PS3.4 C.2.2.2.1 lets an archive match PN values
 * insensitive "to some or all aspects of case, position, accent, or other character encoding
 * variants", and C.2.2.2.4 leaves PN wild cards to the implementation. MedVeil's choice, as most
 * archives make it (docs/query.md):
 *
 * - Case-insensitive: both sides are put in Unicode normalization form C and upper-cased.
 * - Spaces around components and empty trailing components do not count: "Smith^John^" is
 *   "SMITH^JOHN".
 * - A key without "=" is matched against each component group of the stored value
 *   (alphabetic, ideographic, phonetic) and matches when one group does, so "山田^太郎"
 *   finds "Yamada^Tarou=山田^太郎". A key with "=" is matched group by group, and an empty
 *   group of the key matches anything.
 * - Wild cards span component separators: "SMITH*" finds "Smith^John".
 * - Fuzzy matching (PS3.4 C.2.2.2.1.1, asked for with `fuzzymatching=true` or by Extended
 *   Negotiation) also ignores accents and the order and completeness of names: every word of
 *   the key must begin some word of the group, so "joh smi" finds "Smith^John^Peter".
 */
import { wildcardMatches } from './wildcard-match.js';

export interface PersonNameMatchOptions {
  readonly wildcard: boolean;
  readonly fuzzy: boolean;
}

/** Upper case in normalization form C; with `fuzzy`, also without combining marks (accents). */
export function foldPersonName(text: string, fuzzy = false): string {
  const composed = fuzzy ? text.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC') : text.normalize('NFC');
  return composed.toUpperCase();
}

/** A component group with trimmed components and no empty trailing ones. */
export function normalizeNameGroup(group: string): string {
  const components = group.split('^').map((component) => component.trim());
  let end = components.length;
  while (end > 0 && components[end - 1] === '') end -= 1;
  return components.slice(0, end).join('^');
}

/** The folded, normalized component groups of a stored value (at most three). */
export function personNameGroups(value: string, fuzzy = false): string[] {
  return foldPersonName(value, fuzzy).split('=', 3).map(normalizeNameGroup);
}

function words(group: string): string[] {
  return group.split(/[\^ ]+/).filter((word) => word !== '');
}

function groupMatches(key: string, group: string, options: PersonNameMatchOptions): boolean {
  if (options.fuzzy) {
    const stored = words(group);
    return words(key).every((word) => stored.some((candidate) => wildcardMatches(`${word}*`, candidate)));
  }
  return options.wildcard ? wildcardMatches(key, group) : key === group;
}

/** Whether the PN `key` of a query matches one stored PN value (one value: split on "\" first). */
export function personNameMatches(key: string, stored: string, options: PersonNameMatchOptions): boolean {
  const keyGroups = personNameGroups(key, options.fuzzy);
  const storedGroups = personNameGroups(stored, options.fuzzy);
  if (keyGroups.length === 1) {
    const only = keyGroups[0]!;
    return storedGroups.some((group) => group !== '' && groupMatches(only, group, options));
  }
  return keyGroups.every((group, index) => group === '' || groupMatches(group, storedGroups[index] ?? '', options));
}
