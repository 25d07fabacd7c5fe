import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MedVeilError } from '../../errors.js';
import { Dataset, EXPLICIT_LITTLE } from '../dataset.js';
import type { DicomFile } from '../dicom-file.js';
import { readDicomFile } from '../read-dicom-file.js';
import { Tag } from '../tag.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../transfer-syntax.js';
import { encodeDicomdir } from './encode-dicomdir.js';
import { instanceHeader } from './instance-header.js';
import { layoutInstances, planMediaLayout } from './plan-media-layout.js';
import { type DirectoryNode, readDirectoryTree } from './read-directory-tree.js';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const COMPREHENSIVE_SR = '1.2.840.10008.5.1.4.1.1.88.33';
const KEY_OBJECT_SELECTION = '1.2.840.10008.5.1.4.1.1.88.59';

interface Instance {
  patientId?: string;
  patientName?: string;
  study?: string;
  series?: string;
  sop: string;
  sopClass?: string;
  instanceNumber?: string;
  charset?: string[];
  extra?: (ds: Dataset) => void;
}

/** A minimal PS3.10 file: meta mirroring the data set, and the attributes a test names. */
function file(spec: Instance): DicomFile {
  const ds = new Dataset(EXPLICIT_LITTLE);
  if (spec.charset) ds.setStrings(Tag.SpecificCharacterSet, spec.charset);
  const sopClass = spec.sopClass ?? CT;
  ds.setString(Tag.SOPClassUID, sopClass);
  ds.setString(Tag.SOPInstanceUID, spec.sop);
  ds.setString(Tag.StudyDate, '20240102');
  ds.setString(Tag.StudyTime, '101500');
  ds.setString(Tag.Modality, sopClass === CT ? 'CT' : 'SR');
  if (spec.patientName !== undefined) ds.setString(Tag.PatientName, spec.patientName);
  if (spec.patientId !== undefined) ds.setString(Tag.PatientID, spec.patientId);
  if (spec.study !== undefined) ds.setString(Tag.StudyInstanceUID, spec.study);
  if (spec.series !== undefined) ds.setString(Tag.SeriesInstanceUID, spec.series);
  ds.setString(Tag.StudyID, 'S1');
  ds.setString(Tag.SeriesNumber, '1');
  if (spec.instanceNumber !== undefined) ds.setString(Tag.InstanceNumber, spec.instanceNumber);
  if (sopClass === CT) ds.set({ tag: Tag.PixelData, vr: 'OW', value: new Uint8Array(8) });
  spec.extra?.(ds);
  const meta = new Dataset(EXPLICIT_LITTLE);
  meta.setString(Tag.MediaStorageSOPClassUID, sopClass);
  meta.setString(Tag.MediaStorageSOPInstanceUID, spec.sop);
  meta.setString(Tag.TransferSyntaxUID, EXPLICIT_VR_LITTLE_ENDIAN);
  return { preamble: undefined, meta, dataset: ds, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, warnings: [] };
}

function ct(patientId: string, study: string, series: string, sop: string, instanceNumber?: string): Instance {
  return { patientId, patientName: `NAME^${patientId}`, study, series, sop, instanceNumber };
}

function layoutOf(specs: readonly Instance[]) {
  return planMediaLayout(specs.map((spec, i) => instanceHeader(file(spec), `file${i}`)));
}

const u32 = (bytes: Uint8Array, at: number): number => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);

/**
 * Item start positions found by scanning the bytes alone (PS3.5 7.5): the (0004,1220) SQ header
 * is 12 bytes, then items of defined length follow one another. Independent of the encoder.
 */
function scanItemPositions(bytes: Uint8Array): number[] {
  const header = Buffer.from([0x04, 0x00, 0x20, 0x12, 0x53, 0x51, 0x00, 0x00]);
  const at = Buffer.from(bytes).indexOf(header);
  assert.ok(at > 0, 'the Directory Record Sequence is in the file');
  const end = at + 12 + u32(bytes, at + 8);
  const positions: number[] = [];
  for (let p = at + 12; p < end; p += 8 + u32(bytes, p + 4)) {
    assert.deepEqual([...bytes.subarray(p, p + 4)], [0xfe, 0xff, 0x00, 0xe0]);
    positions.push(p);
  }
  return positions;
}

