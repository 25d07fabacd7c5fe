import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tag } from '../tag.js';
import type { VR } from '../vr.js';
import { buildMatchKeys } from './find-query.js';
import { MAX_UIDS_IN_LIST, parseMatchValue } from './matcher.js';

const PARSED: ReadonlyArray<{ vr: VR; values: string[]; expected: unknown }> = [
  { vr: 'LO', values: ['ABC'], expected: { kind: 'matcher', matcher: { kind: 'single', value: 'ABC' } } },
  { vr: 'LO', values: [' ABC  '], expected: { kind: 'matcher', matcher: { kind: 'single', value: 'ABC' } } },
  { vr: 'LO', values: [''], expected: { kind: 'universal' } },
  { vr: 'LO', values: [], expected: { kind: 'universal' } },
  { vr: 'PN', values: ['*'], expected: { kind: 'universal' } },
  { vr: 'PN', values: ['SMITH*'], expected: { kind: 'matcher', matcher: { kind: 'wildcard', pattern: 'SMITH*' } } },
  { vr: 'UI', values: ['1.2.3'], expected: { kind: 'matcher', matcher: { kind: 'single', value: '1.2.3' } } },
  { vr: 'UI', values: ['1.2.3', '1.2.4', '1.2.3'], expected: { kind: 'matcher', matcher: { kind: 'uid-list', uids: ['1.2.3', '1.2.4'] } } },
  { vr: 'DA', values: ['20060705'], expected: { kind: 'matcher', matcher: { kind: 'single', value: '20060705' } } },
  { vr: 'DA', values: ['20060705-20060707'], expected: { kind: 'matcher', matcher: { kind: 'range', lower: '20060705', upper: '20060707' } } },
  { vr: 'DA', values: ['-20060707'], expected: { kind: 'matcher', matcher: { kind: 'range', upper: '20060707' } } },
  { vr: 'DA', values: ['20060705-'], expected: { kind: 'matcher', matcher: { kind: 'range', lower: '20060705' } } },
  { vr: 'TM', values: ['101530.123456'], expected: { kind: 'matcher', matcher: { kind: 'single', value: '101530.123456' } } },
  { vr: 'DT', values: ['2006-2007'], expected: { kind: 'matcher', matcher: { kind: 'range', lower: '2006', upper: '2007' } } },
  { vr: 'IS', values: ['-12'], expected: { kind: 'matcher', matcher: { kind: 'single', value: '-12' } } },
];

for (const { vr, values, expected } of PARSED) {
  test(`parseMatchValue() reads ${vr} ${JSON.stringify(values)}`, () => {
    assert.deepEqual(parseMatchValue(vr, values), expected);
  });
}

const REFUSED: ReadonlyArray<{ vr: VR; values: string[]; because: RegExp }> = [
  { vr: 'UI', values: ['1.2.*'], because: /wild cards/ },
  { vr: 'UI', values: ['1.2.?'], because: /wild cards/ },
  { vr: 'UI', values: ['1.2.abc'], because: /not a UID/ },
  { vr: 'UI', values: [`1.${'2'.repeat(70)}`], because: /longer than|not a UID/ },
  { vr: 'UI', values: Array.from({ length: MAX_UIDS_IN_LIST + 1 }, (_, i) => `1.2.${i}`), because: /more than 1000 UIDs/ },
  { vr: 'DA', values: ['2006*'], because: /wild cards/ },
  { vr: 'DA', values: ['2006.07.05'], because: /not a DA/ },
  { vr: 'DA', values: ['20061305'], because: /not a DA/ },
  { vr: 'DA', values: ['20060707-20060705'], because: /start lies after its end/ },
  { vr: 'DA', values: ['-'], because: /without bounds/ },
  { vr: 'DA', values: ['2006-07-05'], because: /more than one/ },
  { vr: 'TM', values: ['1800-1000'], because: /start lies after its end/ },
  { vr: 'TM', values: ['25'], because: /not a TM/ },
  { vr: 'DT', values: ['20060705101530+0100'], because: /not a DT/ },
  { vr: 'DT', values: ['20060705+0100-20060706'], because: /UTC offset/ },
  { vr: 'IS', values: ['1*'], because: /wild cards/ },
  { vr: 'IS', values: ['one'], because: /not a IS integer/ },
  { vr: 'IS', values: ['1-5'], because: /not a IS integer/ },
  { vr: 'LO', values: ['A', 'B'], because: /several values/ },
  { vr: 'LO', values: ['A\\B'], because: /backslash/ },
  { vr: 'LO', values: ['A\u0000B'], because: /control character/ },
  { vr: 'LO', values: ['x'.repeat(200)], because: /longer than 129/ },
  { vr: 'PN', values: ['A=B=C=D'], because: /more than three component groups/ },
  { vr: 'AS', values: ['040Y'], because: /not supported/ },
];

