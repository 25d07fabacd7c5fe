import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pydicomData } from '../../../test/support/pydicom-files.js';
import { Dataset, EXPLICIT_BIG, EXPLICIT_LITTLE } from '../dataset.js';
import { sequenceElement, valueElement } from '../element.js';
import { readDicomFile } from '../read-dicom-file.js';
import { Tag, makeTag } from '../tag.js';
import { encodeBigInts, encodeNumbers, encodeStrings } from '../values.js';
import { datasetToJson } from './dataset-to-json.js';

const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

test('datasetToJson() names attributes by 8 uppercase hex digits in ascending order and leaves out group lengths', () => {
  const ds = new Dataset();
  ds.setString(Tag.StudyInstanceUID, '1.2.3');
  ds.setString(Tag.PatientID, 'ID1');
  ds.set(valueElement(0x00100000, 'UL', encodeNumbers([12], 'UL')));
  ds.setString(makeTag(0x0009, 0x0010), 'VENDOR', 'LO');
  ds.set(valueElement(makeTag(0x0009, 0x10af), 'UN', new Uint8Array([1, 2])));
  const json = datasetToJson(ds);
  assert.deepEqual(Object.keys(json), ['00090010', '000910AF', '00100020', '0020000D']);
  assert.deepEqual(json['0020000D'], { vr: 'UI', Value: ['1.2.3'] });
});

test('datasetToJson() writes empty elements and empty sequences without Value, and empty items as {}', () => {
  const ds = new Dataset();
  ds.set(valueElement(Tag.PatientName, 'PN', new Uint8Array(0)));
  ds.set(valueElement(Tag.PatientID, 'LO', ascii('  ')));
  ds.set(sequenceElement(Tag.ReferencedStudySequence, []));
  ds.set(sequenceElement(Tag.ReferencedSeriesSequence, [new Dataset(EXPLICIT_LITTLE, ds)]));
  ds.set(valueElement(Tag.PixelData, 'OW', new Uint8Array(0)));
  const json = datasetToJson(ds);
  assert.deepEqual(json['00100010'], { vr: 'PN' });
  assert.deepEqual(json['00100020'], { vr: 'LO' });
  assert.deepEqual(json['00081110'], { vr: 'SQ' });
  assert.deepEqual(json['00081115'], { vr: 'SQ', Value: [{}] });
  assert.deepEqual(json['7FE00010'], { vr: 'OW' });
});

test('datasetToJson() gives empty values inside a multi-valued attribute as null (PS3.18 F.2.5)', () => {
  const ds = new Dataset();
  ds.set(valueElement(Tag.ImageType, 'CS', ascii('ORIGINAL\\\\AXIAL ')));
  ds.set(valueElement(Tag.ImagePositionPatient, 'DS', ascii('1.5\\\\-2 ')));
  ds.set(valueElement(Tag.OtherPatientNames, 'PN', ascii('A^B\\\\C^D ')));
  const json = datasetToJson(ds);
  assert.deepEqual(json['00080008']!.Value, ['ORIGINAL', null, 'AXIAL']);
  assert.deepEqual(json['00200032']!.Value, [1.5, null, -2]);
  assert.deepEqual(json['00101001']!.Value, [{ Alphabetic: 'A^B' }, null, { Alphabetic: 'C^D' }]);
});

