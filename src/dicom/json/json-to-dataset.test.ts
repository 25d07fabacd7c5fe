import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dataset, EXPLICIT_LITTLE } from '../dataset.js';
import { sequenceElement, valueElement } from '../element.js';
import { MedVeilError } from '../../errors.js';
import { Tag, makeTag } from '../tag.js';
import { decodeBigInts, encodeBigInts, encodeNumbers, encodeStrings } from '../values.js';
import { datasetToJson } from './dataset-to-json.js';
import { JSON_MODEL_LIMITS, jsonToDataset } from './json-to-dataset.js';

/** Result 1 of the QIDO-RS example in PS3.18 F.4, as printed there. */
const PS3_18_F4_RESULT_1 = {
  '00080005': { vr: 'CS', Value: ['ISO_IR 192'] },
  '00080020': { vr: 'DA', Value: ['20130409'] },
  '00080030': { vr: 'TM', Value: ['131600.0000'] },
  '00080050': { vr: 'SH', Value: ['11235813'] },
  '00080056': { vr: 'CS', Value: ['ONLINE'] },
  '00080061': { vr: 'CS', Value: ['CT', 'PET'] },
  '00080090': { vr: 'PN', Value: [{ Alphabetic: '^Bob^^Dr.' }] },
  '00081190': { vr: 'UR', Value: ['http://wado.nema.org/studies/1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873'] },
  '00090010': { vr: 'LO', Value: ['Vendor A'] },
  '00091002': { vr: 'UN', InlineBinary: 'z0x9c8v7' },
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小東' }] },
  '00100020': { vr: 'LO', Value: ['12345'] },
  '00100021': { vr: 'LO', Value: ['Hospital A'] },
  '00100030': { vr: 'DA', Value: ['19670701'] },
  '00100040': { vr: 'CS', Value: ['M'] },
  '00101002': {
    vr: 'SQ',
    Value: [
      { '00100020': { vr: 'LO', Value: ['54321'] }, '00100021': { vr: 'LO', Value: ['Hospital B'] } },
      { '00100020': { vr: 'LO', Value: ['24680'] }, '00100021': { vr: 'LO', Value: ['Hospital C'] } },
    ],
  },
  '0020000D': { vr: 'UI', Value: ['1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873'] },
  '00200010': { vr: 'SH', Value: ['11235813'] },
  '00201206': { vr: 'IS', Value: [4] },
  '00201208': { vr: 'IS', Value: [942] },
};

function jsonError(fn: () => unknown): MedVeilError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof MedVeilError, `expected a MedVeilError, got ${String(error)}`);
    assert.equal(error.code, 'json-model');
    return error;
  }
  assert.fail('expected a json-model error');
}

test('jsonToDataset() reads the PS3.18 F.4 example, and datasetToJson() gives it back unchanged', () => {
  const ds = jsonToDataset(PS3_18_F4_RESULT_1);
  assert.deepEqual(ds.encoding, EXPLICIT_LITTLE);
  assert.equal(ds.getString(Tag.PatientName), 'Wang^XiaoDong=王^小東');
  assert.deepEqual([...ds.get(Tag.PatientName)!.value!], [...Buffer.from('Wang^XiaoDong=王^小東', 'utf8')]);
  assert.deepEqual(ds.getStrings(Tag.ModalitiesInStudy), ['CT', 'PET']);
  assert.deepEqual(ds.getNumbers(Tag.NumberOfStudyRelatedInstances), [942]);
  assert.deepEqual([...ds.get(makeTag(0x0009, 0x1002))!.value!], [...Buffer.from('z0x9c8v7', 'base64')]);
  assert.equal(ds.get(Tag.OtherPatientIDsSequence)!.items![1]!.getString(Tag.IssuerOfPatientID), 'Hospital C');
  assert.deepEqual(datasetToJson(ds), PS3_18_F4_RESULT_1);
});

