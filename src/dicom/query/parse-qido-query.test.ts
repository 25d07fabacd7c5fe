import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedVeilError } from '../../errors.js';
import { Tag } from '../tag.js';
import { decodeQueryString, MAX_QUERY_PARAMETERS } from './decode-query-string.js';
import { STUDY_RETURN_KEYS } from './default-return-keys.js';
import { parseQidoQuery } from './parse-qido-query.js';
import type { QueryLevel } from './query-level.js';
import type { QueryScope } from './find-query.js';

function parse(query: string, level: QueryLevel = 'study', scope: QueryScope = {}) {
  return parseQidoQuery(level, decodeQueryString(query), { scope });
}

function refusal(run: () => unknown): MedVeilError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof MedVeilError, `expected a MedVeilError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a refusal');
}

test('parseQidoQuery() reads the examples of PS3.18 10.6.1.2.1', () => {
  const a = parse('PatientID=11235813&StudyDate=20130509-20130510');
  assert.deepEqual(a.matchKeys.map((key) => [key.tag, key.matcher]), [
    [Tag.StudyDate, { kind: 'range', lower: '20130509', upper: '20130510' }],
    [Tag.PatientID, { kind: 'single', value: '11235813' }],
  ]);
  const b = parse('00100010=SMITH*&limit=25');
  assert.deepEqual(b.matchKeys.map((key) => [key.tag, key.matcher]), [[Tag.PatientName, { kind: 'wildcard', pattern: 'SMITH*' }]]);
  assert.equal(b.limit, 25);
  const c = parse('StudyInstanceUID=1.2.392.200036.9116.2.2.2.2162893313.1029997326.94587,1.2.392.200036.9116.2.2.2.2162893313.1029997326.94583');
  assert.deepEqual(c.matchKeys[0]!.matcher, {
    kind: 'uid-list',
    uids: ['1.2.392.200036.9116.2.2.2.2162893313.1029997326.94587', '1.2.392.200036.9116.2.2.2.2162893313.1029997326.94583'],
  });
});

test('a study search returns the defaults of PS3.18 Table 10.6.3-3, its match keys and the included study attributes', () => {
  const q = parse('PatientID=1&includefield=StudyDescription&includefield=00080060');
  for (const tag of STUDY_RETURN_KEYS) assert.ok(q.returnKeys.includes(tag));
  assert.ok(q.returnKeys.includes(Tag.StudyDescription));
  assert.ok(!q.returnKeys.includes(Tag.Modality), 'a series attribute is not returned by a study search (PS3.18 10.6.3.3.1)');
  assert.deepEqual([...q.returnKeys], [...q.returnKeys].sort((x, y) => x - y));
});

test('includefield=all adds every indexed attribute of the level', () => {
  const q = parse('includefield=all', 'series', { studyUid: '1.2.3' });
  for (const tag of [Tag.BodyPartExamined, Tag.SeriesDescription, Tag.Modality]) assert.ok(q.returnKeys.includes(tag));
  assert.ok(!q.returnKeys.includes(Tag.SOPInstanceUID));
});

test('paging and fuzzy matching parameters are read', () => {
  const q = parse('limit=10&offset=20&fuzzymatching=true');
  assert.deepEqual([q.limit, q.offset, q.fuzzy], [10, 20, true]);
  const defaults = parse('');
  assert.deepEqual([defaults.limit, defaults.offset, defaults.fuzzy], [undefined, 0, false]);
});

test('emptyvaluematching and multiplevaluematching are not supported and say so as warnings', () => {
  assert.deepEqual(parse('emptyvaluematching=true&multiplevaluematching=true').warnings, [
    'emptyvaluematching-unsupported',
    'multiplevaluematching-unsupported',
  ]);
  assert.deepEqual(parse('emptyvaluematching=false').warnings, []);
});

test('accept and charset are left to the HTTP adapter', () => {
  assert.deepEqual(parse('accept=application%2Fdicom%2Bjson&charset=utf-8').matchKeys, []);
});

test('a "+" in a value stays a "+", and percent-encoded wildcards are wildcards', () => {
  assert.deepEqual(decodeQueryString('PatientID=A+B'), [['PatientID', 'A+B']]);
  assert.deepEqual(parse('PatientName=SMI%2A').matchKeys[0]!.matcher, { kind: 'wildcard', pattern: 'SMI*' });
});

test('a double-encoded wildcard is decoded once and matched as the literal text "%2A"', () => {
  assert.deepEqual(parse('PatientName=SMI%252A').matchKeys[0]!.matcher, { kind: 'single', value: 'SMI%2A' });
});

test('resources match only the information entities PS3.18 10.6.1.2.1 allows', () => {
  const allowed: ReadonlyArray<[QueryLevel, QueryScope, string]> = [
    ['study', {}, 'StudyDate=20200101'],
    ['study', {}, 'PatientName=A*'],
    ['series', {}, 'StudyDate=20200101&Modality=CT'],
    ['series', { studyUid: '1.2' }, 'Modality=CT&PatientID=1'],
    ['instance', { studyUid: '1.2' }, 'Modality=CT&SOPClassUID=1.2.840.10008.5.1.4.1.1.2'],
    ['instance', { studyUid: '1.2', seriesUid: '1.2.3' }, 'InstanceNumber=1'],
    ['instance', {}, 'StudyDate=20200101&Modality=CT&InstanceNumber=1'],
  ];
  for (const [level, scope, query] of allowed) assert.doesNotThrow(() => parse(query, level, scope), `${level} ${JSON.stringify(scope)} ${query}`);
  const refused: ReadonlyArray<[QueryLevel, QueryScope, string]> = [
    ['study', {}, 'Modality=CT'],
    ['study', {}, 'SOPInstanceUID=1.2'],
    ['series', { studyUid: '1.2' }, 'StudyDate=20200101'],
    ['series', { studyUid: '1.2' }, 'StudyInstanceUID=1.3'],
    ['series', {}, 'InstanceNumber=1'],
    ['instance', { studyUid: '1.2', seriesUid: '1.2.3' }, 'Modality=CT'],
  ];
  for (const [level, scope, query] of refused) {
    const error = refusal(() => parse(query, level, scope));
    assert.equal(error.code, 'http');
    assert.match(error.message, /cannot match on \(PS3.18 10.6.1.2.1\)/);
  }
});

const HOSTILE: ReadonlyArray<{ name: string; query: string; names: RegExp }> = [
  { name: 'an unknown keyword', query: 'PatientNam=SMITH', names: /"PatientNam" is not a DICOM keyword/ },
  { name: 'a keyword in the wrong case', query: 'patientname=SMITH', names: /"patientname" is not a DICOM keyword/ },
  { name: 'a keyword with a trailing space', query: 'PatientName%20=SMITH', names: /"PatientName " is not a DICOM keyword/ },
  { name: 'an unknown search parameter', query: '_=1700000000', names: /"_" is not a DICOM keyword/ },
  { name: 'a known attribute the index does not hold', query: 'PatientAge=040Y', names: /"PatientAge" is an attribute this archive does not index/ },
  { name: 'a private attribute', query: '00291010=X', names: /"00291010" is a private attribute/ },
  { name: 'an attribute inside a sequence', query: 'OtherPatientIDsSequence.PatientID=1', names: /sequence matching is not supported/ },
  { name: 'a repeated attribute', query: 'PatientID=1&PatientID=2', names: /"PatientID" is given more than once/ },
  { name: 'one attribute by keyword and tag', query: 'PatientID=1&00100020=2', names: /"PatientID" and "00100020" name the same attribute/ },
  { name: 'a repeated limit', query: 'limit=1&limit=2', names: /"limit" is given more than once/ },
  { name: 'a negative offset', query: 'offset=-1', names: /"offset" must be a whole number/ },
  { name: 'a fractional limit', query: 'limit=1.5', names: /"limit" must be a whole number/ },
  { name: 'a huge offset', query: 'offset=99999999999', names: /"offset" must be a whole number/ },
  { name: 'a fuzzymatching that is not a boolean', query: 'fuzzymatching=yes', names: /"fuzzymatching" must be true or false/ },
  { name: 'includefield=all with attributes', query: 'includefield=all&includefield=PatientID', names: /"includefield" is "all" and also names attributes/ },
  { name: 'an unknown includefield keyword', query: 'includefield=PatientNom', names: /"includefield" is not a DICOM keyword/ },
  { name: 'a wildcard in a UID', query: 'StudyInstanceUID=1.2.*', names: /"StudyInstanceUID" has wild cards/ },
  { name: 'a wildcard in a date', query: 'StudyDate=2020*', names: /"StudyDate" has wild cards/ },
  { name: 'a wildcard in a number', query: 'NumberOfStudyRelatedInstances=1*', names: /"NumberOfStudyRelatedInstances" has wild cards/ },
  { name: 'a count used as a match key', query: 'NumberOfStudyRelatedInstances=1', names: /can be returned but not matched/ },
  { name: 'a backslash in a value', query: 'PatientID=A%5CB', names: /"PatientID" has a control character or backslash/ },
  { name: 'a huge value', query: `PatientName=${'A'.repeat(5000)}`, names: /"PatientName" has a value longer than 641/ },
  { name: 'a malformed percent escape', query: 'PatientID=%G1', names: /"PatientID" has a "%" that is not followed by two hex digits/ },
  { name: 'bytes that are not UTF-8', query: 'PatientID=%C3%28', names: /"PatientID" is not percent-encoded UTF-8/ },
  { name: 'a timezone the archive cannot apply', query: 'TimezoneOffsetFromUTC=%2B0100', names: /"TimezoneOffsetFromUTC" is an attribute this archive does not index/ },
];

for (const { name, query, names } of HOSTILE) {
  test(`parseQidoQuery() refuses ${name}, naming the parameter and not the value`, () => {
    const error = refusal(() => parse(query));
    assert.equal(error.code, 'http');
    assert.match(error.message, names);
    assert.doesNotMatch(error.message, /SMITH|040Y|AAAAAAAA|A\\B/);
  });
}

test(`10,000 parameters are refused before any is read (limit ${MAX_QUERY_PARAMETERS})`, () => {
  const query = Array.from({ length: 10_000 }, () => 'x=1').join('&');
  assert.match(refusal(() => decodeQueryString(query)).message, /more than 100 parameters/);
  const pairs = Array.from({ length: 10_000 }, (): [string, string] => ['includefield', 'PatientID']);
  assert.match(refusal(() => parseQidoQuery('study', pairs)).message, /more than 100 parameters/);
});

test('a parameter name in a message is quoted and cut short', () => {
  const error = refusal(() => parse(`${'X'.repeat(500)}%0A=1`));
  assert.ok(error.message.length < 300);
  assert.doesNotMatch(error.message, /\n/);
});