/** Where the value of `tag` sits in the record item starting at `position` (explicit VR little endian). */
function recordValueAt(bytes: Uint8Array, position: number, tag: number): number {
  const end = position + 8 + u32(bytes, position + 4);
  for (let p = position + 8; p < end;) {
    const t = (((bytes[p]! | (bytes[p + 1]! << 8)) << 16) | (bytes[p + 2]! | (bytes[p + 3]! << 8))) >>> 0;
    const vr = String.fromCharCode(bytes[p + 4]!, bytes[p + 5]!);
    const long = vr === 'SQ' || vr === 'OB' || vr === 'UN' || vr === 'UT';
    const length = long ? u32(bytes, p + 8) : bytes[p + 6]! | (bytes[p + 7]! << 8);
    const value = p + (long ? 12 : 8);
    if (t === tag) return value;
    p = value + length;
  }
  throw new Error(`tag ${tag.toString(16)} not in the record at ${position}`);
}

const recordUL = (bytes: Uint8Array, position: number, tag: number): number => u32(bytes, recordValueAt(bytes, position, tag));

describe('encodeDicomdir offsets (PS3.3 F.3.2.2)', () => {
  test('every offset names the first byte of the right record, counted from the start of the preamble', () => {
    // Two patients; the first has two series. Depth-first order:
    // 0 PATIENT A, 1 STUDY, 2 SERIES 1, 3 IMAGE, 4 IMAGE, 5 SERIES 2, 6 IMAGE, 7 PATIENT B, 8 STUDY, 9 SERIES, 10 IMAGE
    const layout = layoutOf([
      ct('A', '1.2.1', '1.2.1.1', '1.2.1.1.1', '1'), ct('A', '1.2.1', '1.2.1.1', '1.2.1.1.2', '2'),
      ct('A', '1.2.1', '1.2.1.2', '1.2.1.2.1', '1'), ct('B', '1.2.2', '1.2.2.1', '1.2.2.1.1', '1'),
    ]);
    const { bytes, records } = encodeDicomdir(layout);
    const pos = scanItemPositions(bytes);
    assert.equal(records, 11);
    assert.equal(pos.length, 11);
    const dataset = readDicomFile(bytes).dataset;
    assert.equal(dataset.getNumber(Tag.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity), pos[0]);
    assert.equal(dataset.getNumber(Tag.OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity), pos[7]);
    const next = [pos[7], 0, pos[5], pos[4], 0, 0, 0, 0, 0, 0, 0];
    const lower = [pos[1], pos[2], pos[3], 0, 0, pos[6], 0, pos[8], pos[9], pos[10], 0];
    for (let i = 0; i < 11; i++) {
      assert.equal(recordUL(bytes, pos[i]!, Tag.OffsetOfTheNextDirectoryRecord), next[i], `next of record ${i}`);
      assert.equal(recordUL(bytes, pos[i]!, Tag.OffsetOfReferencedLowerLevelDirectoryEntity), lower[i], `lower of record ${i}`);
    }
    assert.deepEqual([...bytes.subarray(128, 132)], [0x44, 0x49, 0x43, 0x4d], 'offsets count the 128-byte preamble and DICM');
  });

  test('an empty layout gives an empty root entity with zero offsets', () => {
    const { bytes, records } = encodeDicomdir({ patients: [] });
    const dataset = readDicomFile(bytes).dataset;
    assert.equal(records, 0);
    assert.equal(dataset.getNumber(Tag.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity), 0);
    assert.equal(dataset.getNumber(Tag.OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity), 0);
    assert.deepEqual(dataset.get(Tag.DirectoryRecordSequence)?.items, []);
  });

  test('the file is a Media Storage Directory in explicit VR little endian with a stable File-set UID', () => {
    const layout = layoutOf([ct('A', '1.2.1', '1.2.1.1', '1.2.1.1.1', '1')]);
    const first = encodeDicomdir(layout);
    const read = readDicomFile(first.bytes);
    assert.equal(read.meta.getString(Tag.MediaStorageSOPClassUID), '1.2.840.10008.1.3.10');
    assert.equal(read.meta.getString(Tag.TransferSyntaxUID), EXPLICIT_VR_LITTLE_ENDIAN);
    assert.equal(read.meta.getString(Tag.MediaStorageSOPInstanceUID), first.sopInstanceUid);
    assert.match(first.sopInstanceUid, /^2\.25\.[1-9][0-9]{0,38}$/);
    assert.equal(read.dataset.getString(Tag.FileSetID), 'MEDVEIL');
    assert.equal(read.dataset.getNumber(Tag.FileSetConsistencyFlag), 0);
    assert.deepEqual(encodeDicomdir(layout).bytes, first.bytes, 'a rebuild is byte-identical');
    const other = encodeDicomdir(layoutOf([ct('A', '1.2.1', '1.2.1.1', '1.2.1.1.9', '1')]));
    assert.notEqual(other.sopInstanceUid, first.sopInstanceUid, 'other contents, other File-set UID');
    assert.equal(readDicomFile(encodeDicomdir(layout, { fileSetId: 'TRIAL_42' }).bytes).dataset.getString(Tag.FileSetID), 'TRIAL_42');
    assert.throws(() => encodeDicomdir(layout, { fileSetId: 'lower case' }), (e: unknown) => e instanceof MedVeilError && e.code === 'usage');
  });
});

