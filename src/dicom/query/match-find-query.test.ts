import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tag } from '../tag.js';
import { buildMatchKeys, type FindQuery, type MatchKey } from './find-query.js';
import { matchesFindQuery } from './match-find-query.js';
import { wildcardMatches } from './wildcard-match.js';

function keysFor(values: Record<string, string | string[]>, combinedDateTime = true): readonly MatchKey[] {
  const map = new Map<number, string[]>();
  for (const [keyword, value] of Object.entries(values)) map.set(Tag[keyword as keyof typeof Tag], Array.isArray(value) ? value : [value]);
  const built = buildMatchKeys(map, { combinedDateTime });
  if (!built.ok) throw new Error(`refused ${built.tag.toString(16)}: ${built.problem}`);
  return built.keys;
}

function query(values: Record<string, string | string[]>, options: { fuzzy?: boolean; combinedDateTime?: boolean } = {}): FindQuery {
  return {
    level: 'study', scope: {}, matchKeys: keysFor(values, options.combinedDateTime ?? true), returnKeys: [], limit: undefined, offset: 0,
    fuzzy: options.fuzzy ?? false, warnings: [],
  };
}

function entity(values: Record<string, string | string[]>): (tag: number) => readonly string[] {
  const byTag = new Map<number, readonly string[]>();
  for (const [keyword, value] of Object.entries(values)) byTag.set(Tag[keyword as keyof typeof Tag], Array.isArray(value) ? value : [value]);
  return (tag) => byTag.get(tag) ?? [];
}

interface Case {
  readonly name: string;
  readonly key: Record<string, string | string[]>;
  readonly stored: Record<string, string | string[]>;
  readonly matches: boolean;
  readonly fuzzy?: boolean;
  readonly combinedDateTime?: boolean;
}