test('jsonToDataset() pads values to even length (PS3.18 F.1)', () => {
  const ds = jsonToDataset({
    '00100020': { vr: 'LO', Value: ['ABC'] },
    '0020000D': { vr: 'UI', Value: ['1.2.3'] },
    '00291001': { vr: 'OB', InlineBinary: 'AQID' },
  });
  assert.deepEqual([...ds.get(Tag.PatientID)!.value!], [...Buffer.from('ABC ')]);
  assert.deepEqual([...ds.get(Tag.StudyInstanceUID)!.value!], [...Buffer.from('1.2.3\0')]);
  assert.deepEqual([...ds.get(makeTag(0x0029, 0x1001))!.value!], [1, 2, 3, 0]);
});

test('jsonToDataset() sets Specific Character Set ISO_IR 192 when non-ASCII text comes without one', () => {
  const ds = jsonToDataset({
    '00081030': { vr: 'LO', Value: ['Thorax'] },
    '00081110': { vr: 'SQ', Value: [{ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Müller^Jürgen' }] } }] },
  });
  assert.deepEqual(ds.getStrings(Tag.SpecificCharacterSet), ['ISO_IR 192']);
  const item = ds.get(Tag.ReferencedStudySequence)!.items![0]!;
  assert.deepEqual([...item.get(Tag.PatientName)!.value!], [...Buffer.from('Müller^Jürgen ', 'utf8')]);
  assert.equal(jsonToDataset({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^John' }] } }).has(Tag.SpecificCharacterSet), false);
});

test('jsonToDataset() encodes text in the Specific Character Set the JSON declares, and refuses text it cannot hold', () => {
  const latin1 = jsonToDataset({
    '00080005': { vr: 'CS', Value: ['ISO_IR 100'] },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Müller' }] },
  });
  assert.deepEqual([...latin1.get(Tag.PatientName)!.value!], [...Buffer.from('Müller', 'latin1')]);
  const error = jsonError(() => jsonToDataset({
    '00080005': { vr: 'CS', Value: ['ISO_IR 100'] },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: '王^小東' }] },
  }));
  assert.match(error.message, /00100010: text cannot be encoded in Specific Character Set ISO_IR 100/);
});

test('jsonToDataset() turns numbers into IS and DS text that fits the VR, and accepts strings that keep a format', () => {
  const ds = jsonToDataset({
    '00200032': { vr: 'DS', Value: [-129.995, 0.1234567890123456789, 1e21, '1.500', null] },
    '00200013': { vr: 'IS', Value: [151, '+0012'] },
  });
  assert.deepEqual(ds.getStrings(Tag.ImagePositionPatient), ['-129.995', '0.12345678901235', '1e21', '1.500', '']);
  for (const text of ds.getStrings(Tag.ImagePositionPatient)) assert.ok(text.length <= 16);
  assert.deepEqual(ds.getStrings(Tag.InstanceNumber), ['151', '+0012']);
});

test('jsonToDataset() reads binary numbers, SV/UV beyond 2^53 from strings, and AT from hex', () => {
  const ds = jsonToDataset({
    '00280009': { vr: 'AT', Value: ['00181063', '0029100A'] },
    '00280010': { vr: 'US', Value: [512] },
    '00409225': { vr: 'FD', Value: [0.1] },
    '00720082': { vr: 'SV', Value: ['-9223372036854775808', 42] },
    '00720083': { vr: 'UV', Value: ['18446744073709551615'] },
  });
  assert.deepEqual(ds.getNumbers(Tag.FrameIncrementPointer), [Tag.FrameTime, 0x0029100a]);
  assert.deepEqual(ds.getNumbers(Tag.Rows), [512]);
  assert.deepEqual(ds.getNumbers(Tag.RealWorldValueSlope), [0.1]);
  assert.deepEqual(decodeBigInts(ds.get(Tag.SelectorSVValue)!, EXPLICIT_LITTLE), [-(2n ** 63n), 42n]);
  assert.deepEqual(decodeBigInts(ds.get(Tag.SelectorUVValue)!, EXPLICIT_LITTLE), [2n ** 64n - 1n]);
});

test('jsonToDataset() asks the resolver for BulkDataURI values, with the tag, VR and [sequence, item] path', () => {
  const asked: unknown[] = [];
  const ds = jsonToDataset(
    {
      '00880200': { vr: 'SQ', Value: [{}, { '7FE00010': { vr: 'OB', BulkDataURI: 'bulk/icon' } }] },
      '7FE00010': { vr: 'OW', BulkDataURI: 'bulk/pixels' },
    },
    {
      bulkDataResolver: (uri, tag, vr, path) => {
        asked.push([uri, tag, vr, path]);
        return uri === 'bulk/icon' ? new Uint8Array([7]) : new Uint8Array([1, 2, 3, 4]);
      },
    },
  );
  assert.deepEqual(asked, [['bulk/icon', Tag.PixelData, 'OB', [Tag.IconImageSequence, 1]], ['bulk/pixels', Tag.PixelData, 'OW', []]]);
  assert.deepEqual([...ds.get(Tag.PixelData)!.value!], [1, 2, 3, 4]);
  assert.deepEqual([...ds.get(Tag.IconImageSequence)!.items![1]!.get(Tag.PixelData)!.value!], [7, 0]);
});

test('jsonToDataset() warns about and drops nulls in binary VRs, and skips group lengths', () => {
  const warnings: string[] = [];
  const ds = jsonToDataset({
    '00100000': { vr: 'UL', Value: [12] },
    '00181310': { vr: 'US', Value: [128, 0, 0, 32, null] },
  }, { onWarning: (w) => warnings.push(w) });
  assert.deepEqual(ds.getNumbers(Tag.AcquisitionMatrix), [128, 0, 0, 32]);
  assert.equal(ds.has(0x00100000), false);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /00100000: group length/);
  assert.match(warnings[1]!, /00181310: Value\[4\] is null/);
});

test('a PN value with a fourth "=" group keeps it inside Phonetic, both ways', () => {
  const ds = new Dataset();
  ds.setString(Tag.PatientName, 'A^B==p=q');
  const json = datasetToJson(ds);
  assert.deepEqual(json['00100010']!.Value, [{ Alphabetic: 'A^B', Phonetic: 'p=q' }]);
  assert.equal(jsonToDataset(json).getString(Tag.PatientName), 'A^B==p=q');
});

test('jsonToDataset() keeps IS and DS strings that are not valid numbers, with a warning', () => {
  const warnings: string[] = [];
  const ds = jsonToDataset({ '00280008': { vr: 'IS', Value: ['1A'] } }, { onWarning: (w) => warnings.push(w) });
  assert.deepEqual(ds.getStrings(Tag.NumberOfFrames), ['1A']);
  assert.deepEqual(warnings, ['DICOM JSON 00280008: Value[0] is not a valid IS string (PS3.5 6.2); kept as it is']);
});

test('dataset → JSON → dataset keeps every value of every VR', () => {
  const ds = new Dataset();
  ds.setString(Tag.SpecificCharacterSet, 'ISO_IR 192');
  ds.setStrings(Tag.ImageType, ['ORIGINAL', '', 'AXIAL']);
  ds.setString(Tag.StudyDate, '20240131');
  ds.setString(Tag.AcquisitionDateTime, '20240131120000.123456+0100');
  ds.setString(Tag.StudyTime, '120000.5');
  ds.setString(Tag.PatientAge, '051Y');
  ds.setString(Tag.StationAETitle, 'MODALITY1', 'AE');
  ds.setString(Tag.PatientName, 'Yamada^Tarou=山田^太郎=やまだ^たろう');
  ds.setString(Tag.PatientComments, '  leading spaces\\and a backslash are kept in LT', 'LT');
  ds.setString(Tag.StudyDescription, 'Knöchel rechts');
  ds.setString(Tag.RetrieveURL, 'https://pacs.example/studies/1', 'UR');
  ds.setString(Tag.StudyInstanceUID, '1.2.840.10008.1');
  ds.set(valueElement(Tag.ImagePositionPatient, 'DS', encodeStrings(['-129.995', '0.603909', '1e-7'], 'DS', [])));
  ds.set(valueElement(Tag.InstanceNumber, 'IS', encodeStrings(['-7'], 'IS', [])));
  ds.set(valueElement(Tag.Rows, 'US', encodeNumbers([512], 'US')));
  ds.set(valueElement(Tag.SmallestImagePixelValue, 'SS', encodeNumbers([-1], 'SS')));
  ds.set(valueElement(Tag.SimpleFrameList, 'UL', encodeNumbers([1, 4294967295], 'UL')));
  ds.set(valueElement(Tag.ReferencePixelX0, 'SL', encodeNumbers([-5], 'SL')));
  ds.set(valueElement(Tag.RecommendedDisplayFrameRateInFloat, 'FL', encodeNumbers([0.1], 'FL')));
  ds.set(valueElement(Tag.RealWorldValueSlope, 'FD', encodeNumbers([Math.PI], 'FD')));
  ds.set(valueElement(Tag.SelectorSVValue, 'SV', encodeBigInts([-(2n ** 63n), 3n], 'SV')));
  ds.set(valueElement(Tag.SelectorUVValue, 'UV', encodeBigInts([2n ** 64n - 1n], 'UV')));
  ds.set(valueElement(Tag.FrameIncrementPointer, 'AT', encodeNumbers([Tag.FrameTime], 'AT')));
  ds.set(valueElement(Tag.PixelData, 'OW', encodeNumbers([1, 2, 65535], 'OW')));
  ds.set(valueElement(makeTag(0x0029, 0x1001), 'UN', new Uint8Array([0xde, 0xad, 0xbe, 0xef])));
  for (const vr of ['OB', 'OD', 'OF', 'OL', 'OV'] as const) {
    ds.set(valueElement(makeTag(0x0029, 0x1010 + ['OB', 'OD', 'OF', 'OL', 'OV'].indexOf(vr)), vr, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])));
  }
  const item = new Dataset(EXPLICIT_LITTLE, ds);
  item.setString(Tag.CodeMeaning, 'Schädel');
  ds.set(sequenceElement(Tag.ProcedureCodeSequence, [item, new Dataset(EXPLICIT_LITTLE, ds)]));
  ds.set(valueElement(Tag.AccessionNumber, 'SH', new Uint8Array(0)));

  const back = jsonToDataset(datasetToJson(ds));
  assert.deepEqual([...back.tags()], [...ds.tags()]);
  for (const element of ds) {
    const copy = back.get(element.tag)!;
    assert.equal(copy.vr, element.vr, `VR of ${element.tag.toString(16)}`);
    if (element.items) {
      assert.equal(copy.items!.length, element.items.length);
      assert.deepEqual(copy.items!.map((i) => datasetToJson(i)), element.items.map((i) => datasetToJson(i)));
    } else {
      assert.deepEqual([...copy.value!], [...element.value!], `value of ${element.tag.toString(16)}`);
    }
  }
});