describe('readDirectoryTree', () => {
  const layout = layoutOf([ct('A', '1.2.1', '1.2.1.1', '1.2.1.1.1', '1'), ct('B', '1.2.2', '1.2.2.1', '1.2.2.1.1', '1')]);

  test('reads the hierarchy back by its offsets', () => {
    const tree = readDirectoryTree(encodeDicomdir(layout).bytes);
    const shape = (nodes: readonly DirectoryNode[]): unknown => nodes.map((n) => [n.type, n.fileId?.join('\\') ?? null, shape(n.children)]);
    assert.deepEqual(shape(tree), [
      ['PATIENT', null, [['STUDY', null, [['SERIES', null, [['IMAGE', 'DICOM\\P0000001\\ST000001\\SE000001\\I0000001', []]]]]]]],
      ['PATIENT', null, [['STUDY', null, [['SERIES', null, [['IMAGE', 'DICOM\\P0000002\\ST000001\\SE000001\\I0000001', []]]]]]]],
    ]);
  });

  const corrupt = (mutate: (bytes: Buffer, pos: number[]) => void): Buffer => {
    const bytes = Buffer.from(encodeDicomdir(layout).bytes);
    mutate(bytes, scanItemPositions(bytes));
    return bytes;
  };
  const NEXT = Tag.OffsetOfTheNextDirectoryRecord;
  const LOWER = Tag.OffsetOfReferencedLowerLevelDirectoryEntity;
  // Records: 0 PATIENT A, 1 STUDY, 2 SERIES, 3 IMAGE, 4 PATIENT B, 5 STUDY, 6 SERIES, 7 IMAGE.
  const cases: [string, (bytes: Buffer, pos: number[]) => void, RegExp][] = [
    ['an offset that lands inside a record', (b, pos) => b.writeUInt32LE(pos[1]! + 2, recordValueAt(b, pos[0]!, LOWER)), /byte \d+, where no directory record starts/],
    ['a loop back to an upper record', (b, pos) => b.writeUInt32LE(pos[0]!, recordValueAt(b, pos[1]!, NEXT)), /reached twice/],
    ['a last-record offset that is not the last root record', (b, pos) => b.writeUInt32LE(0, recordValueAt(b, pos[0]!, NEXT)), /\(0004,1202\) names byte/],
    ['a record in use that no offset reaches', (b, pos) => {
      b.writeUInt32LE(0, recordValueAt(b, pos[0]!, NEXT));
      const last = b.indexOf(Buffer.from([0x04, 0x00, 0x02, 0x12, 0x55, 0x4c, 0x04, 0x00]));
      b.writeUInt32LE(pos[0]!, last + 8);
    }, /record at byte \d+ is in use but no offset reaches it/],
  ];
  for (const [name, mutate, message] of cases) {
    test(`refuses ${name}`, () => {
      assert.throws(() => readDirectoryTree(corrupt(mutate)), (e: unknown) => e instanceof MedVeilError && e.code === 'dicomdir' && message.test(e.message));
    });
  }
});