test('datasetToJson() splits person names into their non-empty component groups', () => {
  const ds = new Dataset();
  ds.setString(Tag.SpecificCharacterSet, 'ISO_IR 192');
  ds.setString(Tag.PatientName, 'Yamada^Tarou=山田^太郎=やまだ^たろう');
  ds.setString(Tag.ReferringPhysicianName, '=王^小東');
  ds.setString(Tag.PerformingPhysicianName, '^Bob^^Dr.');
  const json = datasetToJson(ds);
  assert.deepEqual(json['00100010']!.Value, [{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' }]);
  assert.deepEqual(json['00080090']!.Value, [{ Ideographic: '王^小東' }]);
  assert.deepEqual(json['00081050']!.Value, [{ Alphabetic: '^Bob^^Dr.' }]);
});

test('datasetToJson() decodes text of items with the Specific Character Set of the enclosing dataset', () => {
  const ds = new Dataset();
  ds.setString(Tag.SpecificCharacterSet, 'ISO_IR 192');
  const item = new Dataset(EXPLICIT_LITTLE, ds);
  item.set(valueElement(Tag.PatientName, 'PN', new TextEncoder().encode('Müller^Jürgen')));
  ds.set(sequenceElement(Tag.ReferencedPatientSequence, [item]));
  const json = datasetToJson(ds);
  const itemJson = json['00081120']!.Value![0] as Record<string, { Value?: unknown[] }>;
  assert.deepEqual(itemJson['00100010']!.Value, [{ Alphabetic: 'Müller^Jürgen' }]);
});

test('datasetToJson() gives IS and DS as numbers when a number keeps the value, else as the original string', () => {
  const cases: [string, 'IS' | 'DS', number | string][] = [
    ['1.50', 'DS', 1.5],
    ['0.603909', 'DS', 0.603909],
    ['-91.90546417', 'DS', -91.90546417],
    ['1E3', 'DS', 1000],
    ['.5', 'DS', 0.5],
    ['+12', 'IS', 12],
    ['-0007', 'IS', -7],
    ['9007199254740993', 'DS', '9007199254740993'],
    ['1.0000000000000001', 'DS', '1.0000000000000001'],
    ['abc', 'DS', 'abc'],
    ['1e999', 'DS', '1e999'],
    ['1.5', 'IS', '1.5'],
    ['12a', 'IS', '12a'],
  ];
  for (const [text, vr, expected] of cases) {
    const ds = new Dataset();
    ds.set(valueElement(Tag.SliceThickness, vr, encodeStrings([text], vr, [])));
    assert.deepEqual(datasetToJson(ds)['00180050']!.Value, [expected], `${vr} ${text}`);
  }
});

test('datasetToJson() gives binary numbers as JSON numbers, FL by its shortest decimal, AT as hex tags', () => {
  const ds = new Dataset();
  ds.set(valueElement(Tag.Rows, 'US', encodeNumbers([512, 65535], 'US')));
  ds.set(valueElement(Tag.SmallestImagePixelValue, 'SS', encodeNumbers([-32768], 'SS')));
  ds.set(valueElement(Tag.SimpleFrameList, 'UL', encodeNumbers([4294967295], 'UL')));
  ds.set(valueElement(Tag.ReferencePixelX0, 'SL', encodeNumbers([-2147483648], 'SL')));
  ds.set(valueElement(Tag.RecommendedDisplayFrameRateInFloat, 'FL', encodeNumbers([0.1, -2.5, 3.4028234663852886e38], 'FL')));
  ds.set(valueElement(Tag.RealWorldValueSlope, 'FD', encodeNumbers([0.1, 1e-300], 'FD')));
  ds.set(valueElement(Tag.FrameIncrementPointer, 'AT', encodeNumbers([Tag.FrameTime, 0x0029100a], 'AT')));
  const json = datasetToJson(ds);
  assert.deepEqual(json['00280010']!.Value, [512, 65535]);
  assert.deepEqual(json['00280106']!.Value, [-32768]);
  assert.deepEqual(json['00081161']!.Value, [4294967295]);
  assert.deepEqual(json['00186020']!.Value, [-2147483648]);
  assert.deepEqual(json['00089459']!.Value, [0.1, -2.5, 3.4028235e38]);
  assert.deepEqual(json['00409225']!.Value, [0.1, 1e-300]);
  assert.deepEqual(json['00280009']!.Value, ['00181063', '0029100A']);
});

test('datasetToJson() gives SV and UV beyond 2^53 as decimal strings (PS3.18 Table F.2.3-1 note)', () => {
  const ds = new Dataset();
  ds.set(valueElement(Tag.SelectorSVValue, 'SV', encodeBigInts([-(2n ** 63n), -5n, 2n ** 53n - 1n], 'SV')));
  ds.set(valueElement(Tag.SelectorUVValue, 'UV', encodeBigInts([2n ** 64n - 1n, 7n], 'UV')));
  const json = datasetToJson(ds);
  assert.deepEqual(json['00720082']!.Value, ['-9223372036854775808', -5, 9007199254740991]);
  assert.deepEqual(json['00720083']!.Value, ['18446744073709551615', 7]);
});

test('datasetToJson() gives binary VRs as InlineBinary, swapped to little endian from a big endian dataset', () => {
  const little = new Dataset();
  little.set(valueElement(Tag.PixelData, 'OW', encodeNumbers([0x0102, 0x0304], 'OW', true)));
  little.set(valueElement(makeTag(0x0029, 0x0010), 'LO', ascii('ACME')));
  little.set(valueElement(makeTag(0x0029, 0x1001), 'UN', new Uint8Array([0xff, 0x00, 0x41, 0x42])));
  const big = new Dataset(EXPLICIT_BIG);
  big.set(valueElement(Tag.PixelData, 'OW', encodeNumbers([0x0102, 0x0304], 'OW', false)));
  const json = datasetToJson(little);
  assert.deepEqual(json['7FE00010'], { vr: 'OW', InlineBinary: Buffer.from([2, 1, 4, 3]).toString('base64') });
  assert.deepEqual(json['00291001'], { vr: 'UN', InlineBinary: '/wBBQg==' });
  assert.deepEqual(datasetToJson(big)['7FE00010'], json['7FE00010']);
});

test('datasetToJson() swaps big endian Pixel Data by Bits Allocated, as the writer does', () => {
  const cases = [
    { bitsAllocated: 32, big: [0x00, 0x13, 0x0e, 0xe8, 0x04, 0x03, 0x02, 0x01] },
    { bitsAllocated: 16, big: [0x0e, 0xe8, 0x00, 0x13, 0x02, 0x01, 0x04, 0x03] },
    { bitsAllocated: 8, big: [0x0e, 0xe8, 0x00, 0x13, 0x02, 0x01, 0x04, 0x03] },
  ];
  const little = Buffer.from([0xe8, 0x0e, 0x13, 0x00, 0x01, 0x02, 0x03, 0x04]).toString('base64');
  for (const { bitsAllocated, big } of cases) {
    const ds = new Dataset(EXPLICIT_BIG);
    ds.set(valueElement(Tag.BitsAllocated, 'US', encodeNumbers([bitsAllocated], 'US', false)));
    ds.set(valueElement(Tag.PixelData, 'OW', new Uint8Array(big)));
    assert.deepEqual(datasetToJson(ds)['7FE00010'], { vr: 'OW', InlineBinary: little }, `Bits Allocated ${bitsAllocated}`);
  }
});

test('datasetToJson() gives the same InlineBinary Pixel Data for pydicom\'s rtdose_expb.dcm (big endian) and rtdose.dcm', () => {
  const { root } = pydicomData();
  const pixelData = (name: string) => {
    const file = readDicomFile(new Uint8Array(readFileSync(join(root, 'test_files', name))));
    return { littleEndian: file.dataset.encoding.littleEndian, json: datasetToJson(file.dataset)['7FE00010'] };
  };
  const big = pixelData('rtdose_expb.dcm');
  const little = pixelData('rtdose.dcm');
  assert.equal(big.littleEndian, false);
  assert.equal(little.littleEndian, true);
  assert.equal(little.json?.vr, 'OW');
  assert.ok(little.json?.InlineBinary);
  assert.deepEqual(big.json, little.json);
});

test('datasetToJson() asks bulkDataUri about binary values with the tag and the [sequence, item] path', () => {
  const ds = new Dataset();
  const item = new Dataset(EXPLICIT_LITTLE, ds);
  item.set(valueElement(Tag.PixelData, 'OB', new Uint8Array([9, 9])));
  ds.set(sequenceElement(Tag.IconImageSequence, [new Dataset(EXPLICIT_LITTLE, ds), item]));
  ds.set(valueElement(Tag.PixelData, 'OW', new Uint8Array(8)));
  ds.set(valueElement(Tag.Rows, 'US', encodeNumbers([2], 'US')));
  const asked: [number, readonly number[]][] = [];
  const json = datasetToJson(ds, {
    bulkDataUri: (tag, path) => {
      asked.push([tag, path]);
      return path.length === 0 ? 'https://pacs.example/studies/1/bulk/7FE00010' : undefined;
    },
  });
  assert.deepEqual(asked, [[Tag.PixelData, [Tag.IconImageSequence, 1]], [Tag.PixelData, []]]);
  assert.deepEqual(json['7FE00010'], { vr: 'OW', BulkDataURI: 'https://pacs.example/studies/1/bulk/7FE00010' });
  const icon = json['00880200']!.Value![1] as Record<string, unknown>;
  assert.deepEqual(icon['7FE00010'], { vr: 'OB', InlineBinary: 'CQk=' });
});

test('datasetToJson() with bulkDataThreshold offers every bulk-capable VR longer than the threshold, and only those', () => {
  const ds = new Dataset();
  ds.set(valueElement(Tag.ContourData, 'DS', encodeStrings(['1', '2', '3', '4', '5', '6'], 'DS', [])));
  ds.set(valueElement(Tag.Rows, 'US', encodeNumbers([2], 'US')));
  ds.set(valueElement(Tag.PixelData, 'OB', new Uint8Array(4)));
  ds.setString(Tag.PatientComments, 'short', 'LT');
  const asked: number[] = [];
  const json = datasetToJson(ds, { bulkDataThreshold: 4, bulkDataUri: (tag) => { asked.push(tag); return `bulk/${tag}`; } });
  assert.deepEqual(asked, [Tag.PatientComments, Tag.ContourData]);
  assert.deepEqual(json['30060050'], { vr: 'DS', BulkDataURI: `bulk/${Tag.ContourData}` });
  assert.deepEqual(json['00280010'], { vr: 'US', Value: [2] });
  assert.deepEqual(json['7FE00010'], { vr: 'OB', InlineBinary: 'AAAAAA==' });
});

test('datasetToJson() gives encapsulated Pixel Data as a BulkDataURI, or inline as the items of its Value Field', () => {
  const ds = new Dataset();
  ds.set({ tag: Tag.PixelData, vr: 'OB', fragments: { offsetTable: new Uint8Array(0), fragments: [new Uint8Array([0xff, 0xd8])] }, undefinedLength: true });
  assert.deepEqual(datasetToJson(ds, { bulkDataUri: () => 'frames' })['7FE00010'], { vr: 'OB', BulkDataURI: 'frames' });
  const inline = Buffer.from(datasetToJson(ds)['7FE00010']!.InlineBinary!, 'base64');
  assert.deepEqual([...inline], [0xfe, 0xff, 0x00, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0x00, 0xe0, 2, 0, 0, 0, 0xff, 0xd8]);
});