test('JSON → dataset → JSON gives canonical input back unchanged', () => {
  const canonical = {
    '00080005': { vr: 'CS', Value: ['ISO_IR 192'] },
    '00080008': { vr: 'CS', Value: ['DERIVED', null, 'AXIAL'] },
    '00080050': { vr: 'SH' },
    '00081140': { vr: 'SQ' },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' }, null, { Phonetic: 'x' }] },
    '00181063': { vr: 'DS', Value: [33.3, '1.0000000000000001', null] },
    '00280009': { vr: 'AT', Value: ['00181063'] },
    '00280010': { vr: 'US', Value: [512] },
    '00409225': { vr: 'FD', Value: [0.1] },
    '00720082': { vr: 'SV', Value: ['-9223372036854775808', -1] },
    '00880200': { vr: 'SQ', Value: [{}, { '00280011': { vr: 'US', Value: [64] } }] },
    '7FE00010': { vr: 'OB', InlineBinary: 'AAECAw==' },
  };
  assert.deepEqual(datasetToJson(jsonToDataset(canonical)), canonical);
});

test('JSON → dataset → JSON gives a DS string that a number carries exactly back as that number', () => {
  const json = datasetToJson(jsonToDataset({ '00180050': { vr: 'DS', Value: ['1.500', '-0.0'] } }));
  assert.deepEqual(json['00180050']!.Value, [1.5, -0]);
});