describe('directory records (PS3.3 F.5)', () => {
  const recordsOf = (specs: Instance[]): Dataset[] => readDicomFile(encodeDicomdir(layoutOf(specs)).bytes).dataset.get(Tag.DirectoryRecordSequence)!.items!;

  test('each SOP Class gets its record type, and an instance record references its file', () => {
    const records = recordsOf([
      ct('A', '1.2.1', '1.2.1.1', '1.2.1.1.1', '1'),
      {
        patientId: 'A', study: '1.2.1', series: '1.2.1.2', sop: '1.2.1.2.1', sopClass: COMPREHENSIVE_SR, instanceNumber: '1',
        extra: (ds) => {
          ds.setString(Tag.ContentDate, '20240102');
          ds.setString(Tag.ContentTime, '101500');
          ds.setString(Tag.CompletionFlag, 'COMPLETE');
          ds.setString(Tag.VerificationFlag, 'UNVERIFIED');
          const code = new Dataset(EXPLICIT_LITTLE, ds);
          code.setString(Tag.CodeValue, '18748-4');
          code.setString(Tag.CodingSchemeDesignator, 'LN');
          code.setString(Tag.CodeMeaning, 'Diagnostic Imaging Report');
          ds.set({ tag: Tag.ConceptNameCodeSequence, vr: 'SQ', items: [code] });
        },
      },
      {
        patientId: 'A', study: '1.2.1', series: '1.2.1.3', sop: '1.2.1.3.1', sopClass: KEY_OBJECT_SELECTION, instanceNumber: '1',
        extra: (ds) => {
          ds.setString(Tag.ContentDate, '20240102');
          ds.setString(Tag.ContentTime, '101500');
          const code = new Dataset(EXPLICIT_LITTLE, ds);
          code.setString(Tag.CodeValue, '113000');
          ds.set({ tag: Tag.ConceptNameCodeSequence, vr: 'SQ', items: [code] });
        },
      },
    ]);
    assert.deepEqual(records.map((r) => r.getString(Tag.DirectoryRecordType)),
      ['PATIENT', 'STUDY', 'SERIES', 'IMAGE', 'SERIES', 'SR DOCUMENT', 'SERIES', 'KEY OBJECT DOC']);
    const image = records[3]!;
    assert.deepEqual(image.getStrings(Tag.ReferencedFileID), ['DICOM', 'P0000001', 'ST000001', 'SE000001', 'I0000001']);
    assert.equal(image.getString(Tag.ReferencedSOPClassUIDInFile), CT);
    assert.equal(image.getString(Tag.ReferencedSOPInstanceUIDInFile), '1.2.1.1.1');
    assert.equal(image.getString(Tag.ReferencedTransferSyntaxUIDInFile), EXPLICIT_VR_LITTLE_ENDIAN);
    assert.equal(image.getNumber(Tag.RecordInUseFlag), 0xffff);
    assert.equal(records[5]!.get(Tag.ConceptNameCodeSequence)?.items?.[0]?.getString(Tag.CodeValue), '18748-4');
    for (const entity of [records[0]!, records[1]!, records[2]!]) assert.equal(entity.has(Tag.ReferencedFileID), false);
  });

  test('Type 2 keys are present and empty when the instance has none; Type 1 keys it left empty are filled with ordinals or dummies', () => {
    const layout = layoutOf([{ patientId: '', study: '1.2.1', series: '1.2.1.1', sop: '1.2.1.1.1', extra: (ds) => {
      ds.delete(Tag.StudyDate);
      ds.setString(Tag.StudyTime, '');
      ds.delete(Tag.StudyID);
      ds.delete(Tag.SeriesNumber);
      ds.setString(Tag.SeriesDate, '20230405');
    } }]);
    const { bytes, invented } = encodeDicomdir(layout);
    const [patient, study, series, image] = readDicomFile(bytes).dataset.get(Tag.DirectoryRecordSequence)!.items!;
    assert.equal(patient!.has(Tag.PatientName), true);
    assert.equal(patient!.get(Tag.PatientName)!.value!.length, 0);
    assert.equal(patient!.getString(Tag.PatientID), 'P0000001');
    assert.equal(study!.get(Tag.AccessionNumber)!.value!.length, 0);
    assert.equal(study!.get(Tag.StudyDescription)!.value!.length, 0);
    assert.equal(study!.getString(Tag.StudyDate), '20230405', 'the Series Date stands in for the Study Date');
    assert.equal(study!.getString(Tag.StudyTime), '000000');
    assert.equal(study!.getString(Tag.StudyID), 'ST000001');
    assert.equal(study!.getString(Tag.StudyInstanceUID), '1.2.1');
    assert.equal(series!.getString(Tag.SeriesNumber), '1');
    assert.equal(image!.getString(Tag.InstanceNumber), '1');
    assert.deepEqual([...invented.keys()].sort(),
      ['IMAGE InstanceNumber', 'PATIENT PatientID', 'SERIES SeriesNumber', 'STUDY StudyDate', 'STUDY StudyID', 'STUDY StudyTime']);
  });

  test('a Type 1 key with no safe stand-in is an error naming the file', () => {
    const layout = layoutOf([{ patientId: 'A', study: '1.2.1', series: '1.2.1.1', sop: '1.2.1.1.1', sopClass: COMPREHENSIVE_SR, instanceNumber: '1' }]);
    assert.throws(() => encodeDicomdir(layout), (e: unknown) => e instanceof MedVeilError && /^file0: CompletionFlag is empty.*SR DOCUMENT/.test(e.message));
  });

  test('Specific Character Set goes into the records whose keys use it, and only those', () => {
    const records = recordsOf([{ ...ct('A', '1.2.1', '1.2.1.1', '1.2.1.1.1', '1'), patientName: 'Wang^Xiaodong=王^小东', charset: ['GB18030'] }]);
    assert.deepEqual(records.map((r) => r.getStrings(Tag.SpecificCharacterSet)), [['GB18030'], [], [], []]);
    assert.equal(records[0]!.getString(Tag.PatientName), 'Wang^Xiaodong=王^小东');
    const ascii = recordsOf([{ ...ct('A', '1.2.1', '1.2.1.1', '1.2.1.1.1', '1'), charset: ['GB18030'] }]);
    assert.deepEqual(ascii.map((r) => r.has(Tag.SpecificCharacterSet)), [false, false, false, false]);
  });
});

