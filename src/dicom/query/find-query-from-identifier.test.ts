import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedVeilError } from '../../errors.js';
import { Dataset } from '../dataset.js';
import { sequenceElement, valueElement } from '../element.js';
import { Tag } from '../tag.js';
import { findQueryFromIdentifier } from './find-query-from-identifier.js';

function identifier(level: string | undefined, keys: Record<string, string>): Dataset {
  const dataset = new Dataset();
  if (level !== undefined) dataset.setString(Tag.QueryRetrieveLevel, level);
  for (const [keyword, value] of Object.entries(keys)) dataset.setString(Tag[keyword as keyof typeof Tag], value);
  return dataset;
}

function refusal(run: () => unknown): MedVeilError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof MedVeilError);
    assert.equal(error.code, 'dimse');
    return error;
  }
  assert.fail('expected a refusal');
}

test('a findscu study query: keys with values match, empty keys are returned', () => {
  const q = findQueryFromIdentifier(identifier('STUDY', { PatientName: 'SMITH*', StudyDate: '20200101-', PatientID: '', AccessionNumber: '' }));
  assert.equal(q.level, 'study');
  assert.deepEqual(q.matchKeys.map((key) => [key.tag, key.matcher.kind]), [[Tag.StudyDate, 'range'], [Tag.PatientName, 'wildcard']]);
  assert.deepEqual(q.returnKeys, [Tag.StudyDate, Tag.AccessionNumber, Tag.PatientName, Tag.PatientID, Tag.StudyInstanceUID]);
  assert.deepEqual([q.limit, q.offset, q.fuzzy, q.scope], [undefined, 0, false, {}]);
});

test('IMAGE level maps to instances and returns the unique keys of every level', () => {
  const q = findQueryFromIdentifier(identifier('IMAGE', { StudyInstanceUID: '1.2.3', SeriesInstanceUID: '1.2.3.4', SOPInstanceUID: '' }));
  assert.equal(q.level, 'instance');
  assert.deepEqual(q.returnKeys, [Tag.SOPInstanceUID, Tag.StudyInstanceUID, Tag.SeriesInstanceUID]);
  assert.deepEqual(q.matchKeys.map((key) => key.tag), [Tag.StudyInstanceUID, Tag.SeriesInstanceUID]);
});

test('a backslash-separated UID key is a List of UID Matching', () => {
  const q = findQueryFromIdentifier(identifier('STUDY', { StudyInstanceUID: '1.2.3\\1.2.4' }));
  assert.deepEqual(q.matchKeys[0]!.matcher, { kind: 'uid-list', uids: ['1.2.3', '1.2.4'] });
});

test('binary numeric keys (Rows, US) are read as numbers', () => {
  const dataset = identifier('IMAGE', {});
  dataset.set(valueElement(Tag.Rows, 'US', new Uint8Array([0x00, 0x02])));
  dataset.set(valueElement(Tag.Columns, 'US', new Uint8Array()));
  const q = findQueryFromIdentifier(dataset);
  assert.deepEqual(q.matchKeys.map((key) => [key.tag, key.matcher]), [[Tag.Rows, { kind: 'single', value: '512' }]]);
  assert.ok(q.returnKeys.includes(Tag.Columns));
});

test('combined date-time matching and fuzzy matching follow the negotiated options', () => {
  const keys = { StudyDate: '20060705-20060707', StudyTime: '1000-1800' };
  assert.equal(findQueryFromIdentifier(identifier('STUDY', keys)).matchKeys.length, 2);
  const combined = findQueryFromIdentifier(identifier('STUDY', keys), { combinedDateTime: true, fuzzy: true });
  assert.equal(combined.matchKeys.length, 1);
  assert.equal(combined.fuzzy, true);
});

test('empty sequences and sequences of empty keys are return keys, not refusals', () => {
  const dataset = identifier('SERIES', {});
  const item = new Dataset(undefined, dataset);
  item.setString(Tag.RequestedProcedureID, '');
  dataset.set(sequenceElement(Tag.RequestAttributesSequence, [item]));
  dataset.set(sequenceElement(Tag.ReferencedStudySequence, []));
  assert.doesNotThrow(() => findQueryFromIdentifier(dataset));
});

test('Specific Character Set and empty private keys are not keys', () => {
  const dataset = identifier('STUDY', { SpecificCharacterSet: 'ISO_IR 100' });
  dataset.set(valueElement(0x00291010, 'LO', new Uint8Array()));
  const q = findQueryFromIdentifier(dataset);
  assert.deepEqual(q.returnKeys, [Tag.StudyInstanceUID]);
});

const REFUSED: ReadonlyArray<{ name: string; build: () => Dataset; message: RegExp }> = [
  { name: 'no Query/Retrieve Level', build: () => identifier(undefined, { PatientID: '1' }), message: /no Query\/Retrieve Level/ },
  { name: 'the PATIENT level', build: () => identifier('PATIENT', {}), message: /PATIENT level is not supported/ },
  { name: 'an unknown level', build: () => identifier('FRAME', {}), message: /not STUDY, SERIES or IMAGE/ },
  { name: 'a key below the level', build: () => identifier('STUDY', { Modality: 'CT' }), message: /Modality \(0008,0060\) lies below the STUDY level/ },
  { name: 'an empty key below the level', build: () => identifier('SERIES', { SOPInstanceUID: '' }), message: /SOPInstanceUID .* lies below the SERIES level/ },
  { name: 'a valued key the index does not hold', build: () => identifier('STUDY', { PatientAge: '040Y' }), message: /PatientAge \(0010,1010\) is an attribute this archive does not index/ },
  { name: 'a wildcard UID', build: () => identifier('STUDY', { StudyInstanceUID: '1.2.*' }), message: /StudyInstanceUID .* has wild cards/ },
  { name: 'a multi-valued name', build: () => identifier('STUDY', { PatientName: 'A\\B' }), message: /PatientName .* has several values/ },
  {
    name: 'a valued private key',
    build: () => {
      const dataset = identifier('STUDY', {});
      dataset.set(valueElement(0x00291010, 'LO', new TextEncoder().encode('XY')));
      return dataset;
    },
    message: /\(0029,1010\) is a private attribute/,
  },
  {
    name: 'sequence matching',
    build: () => {
      const dataset = identifier('SERIES', {});
      const item = new Dataset(undefined, dataset);
      item.setString(Tag.RequestedProcedureID, 'RP1');
      dataset.set(sequenceElement(Tag.RequestAttributesSequence, [item]));
      return dataset;
    },
    message: /RequestAttributesSequence .* asks for sequence matching, which is not supported/,
  },
];

for (const { name, build, message } of REFUSED) {
  test(`findQueryFromIdentifier() refuses ${name}`, () => {
    assert.match(refusal(() => findQueryFromIdentifier(build())).message, message);
  });
}