const HOSTILE: [string, unknown, RegExp][] = [
  ['a top-level array', [], /\(top level\): is an array/],
  ['a top-level string', 'x', /\(top level\): must be an object/],
  ['null', null, /\(top level\): must be an object/],
  ['a key with a non-hex digit', { '0010001G': { vr: 'PN' } }, /property "0010001G" is not a tag/],
  ['a lowercase key', { '0008103e': { vr: 'LO' } }, /property "0008103e" is not a tag/],
  ['a short key', { '1234': { vr: 'LO' } }, /property "1234" is not a tag/],
  ['a __proto__ key', JSON.parse('{"__proto__": {"vr": "LO"}}'), /property "__proto__" is not a tag/],
  ['an item tag as key', { FFFEE000: { vr: 'OB' } }, /FFFEE000: item and delimitation tags/],
  ['an attribute that is a string', { '00100020': 'ID' }, /00100020: must be an attribute object, not a string/],
  ['a missing vr', { '00100020': { Value: ['ID'] } }, /00100020: vr is missing/],
  ['an unknown VR', { '00100020': { vr: 'XX', Value: ['ID'] } }, /00100020: vr "XX" is not a value representation/],
  ['a lowercase VR', { '00100020': { vr: 'lo', Value: ['ID'] } }, /00100020: vr "lo"/],
  ['a misspelt member', { '00100020': { vr: 'LO', value: ['ID'] } }, /00100020: unknown member "value"/],
  ['two value members', { '7FE00010': { vr: 'OB', InlineBinary: 'AA==', BulkDataURI: 'x' } }, /7FE00010: has BulkDataURI and InlineBinary/],
  ['Value that is a string', { '00100020': { vr: 'LO', Value: 'ID' } }, /00100020: Value must be an array, not a string/],
  ['a number for LO', { '00100020': { vr: 'LO', Value: [12] } }, /00100020: Value\[0\] must be a string or null for VR LO, not a number/],
  ['an object for CS', { '00080060': { vr: 'CS', Value: [{}] } }, /00080060: Value\[0\] must be a string/],
  ['a string for US', { '00280010': { vr: 'US', Value: ['512'] } }, /00280010: Value\[0\] must be a number for VR US, not a string/],
  ['US out of range', { '00280010': { vr: 'US', Value: [65536] } }, /00280010: Value\[0\] is not an integer in the range of US/],
  ['a fraction for SL', { '00186020': { vr: 'SL', Value: [1.5] } }, /00186020: Value\[0\] is not an integer in the range of SL/],
  ['FL beyond float range', { '00089459': { vr: 'FL', Value: [1e39] } }, /00089459: Value\[0\] is beyond the range of FL/],
  ['a fraction for IS', { '00200013': { vr: 'IS', Value: [1.5] } }, /00200013: Value\[0\] is not an integer in the range of IS/],
  ['a backslash in a DS string', { '00180050': { vr: 'DS', Value: ['1\\2'] } }, /00180050: Value\[0\] has a backslash or a character outside/],
  ['non-ASCII in an IS string', { '00200013': { vr: 'IS', Value: ['１'] } }, /00200013: Value\[0\] has a backslash or a character outside/],
  ['a boolean for DS', { '00180050': { vr: 'DS', Value: [true] } }, /00180050: Value\[0\] must be a number, a string or null for VR DS, not a boolean/],
  ['UV below zero', { '00720083': { vr: 'UV', Value: [-1] } }, /00720083: Value\[0\] is outside the range of UV/],
  ['SV beyond 64 bits', { '00720082': { vr: 'SV', Value: ['9223372036854775808'] } }, /00720082: Value\[0\] is outside the range of SV/],
  ['a number for AT', { '00280009': { vr: 'AT', Value: [0x00181063] } }, /00280009: Value\[0\] must be a tag/],
  ['a lowercase AT', { '00280009': { vr: 'AT', Value: ['0029100a'] } }, /00280009: Value\[0\] must be a tag/],
  ['a string for PN', { '00100010': { vr: 'PN', Value: ['Doe^John'] } }, /00100010: Value\[0\] must be a person name object or null, not a string/],
  ['an unknown PN group', { '00100010': { vr: 'PN', Value: [{ alphabetic: 'Doe' }] } }, /00100010: Value\[0\] has member "alphabetic"/],
  ['a PN group with "="', { '00100010': { vr: 'PN', Value: [{ Alphabetic: 'A=B' }] } }, /00100010: Value\[0\]\.Alphabetic contains "="/],
  ['a backslash in LO', { '00100020': { vr: 'LO', Value: ['A\\B'] } }, /00100020: Value\[0\] contains a backslash/],
  ['non-ASCII in CS', { '00080060': { vr: 'CS', Value: ['ÇT'] } }, /00080060: Value\[0\] has characters outside the default repertoire/],
  ['two values for LT', { '00104000': { vr: 'LT', Value: ['a', 'b'] } }, /00104000: VR LT holds a single value, not 2/],
  ['a null item', { '00081110': { vr: 'SQ', Value: [null] } }, /00081110\[0\]: a sequence item must be an object/],
  ['an array item', { '00081110': { vr: 'SQ', Value: [[]] } }, /00081110\[0\]: a sequence item must be an object/],
  ['a bad key inside an item', { '00081110': { vr: 'SQ', Value: [{}, { '00081150': { vr: 'UI', Value: [1] } }] } }, /00081110\[1\]\.00081150: Value\[0\] must be a string/],
  ['InlineBinary for CS', { '00080060': { vr: 'CS', InlineBinary: 'AA==' } }, /00080060: InlineBinary is for VRs OB/],
  ['Value for OB', { '7FE00010': { vr: 'OB', Value: [1, 2] } }, /7FE00010: VR OB carries its value in InlineBinary or BulkDataURI/],
  ['InlineBinary that is not base64', { '7FE00010': { vr: 'OB', InlineBinary: 'AA*=' } }, /7FE00010: InlineBinary is not base64/],
  ['InlineBinary of bad length', { '7FE00010': { vr: 'OB', InlineBinary: 'AAA' } }, /7FE00010: InlineBinary is not base64/],
  ['InlineBinary that is a number', { '7FE00010': { vr: 'OB', InlineBinary: 5 } }, /7FE00010: InlineBinary must be a string, not a number/],
  ['OW of odd length', { '7FE00010': { vr: 'OW', InlineBinary: 'AAAA' } }, /7FE00010: 3 bytes are not a whole number of 2-byte values for VR OW/],
  ['OD of 4 bytes', { '7FE00010': { vr: 'OD', InlineBinary: 'AAAAAA==' } }, /7FE00010: 4 bytes are not a whole number of 8-byte values for VR OD/],
  ['BulkDataURI with no resolver', { '7FE00010': { vr: 'OB', BulkDataURI: 'bulk/1' } }, /7FE00010: has a BulkDataURI and no bulk data resolver/],
  ['BulkDataURI for PN', { '00100010': { vr: 'PN', BulkDataURI: 'bulk/1' } }, /00100010: BulkDataURI is not allowed for VR PN/],
  ['BulkDataURI for SQ', { '00081110': { vr: 'SQ', BulkDataURI: 'bulk/1' } }, /00081110: BulkDataURI is not allowed for VR SQ/],
];