describe('planMediaLayout', () => {
  const specs = [
    ct('B', '1.2.2', '1.2.2.1', '1.2.2.1.5', '10'), ct('A', '1.2.1', '1.2.1.1', '1.2.1.1.3', '2'),
    ct('A', '1.2.1', '1.2.1.1', '1.2.1.1.1', '9'), ct('A', '1.2.1', '1.2.1.1', '1.2.1.1.2'), ct('B', '1.2.2', '1.2.2.1', '1.2.2.1.4', '3'),
  ];
  const names = (s: readonly Instance[]) => layoutInstances(layoutOf(s)).map((i) => `${i.header.sopInstanceUid} ${i.fileId.join('/')}`);

  test('sorts by Patient ID, study, series, Instance Number then SOP Instance UID, and names by ordinals only', () => {
    assert.deepEqual(names(specs), [
      '1.2.1.1.3 DICOM/P0000001/ST000001/SE000001/I0000001',
      '1.2.1.1.1 DICOM/P0000001/ST000001/SE000001/I0000002',
      '1.2.1.1.2 DICOM/P0000001/ST000001/SE000001/I0000003',
      '1.2.2.1.4 DICOM/P0000002/ST000001/SE000001/I0000001',
      '1.2.2.1.5 DICOM/P0000002/ST000001/SE000001/I0000002',
    ]);
  });

  test('the same instances in any order get the same names', () => {
    const sorted = names(specs);
    assert.deepEqual(names([...specs].reverse()), sorted);
    assert.deepEqual(names([specs[2]!, specs[0]!, specs[4]!, specs[1]!, specs[3]!]), sorted);
  });

  test('instances without a Patient ID get a patient of their own per study', () => {
    const layout = layoutOf([ct('', '1.2.2', '1.2.2.1', '1.2.2.1.1'), ct('', '1.2.1', '1.2.1.1', '1.2.1.1.1'), ct('', '1.2.1', '1.2.1.2', '1.2.1.2.1'), ct('A', '1.2.3', '1.2.3.1', '1.2.3.1.1')]);
    assert.deepEqual(layout.patients.map((p) => [p.patientId, p.studies.map((s) => s.studyInstanceUid)]), [['', ['1.2.1']], ['', ['1.2.2']], ['A', ['1.2.3']]]);
  });

  const refused: [string, Instance[], RegExp][] = [
    ['two files of one instance', [ct('A', '1.2.1', '1.2.1.1', '1.2.9'), ct('A', '1.2.1', '1.2.1.1', '1.2.9')], /file0 and file1 hold the same SOP Instance UID/],
    ['a study under two patients', [ct('A', '1.2.1', '1.2.1.1', '1.2.8'), ct('B', '1.2.1', '1.2.1.2', '1.2.9')], /different Patient IDs/],
    ['a series under two studies', [ct('A', '1.2.1', '1.2.1.1', '1.2.8'), ct('A', '1.2.2', '1.2.1.1', '1.2.9')], /different Study Instance UIDs/],
  ];
  for (const [name, input, message] of refused) {
    test(`refuses ${name}`, () => {
      assert.throws(() => layoutOf(input), (e: unknown) => e instanceof MedVeilError && e.code === 'dicomdir' && message.test(e.message));
    });
  }
});