for (const { vr, values, because } of REFUSED) {
  test(`parseMatchValue() refuses ${vr} ${JSON.stringify(values).slice(0, 60)}`, () => {
    const parsed = parseMatchValue(vr, values);
    assert.equal(parsed.kind, 'refused');
    assert.match((parsed as { problem: string }).problem, because);
  });
}

test('a refusal never repeats the value it refused', () => {
  for (const vr of ['PN', 'LO', 'DA', 'UI'] as const) {
    const parsed = parseMatchValue(vr, ['SECRET-NAME\u0001*']);
    assert.equal(parsed.kind, 'refused');
    assert.doesNotMatch((parsed as { problem: string }).problem, /SECRET/);
  }
});

test('buildMatchKeys() refuses keys the index does not hold and counts it cannot match', () => {
  const unknown = buildMatchKeys(new Map([[Tag.PatientAge, ['040Y']]]), { combinedDateTime: true });
  assert.deepEqual(unknown, { ok: false, tag: Tag.PatientAge, problem: 'is not an attribute this archive can match' });
  const count = buildMatchKeys(new Map([[Tag.NumberOfStudyRelatedSeries, ['2']]]), { combinedDateTime: true });
  assert.deepEqual(count, { ok: false, tag: Tag.NumberOfStudyRelatedSeries, problem: 'can be returned but not matched' });
  const universalCount = buildMatchKeys(new Map([[Tag.NumberOfStudyRelatedSeries, ['']]]), { combinedDateTime: true });
  assert.deepEqual(universalCount, { ok: true, keys: [] });
});

test('buildMatchKeys() joins a date and time range of the same form, and keeps them apart otherwise', () => {
  const values = new Map([[Tag.StudyDate, ['20060705-20060707']], [Tag.StudyTime, ['1000-1800']]]);
  const combined = buildMatchKeys(values, { combinedDateTime: true });
  assert.ok(combined.ok);
  assert.deepEqual(combined.keys.map((key) => [key.tag, key.withTime?.tag]), [[Tag.StudyDate, Tag.StudyTime]]);
  const separate = buildMatchKeys(values, { combinedDateTime: false });
  assert.ok(separate.ok);
  assert.deepEqual(separate.keys.map((key) => [key.tag, key.withTime?.tag]), [[Tag.StudyDate, undefined], [Tag.StudyTime, undefined]]);
  const differentForms = buildMatchKeys(new Map([[Tag.StudyDate, ['20060705-']], [Tag.StudyTime, ['1000-1800']]]), { combinedDateTime: true });
  assert.ok(differentForms.ok);
  assert.equal(differentForms.keys.length, 2);
});

test('buildMatchKeys() refuses a reversed time range unless it combines into an ordered date-time range', () => {
  const night = buildMatchKeys(new Map([[Tag.StudyDate, ['20060705-20060706']], [Tag.StudyTime, ['1800-0600']]]), { combinedDateTime: true });
  assert.ok(night.ok);
  const sameDay = buildMatchKeys(new Map([[Tag.StudyDate, ['20060705-20060705']], [Tag.StudyTime, ['1800-0600']]]), { combinedDateTime: true });
  assert.deepEqual(sameDay, { ok: false, tag: Tag.StudyDate, problem: 'and its time form a date-time range whose start lies after its end' });
  const singleDate = buildMatchKeys(new Map([[Tag.StudyDate, ['20060705']], [Tag.StudyTime, ['1800-0600']]]), { combinedDateTime: true });
  assert.equal(singleDate.ok, false);
  const notCombined = buildMatchKeys(new Map([[Tag.StudyDate, ['20060705-20060706']], [Tag.StudyTime, ['1800-0600']]]), { combinedDateTime: false });
  assert.equal(notCombined.ok, false);
});