for (const [what, json, message] of HOSTILE) {
  test(`jsonToDataset() refuses ${what} with a json-model error naming the attribute`, () => {
    assert.match(jsonError(() => jsonToDataset(json)).message, message);
  });
}

test('jsonToDataset() errors never repeat the values, which may identify a patient', () => {
  const cases = [
    { '00100020': { vr: 'LO', Value: ['SECRET-ID\\2'] } },
    { '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Secretname=X' }] } },
    { '00101010': { vr: 'AS', Value: ['Secretäge'] } },
    { '00200013': { vr: 'IS', Value: ['Secret\\7'] } },
    { '00080005': { vr: 'CS', Value: ['ISO_IR 100'] }, '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Secret王' }] } },
  ];
  for (const json of cases) assert.doesNotMatch(jsonError(() => jsonToDataset(json)).message, /secret/i);
});

function nestedJson(levels: number): unknown {
  let json: unknown = { '00100020': { vr: 'LO', Value: ['deepest'] } };
  for (let i = 0; i < levels; i++) json = { '0040A730': { vr: 'SQ', Value: [json] } };
  return json;
}

test('jsonToDataset() refuses sequences nested 10,000 deep without exhausting the stack', () => {
  const error = jsonError(() => jsonToDataset(nestedJson(10_000)));
  assert.match(error.message, new RegExp(`sequences nest deeper than ${JSON_MODEL_LIMITS.maxDepth} levels`));
  assert.match(error.message, /^DICOM JSON 0040A730(\[0\]\.0040A730){32}: /);
  const open = '{"0040A730":{"vr":"SQ","Value":[';
  const parsed: unknown = JSON.parse(`${open.repeat(10_000)}{}${']}}'.repeat(10_000)}`);
  assert.match(jsonError(() => jsonToDataset(parsed)).message, /nest deeper/);
});