describe('instanceHeader', () => {
  const refused: [string, () => DicomFile, RegExp][] = [
    ['no Study Instance UID', () => file({ patientId: 'A', series: '1.2.1.1', sop: '1.2.3' }), /^x\.dcm: has no Study Instance UID/],
    ['no Series Instance UID', () => file({ patientId: 'A', study: '1.2.1', sop: '1.2.3' }), /has no Series Instance UID/],
    ['a UID that is not one', () => file({ patientId: 'A', study: '1.2.1', series: '../../etc', sop: '1.2.3' }), /Series Instance UID is not a valid UID/],
    ['no File Meta Information', () => ({ ...file(ct('A', '1.2.1', '1.2.1.1', '1.2.3')), meta: new Dataset(EXPLICIT_LITTLE) }), /no File Meta Information/],
    ['a meta that names another instance', () => {
      const f = file(ct('A', '1.2.1', '1.2.1.1', '1.2.3'));
      f.meta.setString(Tag.MediaStorageSOPInstanceUID, '1.2.4');
      return f;
    }, /Media Storage SOP Instance UID .* differs/],
    ['a DICOMDIR', () => {
      const f = file({ ...ct('A', '1.2.1', '1.2.1.1', '1.2.3'), sopClass: '1.2.840.10008.1.3.10' });
      return f;
    }, /is a DICOMDIR itself/],
    ['a non-image SOP Class without a known record type', () => file({ ...ct('A', '1.2.1', '1.2.1.1', '1.2.3'), sopClass: '1.2.840.10008.5.1.4.38.1' }), /no directory record type for SOP Class 1\.2\.840\.10008\.5\.1\.4\.38\.1/],
  ];
  for (const [name, make, message] of refused) {
    test(`refuses ${name}`, () => {
      assert.throws(() => instanceHeader(make(), 'x.dcm'), (e: unknown) => e instanceof MedVeilError && e.code === 'dicomdir' && message.test(e.message));
    });
  }

  test('keeps only the keys, in a buffer of their own, in explicit VR little endian', () => {
    const f = file({ ...ct('A', '1.2.1', '1.2.1.1', '1.2.3', '7'), extra: (ds) => ds.setString(Tag.InstitutionName, 'Somewhere') });
    const header = instanceHeader(f, 'x.dcm');
    assert.equal(header.keys.has(Tag.PixelData), false);
    assert.equal(header.keys.has(Tag.InstitutionName), false);
    assert.equal(header.keys.getString(Tag.PatientID), 'A');
    assert.equal(header.instanceNumber, 7);
    assert.equal(header.recordType, 'IMAGE');
    assert.notEqual(header.keys.get(Tag.PatientID)!.value!.buffer, f.dataset.get(Tag.PatientID)!.value!.buffer);
  });
});