// Examples from PS3.4 C.2.2.2 and its notes, and the choices of docs/query.md.
const CASES: readonly Case[] = [
  // Single Value Matching (C.2.2.2.1): exact and case-sensitive, except PN.
  { name: 'a CS value matches itself', key: { Modality: 'CT' }, stored: { Modality: 'CT' }, matches: true },
  { name: 'CS matching is case-sensitive', key: { Modality: 'ct' }, stored: { Modality: 'CT' }, matches: false },
  { name: 'a LO value must match whole', key: { PatientID: '123' }, stored: { PatientID: '1234' }, matches: false },
  { name: 'leading and trailing spaces of a key do not count', key: { PatientID: '  123 ' }, stored: { PatientID: '123' }, matches: true },
  { name: 'an empty stored value matches no single value', key: { AccessionNumber: 'A1' }, stored: {}, matches: false },
  { name: 'a "%" in a key is a literal character', key: { PatientID: '1%' }, stored: { PatientID: '100' }, matches: false },
  { name: 'a "_" in a key is a literal character', key: { PatientID: 'A_1' }, stored: { PatientID: 'AB1' }, matches: false },
  { name: 'a literal "_" still matches itself', key: { PatientID: 'A_1' }, stored: { PatientID: 'A_1' }, matches: true },
  { name: 'IS values compare as numbers', key: { SeriesNumber: '007' }, stored: { SeriesNumber: '7' }, matches: true },
  { name: 'IS values that differ do not match', key: { SeriesNumber: '7' }, stored: { SeriesNumber: '70' }, matches: false },
  // PN: case-insensitive, by component group (docs/query.md).
  { name: 'PN matching ignores case', key: { PatientName: 'smith^john' }, stored: { PatientName: 'SMITH^JOHN' }, matches: true },
  { name: 'PN matching ignores case beyond ASCII', key: { PatientName: 'müller' }, stored: { PatientName: 'MÜLLER' }, matches: true },
  { name: 'PN empty trailing components do not count', key: { PatientName: 'Smith^John^^' }, stored: { PatientName: 'Smith^John' }, matches: true },
  { name: 'PN family name alone is not the whole name', key: { PatientName: 'Smith' }, stored: { PatientName: 'Smith^John' }, matches: false },
  { name: 'a PN key without "=" matches the ideographic group', key: { PatientName: '山田^太郎' }, stored: { PatientName: 'Yamada^Tarou=山田^太郎=やまだ^たろう' }, matches: true },
  { name: 'a PN key without "=" matches the phonetic group', key: { PatientName: 'やまだ^たろう' }, stored: { PatientName: 'Yamada^Tarou=山田^太郎=やまだ^たろう' }, matches: true },
  { name: 'a PN key with "=" matches group by group', key: { PatientName: 'Yamada^Tarou=山田^太郎' }, stored: { PatientName: 'Yamada^Tarou=山田^太郎=やまだ^たろう' }, matches: true },
  { name: 'a PN key with "=" fails when one group differs', key: { PatientName: 'Yamada^Tarou=山田^花子' }, stored: { PatientName: 'Yamada^Tarou=山田^太郎' }, matches: false },
  { name: 'an empty group of a PN key matches anything', key: { PatientName: '=山田^太郎' }, stored: { PatientName: 'Yamada^Tarou=山田^太郎' }, matches: true },
  { name: 'the alphabetic key does not match in the wrong group', key: { PatientName: '=Yamada^Tarou' }, stored: { PatientName: 'Yamada^Tarou=山田^太郎' }, matches: false },
  { name: 'PN literal matching keeps accents', key: { PatientName: 'Muller' }, stored: { PatientName: 'Müller' }, matches: false },
  // Wild Card Matching (C.2.2.2.4).
  { name: '"*" matches any tail', key: { PatientID: 'AB*' }, stored: { PatientID: 'ABCDEF' }, matches: true },
  { name: '"*" matches an empty tail', key: { PatientID: 'AB*' }, stored: { PatientID: 'AB' }, matches: true },
  { name: '"?" matches exactly one character', key: { PatientID: 'A?C' }, stored: { PatientID: 'ABC' }, matches: true },
  { name: '"?" does not match two characters', key: { PatientID: 'A?C' }, stored: { PatientID: 'ABBC' }, matches: false },
  { name: '"?" does not match none', key: { PatientID: 'A?C' }, stored: { PatientID: 'AC' }, matches: false },
  { name: 'wild card matching is case-sensitive outside PN', key: { StudyDescription: 'chest*' }, stored: { StudyDescription: 'CHEST PA' }, matches: false },
  { name: 'PN wild cards ignore case and span components', key: { PatientName: 'smi*' }, stored: { PatientName: 'SMITH^JOHN' }, matches: true },
  { name: 'PN "?" matches one ideographic character', key: { PatientName: '山?^太郎' }, stored: { PatientName: 'Yamada^Tarou=山田^太郎' }, matches: true },
  { name: 'a wild card key does not match an empty value', key: { PatientID: 'A*' }, stored: {}, matches: false },
  { name: '"%" next to a wild card is still literal', key: { PatientID: '%*' }, stored: { PatientID: 'ABC' }, matches: false },
  { name: '"%" next to a wild card matches a literal "%"', key: { PatientID: '%*' }, stored: { PatientID: '%ABC' }, matches: true },
  { name: 'CS wild cards are allowed (C.2.2.2.4)', key: { Modality: 'M?' }, stored: { Modality: 'MR' }, matches: true },
  // Multiple stored values: one matching value is enough.
  { name: 'Modalities in Study matches when one value does', key: { ModalitiesInStudy: 'CT' }, stored: { ModalitiesInStudy: ['MR', 'CT'] }, matches: true },
  { name: 'Modalities in Study fails when none does', key: { ModalitiesInStudy: 'PT' }, stored: { ModalitiesInStudy: ['MR', 'CT'] }, matches: false },
  // List of UID Matching (C.2.2.2.2).
  { name: 'a UID list matches any of its UIDs', key: { StudyInstanceUID: ['1.2.3', '1.2.4'] }, stored: { StudyInstanceUID: '1.2.4' }, matches: true },
  { name: 'a UID list fails for a UID not in it', key: { StudyInstanceUID: ['1.2.3', '1.2.4'] }, stored: { StudyInstanceUID: '1.2.5' }, matches: false },
  { name: 'a UID is not a prefix match', key: { StudyInstanceUID: '1.2.3' }, stored: { StudyInstanceUID: '1.2.34' }, matches: false },
  // Range Matching (C.2.2.2.5).
  { name: 'a date inside a closed range', key: { StudyDate: '20060705-20060707' }, stored: { StudyDate: '20060706' }, matches: true },
  { name: 'a closed date range includes its ends', key: { StudyDate: '20060705-20060707' }, stored: { StudyDate: '20060707' }, matches: true },
  { name: 'a date after a closed range', key: { StudyDate: '20060705-20060707' }, stored: { StudyDate: '20060708' }, matches: false },
  { name: '"-date" matches earlier dates', key: { StudyDate: '-20060707' }, stored: { StudyDate: '19991231' }, matches: true },
  { name: '"-date" excludes later dates', key: { StudyDate: '-20060707' }, stored: { StudyDate: '20060708' }, matches: false },
  { name: '"date-" matches the date itself', key: { StudyDate: '20060707-' }, stored: { StudyDate: '20060707' }, matches: true },
  { name: '"date-" excludes earlier dates', key: { StudyDate: '20060707-' }, stored: { StudyDate: '20060706' }, matches: false },
  { name: 'a single date matches the same date', key: { StudyDate: '20060707' }, stored: { StudyDate: '20060707' }, matches: true },
  { name: 'an ACR-NEMA stored date is read', key: { StudyDate: '20060701-20060707' }, stored: { StudyDate: '2006.07.05' }, matches: true },
  { name: 'a malformed stored date matches no range', key: { StudyDate: '-20991231' }, stored: { StudyDate: 'unknown' }, matches: false },
  { name: 'a time range reaches the end of its last minute', key: { StudyTime: '1000-1100' }, stored: { StudyTime: '110059.999' }, matches: true },
  { name: 'a time range ends before the next minute', key: { StudyTime: '1000-1100' }, stored: { StudyTime: '1101' }, matches: false },
  { name: 'a single time matches a more precise stored time in it', key: { StudyTime: '1015' }, stored: { StudyTime: '101530.25' }, matches: true },
  { name: 'a stored hour overlaps a range inside it', key: { StudyTime: '1015-1020' }, stored: { StudyTime: '10' }, matches: true },
  // Combined date-time matching (C.2.2.2.5, its example).
  {
    name: 'combined: the first day before the start time is out',
    key: { StudyDate: '20060705-20060707', StudyTime: '1000-1800' }, stored: { StudyDate: '20060705', StudyTime: '0900' }, matches: false,
  },
  {
    name: 'combined: the middle day matches outside the daily times',
    key: { StudyDate: '20060705-20060707', StudyTime: '1000-1800' }, stored: { StudyDate: '20060706', StudyTime: '2300' }, matches: true,
  },
  {
    name: 'separate: the middle day outside the daily times is out',
    key: { StudyDate: '20060705-20060707', StudyTime: '1000-1800' }, stored: { StudyDate: '20060706', StudyTime: '2300' }, matches: false,
    combinedDateTime: false,
  },
  {
    name: 'combined: the last day after the end time is out',
    key: { StudyDate: '20060705-20060707', StudyTime: '1000-1800' }, stored: { StudyDate: '20060707', StudyTime: '1801' }, matches: false,
  },
  {
    name: 'combined: a night across midnight',
    key: { StudyDate: '20060705-20060706', StudyTime: '1800-0600' }, stored: { StudyDate: '20060706', StudyTime: '0200' }, matches: true,
  },
  {
    name: 'combined: a stored date without a time counts as the whole day',
    key: { StudyDate: '20060705-20060707', StudyTime: '1000-1800' }, stored: { StudyDate: '20060705' }, matches: true,
  },
  {
    name: 'a single date with a time range is matched separately',
    key: { StudyDate: '20060705', StudyTime: '1000-1800' }, stored: { StudyDate: '20060705', StudyTime: '0900' }, matches: false,
  },
  {
    name: 'open ranges of the same form combine',
    key: { StudyDate: '20060705-', StudyTime: '1000-' }, stored: { StudyDate: '20060706', StudyTime: '0100' }, matches: true,
  },
  // Fuzzy matching of person names (docs/query.md).
  { name: 'fuzzy: accents are ignored', key: { PatientName: 'Muller' }, stored: { PatientName: 'Müller^Hans' }, matches: true, fuzzy: true },
  { name: 'fuzzy: words are prefixes in any order', key: { PatientName: 'joh smi' }, stored: { PatientName: 'Smith^John^Peter' }, matches: true, fuzzy: true },
  { name: 'fuzzy: every word must be found', key: { PatientName: 'joh doe' }, stored: { PatientName: 'Smith^John' }, matches: false, fuzzy: true },
  // Several keys are ANDed.
  { name: 'every key must match', key: { Modality: 'CT', PatientID: '1' }, stored: { Modality: 'CT', PatientID: '2' }, matches: false },
];

for (const c of CASES) {
  test(`matching: ${c.name}`, () => {
    const q = query(c.key, { fuzzy: c.fuzzy ?? false, combinedDateTime: c.combinedDateTime ?? true });
    assert.equal(matchesFindQuery(q, entity(c.stored)), c.matches);
  });
}

test('a query without keys matches every entity', () => {
  assert.equal(matchesFindQuery(query({}), entity({})), true);
});

test('universal keys ("", "*", "**") are not matching keys', () => {
  assert.deepEqual(keysFor({ PatientName: '', PatientID: '*', AccessionNumber: '**' }), []);
});

test('wildcardMatches() stays fast on a hostile pattern that makes regular expressions backtrack', () => {
  const pattern = `${'*a'.repeat(40)}*b`;
  const text = 'a'.repeat(300);
  assert.equal(wildcardMatches(pattern, text), false);
  assert.equal(wildcardMatches(pattern, `${text}b`), true);
});