test('jsonToDataset() accepts nesting up to maxDepth and refuses one level more', () => {
  const ds = jsonToDataset(nestedJson(32));
  let item: Dataset = ds;
  for (let i = 0; i < 32; i++) item = item.get(Tag.ContentSequence)!.items![0]!;
  assert.equal(item.getString(Tag.PatientID), 'deepest');
  jsonError(() => jsonToDataset(nestedJson(33)));
  jsonToDataset(nestedJson(5), { maxDepth: 5 });
  jsonError(() => jsonToDataset(nestedJson(6), { maxDepth: 5 }));
});

test('jsonToDataset() refuses huge arrays, too many attributes and too many bytes', () => {
  const values = new Array<number>(JSON_MODEL_LIMITS.maxValues + 1).fill(1);
  assert.match(jsonError(() => jsonToDataset({ '00281201': { vr: 'US', Value: values } })).message, /00281201: Value holds more than 1000000 entries/);
  const items = new Array(1001).fill({});
  assert.match(jsonError(() => jsonToDataset({ '00081110': { vr: 'SQ', Value: items } }, { maxValues: 1000 })).message, /00081110: Value holds more than 1000/);
  const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`0009${(0x1000 + i).toString(16).toUpperCase()}`, { vr: 'UN' }]));
  assert.match(jsonError(() => jsonToDataset(many, { maxAttributes: 100 })).message, /more than 100 attributes/);
  const emptyItems = { '00081110': { vr: 'SQ', Value: new Array(100).fill({}) } };
  assert.match(jsonError(() => jsonToDataset(emptyItems, { maxAttributes: 100 })).message, /00081110\[99\]: more than 100 attributes and items/);
  const big = Buffer.alloc(2048).toString('base64');
  assert.match(jsonError(() => jsonToDataset({ '7FE00010': { vr: 'OB', InlineBinary: big } }, { maxBytes: 1024 })).message, /7FE00010: the values exceed 1024 bytes/);
  const text = 'x'.repeat(600);
  assert.match(jsonError(() => jsonToDataset({ '00104000': { vr: 'LT', Value: [text] }, '00204000': { vr: 'LT', Value: [text] } }, { maxBytes: 1024 })).message,
    /00204000: the values exceed 1024 bytes/);
});
