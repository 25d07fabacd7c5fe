import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dataset } from '../dicom/dataset.js';
import { lookupAttribute } from '../dicom/dictionary.js';
import { Tag, formatTag } from '../dicom/tag.js';
import { encodeNumbers } from '../dicom/values.js';
import { type VR, isStringVR, numericWidth } from '../dicom/vr.js';
import { DEID_ACTIONS, type DeidReport } from './deid-report.js';
import { resolveCode } from './effective-action.js';
import { FAKE_OFFSET_DAYS } from './fake-pseudonymizer.js';
import type { DeidOption } from './options.js';
import { PROFILE } from './profile.js';

import { addSequence, fake, item, run, stage } from './testing-deid-dataset.js';


function isEmptyValue(dataset: Dataset, tag: number): boolean {
  const element = dataset.get(tag);
  return element !== undefined && (element.items ? element.items.length === 0 : (element.value?.length ?? 0) === 0);
}

function entryFor(report: DeidReport, path: string): string | undefined {
  return report.entries.find((e) => e.path === path)?.action;
}

/** A plausible original value for a VR, so every row of the table can be exercised. */
function sampleValue(dataset: Dataset, tag: number, vr: VR): void {
  const strings: Partial<Record<VR, string>> = {
    PN: 'DOE^JOHN', DA: '20200102', DT: '20200102030405', TM: '030405', AS: '045Y', UI: '1.2.3.4.5',
    DS: '1.5', IS: '7', UR: 'http://hospital.example/x', AE: 'SCANNER1', CS: 'SECRET', SH: 'SECRET SH',
    LO: 'SECRET LO', ST: 'SECRET ST', LT: 'SECRET LT', UT: 'SECRET UT', UC: 'SECRET UC',
  };
  if (vr === 'SQ') {
    addSequence(dataset, tag, (i) => i.setString(Tag.PatientName, 'DOE^JOHN'));
  } else if (strings[vr] !== undefined) {
    dataset.setString(tag, strings[vr]!, vr);
  } else if (numericWidth(vr) > 0 && !['OW', 'OF', 'OD', 'OL', 'OV'].includes(vr)) {
    dataset.set({ tag, vr, value: encodeNumbers([3], vr) });
  } else {
    dataset.set({ tag, vr, value: new Uint8Array([1, 2, 3, 4]) });
  }
}

test('every exact row of Table E.1-1 is applied as its basic action, combined codes read as Type 1', () => {
  let checked = 0;
  for (const row of PROFILE) {
    if (row.mask !== 0xffffffff || row.value >>> 16 === 0x0002) continue;
    const info = lookupAttribute(row.value);
    if (row.value >>> 16 === 0x0000) continue; // command elements (PS3.7) are not in the PS3.6 dictionary
    assert.ok(info, `${row.name} is in the dictionary`);
    const dataset = new Dataset();
    dataset.setString(Tag.SOPInstanceUID, '1.2.3.9');
    if (row.value !== Tag.PatientID) dataset.setString(Tag.PatientID, 'P1');
    sampleValue(dataset, row.value, info.vr);
    const before = dataset.get(row.value)!;
    const report = run(dataset);
    const after = dataset.get(row.value);
    const action = resolveCode(row.basic);
    const what = `${formatTag(row.value)} ${row.name} (${row.basic} → ${action})`;
    const path = formatTag(row.value);
    if (action === 'X') {
      assert.equal(after, undefined, what);
      assert.equal(entryFor(report, path), 'removed', what);
    } else if (action === 'Z') {
      if (row.value === Tag.PatientName) assert.equal(dataset.getString(Tag.PatientName), fake.patientName('P1'), what);
      else assert.ok(isEmptyValue(dataset, row.value), what);
    } else if (info.vr === 'SQ') {
      assert.ok(after?.items?.length === 1, what);
      assert.ok(isEmptyValue(after.items[0]!, Tag.PatientName), `${what}: the item is cleaned`);
      assert.equal(entryFor(report, `${path}[0]/(0010,0010)`), 'emptied', what);
    } else if (info.vr === 'UI') {
      assert.equal(dataset.getString(row.value), fake.uid('1.2.3.4.5'), what);
      assert.equal(entryFor(report, path), 'remapped', what);
    } else {
      assert.ok(after?.value && after.value.length > 0, `${what}: D writes a non-empty value`);
      assert.notDeepEqual(after.value, before.value, `${what}: the dummy differs from the original`);
      assert.equal(entryFor(report, path), 'replaced', what);
    }
    checked++;
  }
  assert.ok(checked > 600);
});

test('each combined code takes its Type 1 action', () => {
  const dataset = new Dataset();
  dataset.setString(Tag.PatientID, 'P1');
  dataset.setString(Tag.AcquisitionDate, '20200102');
  dataset.setString(Tag.SeriesDate, '20200102');
  dataset.setString(Tag.InstitutionName, 'General Hospital');
  dataset.setString(Tag.ContentCreatorName, 'DOE^JANE');
  addSequence(dataset, Tag.ReferencedImageSequence, (i) => {
    i.setString(Tag.ReferencedSOPClassUID, '1.2.840.10008.5.1.4.1.1.2');
    i.setString(Tag.ReferencedSOPInstanceUID, '1.2.3.4.5');
  });
  const report = run(dataset);
  const cases: [string, string, boolean][] = [
    ['X/Z → Z', '(0008,0022)', isEmptyValue(dataset, Tag.AcquisitionDate)],
    ['X/D → D', '(0008,0021)', dataset.getString(Tag.SeriesDate) === '19000101'],
    ['X/Z/D → D', '(0008,0080)', dataset.getString(Tag.InstitutionName) === fake.text('InstitutionName', 'General Hospital', 64)],
    ['Z/D → D', '(0070,0084)', dataset.getString(Tag.ContentCreatorName) === 'ANONYMOUS'],
    ['X/Z/U* → U', '(0008,1140)[0]/(0008,1155)',
      dataset.get(Tag.ReferencedImageSequence)!.items![0]!.getString(Tag.ReferencedSOPInstanceUID) === fake.uid('1.2.3.4.5')],
  ];
  for (const [what, path, holds] of cases) {
    assert.ok(holds, what);
    assert.ok(entryFor(report, path), `${what} reported at ${path}`);
  }
});

test('D writes a valid dummy for the VR: ANONYMOUS for PN, a fixed date, a keyed Patient ID', () => {
  const dataset = new Dataset();
  dataset.setString(Tag.PatientID, 'MRN-123');
  dataset.setString(Tag.VerifyingObserverName, 'SMITH^ANNA');
  dataset.setString(Tag.ContentDate, '20200102');
  dataset.setString(Tag.ContentTime, '101112');
  dataset.setString(Tag.ClinicalTrialSubjectID, 'SUBJ-7');
  run(dataset);
  assert.equal(dataset.getString(Tag.PatientID), fake.patientId('MRN-123'));
  assert.equal(dataset.getString(Tag.VerifyingObserverName), 'ANONYMOUS');
  assert.equal(dataset.getString(Tag.ContentDate), '19000101');
  assert.equal(dataset.getString(Tag.ContentTime), '000000');
  assert.equal(dataset.getString(Tag.ClinicalTrialSubjectID), fake.text('ClinicalTrialSubjectID', 'SUBJ-7', 64));
});

test('each option changes exactly the rows of its column', () => {
  const cases: { option: DeidOption; tag: number; value: string; expect: (d: Dataset) => unknown; without: (d: Dataset) => unknown }[] = [
    { option: 'retainPatientCharacteristics', tag: Tag.PatientSex, value: 'F',
      expect: (d) => d.getString(Tag.PatientSex) === 'F', without: (d) => isEmptyValue(d, Tag.PatientSex) },
    { option: 'retainDeviceIdentity', tag: Tag.DeviceSerialNumber, value: 'SN-99',
      expect: (d) => d.getString(Tag.DeviceSerialNumber) === 'SN-99', without: (d) => d.getString(Tag.DeviceSerialNumber) !== 'SN-99' },
    { option: 'retainDeviceIdentity', tag: Tag.StationAETitle, value: 'CT_ROOM_4',
      expect: (d) => d.getString(Tag.StationAETitle) === fake.text('StationAETitle', 'CT_ROOM_4', 16), without: (d) => !d.has(Tag.StationAETitle) },
    { option: 'retainInstitutionIdentity', tag: Tag.InstitutionName, value: 'General Hospital',
      expect: (d) => d.getString(Tag.InstitutionName) === 'General Hospital', without: (d) => d.getString(Tag.InstitutionName) !== 'General Hospital' },
    { option: 'retainUIDs', tag: Tag.StudyInstanceUID, value: '1.2.3.4',
      expect: (d) => d.getString(Tag.StudyInstanceUID) === '1.2.3.4', without: (d) => d.getString(Tag.StudyInstanceUID) === fake.uid('1.2.3.4') },
    { option: 'retainLongitudinalFullDates', tag: Tag.StudyDate, value: '20200102',
      expect: (d) => d.getString(Tag.StudyDate) === '20200102', without: (d) => isEmptyValue(d, Tag.StudyDate) },
    { option: 'retainLongitudinalModifiedDates', tag: Tag.StudyDate, value: '20200102',
      expect: (d) => d.getString(Tag.StudyDate) === '20190924', without: (d) => isEmptyValue(d, Tag.StudyDate) },
    { option: 'cleanDescriptors', tag: Tag.StudyDescription, value: 'CT head for John Doe',
      expect: (d) => d.getString(Tag.StudyDescription) === fake.text('StudyDescription', 'CT head for John Doe', 64),
      without: (d) => !d.has(Tag.StudyDescription) },
    { option: 'cleanDescriptors', tag: Tag.ProtocolName, value: 'Doe protocol',
      expect: (d) => d.getString(Tag.ProtocolName) === fake.text('ProtocolName', 'Doe protocol', 64),
      without: (d) => d.getString(Tag.ProtocolName) === fake.text('ProtocolName', 'Doe protocol', 64) },
  ];
  for (const c of cases) {
    for (const withOption of [true, false]) {
      const dataset = new Dataset();
      dataset.setString(Tag.PatientID, 'P1');
      dataset.setString(c.tag, c.value);
      run(dataset, { options: withOption ? [c.option] : [] });
      assert.ok((withOption ? c.expect : c.without)(dataset), `${c.option} ${withOption ? 'on' : 'off'} for ${formatTag(c.tag)}`);
    }
  }
});

test('Clean Structured Content walks the content tree and replaces free text the table does not list', () => {
  const build = (): Dataset => {
    const dataset = new Dataset();
    dataset.setString(Tag.PatientID, 'P1');
    addSequence(dataset, Tag.ContentSequence, (i) => {
      i.setString(Tag.ValueType, 'TEXT');
      i.setString(Tag.TextValue, 'Patient John Doe, seen by Dr Who');
      i.setString(Tag.PersonName, 'WHO^DOCTOR');
      addSequence(i, Tag.ConceptNameCodeSequence, (c) => {
        c.setString(Tag.CodeValue, '121071');
        c.setString(Tag.CodingSchemeDesignator, 'DCM');
        c.setString(Tag.CodeMeaning, 'Finding');
      });
    });
    return dataset;
  };
  for (const options of [[], ['cleanStructuredContent']] as DeidOption[][]) {
    const copy = build();
    const report = run(copy, { options });
    const first = copy.get(Tag.ContentSequence)!.items![0]!;
    assert.equal(first.getString(Tag.TextValue), fake.text('TextValue', 'Patient John Doe, seen by Dr Who', 64), `${options}`);
    assert.equal(first.getString(Tag.PersonName), 'ANONYMOUS');
    assert.equal(first.get(Tag.ConceptNameCodeSequence)!.items![0]!.getString(Tag.CodeMeaning), 'Finding', 'codes stay');
    assert.equal(entryFor(report, '(0040,A730)[0]/(0040,A160)'), 'cleaned');
  }
});

test('a UID three sequences deep is remapped to the same UID as the top-level one', () => {
  const original = '1.2.826.0.1.3680043.2.1125.1.99';
  const dataset = new Dataset();
  dataset.setString(Tag.SOPInstanceUID, original);
  dataset.setString(Tag.SOPClassUID, '1.2.840.10008.5.1.4.1.1.2');
  addSequence(dataset, Tag.ReferencedSeriesSequence, (series) => {
    series.setString(Tag.SeriesInstanceUID, '1.2.3.77');
    addSequence(series, Tag.ReferencedImageSequence,
      (image) => image.setString(Tag.ReferencedSOPInstanceUID, '1.2.3.5'),
      (image) => {
        image.setString(Tag.ReferencedSOPClassUID, '1.2.840.10008.5.1.4.1.1.2');
        image.setString(Tag.ReferencedSOPInstanceUID, original);
        addSequence(image, Tag.SourceImageSequence, (source) => {
          source.setString(Tag.ReferencedSOPInstanceUID, original);
          source.setString(Tag.PatientName, 'DOE^JOHN');
          source.setString(Tag.ReferencedFrameNumber, '1');
          source.setString(0x00091001, 'orphan private', 'LO');
        });
      });
  });
  const report = run(dataset);
  const mapped = dataset.getString(Tag.SOPInstanceUID);
  assert.equal(mapped, fake.uid(original));
  const image = dataset.get(Tag.ReferencedSeriesSequence)!.items![0]!.get(Tag.ReferencedImageSequence)!.items![1]!;
  assert.equal(image.getString(Tag.ReferencedSOPInstanceUID), mapped);
  assert.equal(image.getString(Tag.ReferencedSOPClassUID), '1.2.840.10008.5.1.4.1.1.2', 'standard UIDs stay');
  const source = image.get(Tag.SourceImageSequence)!.items![0]!;
  assert.equal(source.getString(Tag.ReferencedSOPInstanceUID), mapped);
  assert.ok(isEmptyValue(source, Tag.PatientName), 'the name row applies at depth 3 too');
  assert.equal(source.has(0x00091001), false, 'orphan private at depth 3 removed');
  assert.equal(dataset.getString(Tag.SOPClassUID), '1.2.840.10008.5.1.4.1.1.2');
  assert.equal(entryFor(report, '(0008,1115)[0]/(0008,1140)[1]/(0008,1155)'), 'remapped');
  assert.equal(entryFor(report, '(0008,1115)[0]/(0008,1140)[1]/(0008,2112)[0]/(0008,1155)'), 'remapped');
  assert.equal(entryFor(report, '(0008,1115)[0]/(0008,1140)[1]/(0008,2112)[0]/(0009,1001)'), 'removed');
});

test('UIDs outside the table, even retired or unknown to the dictionary, are remapped unless Retain UIDs', () => {
  for (const retain of [false, true]) {
    const dataset = new Dataset();
    dataset.setString(Tag.CodingSchemeUID, '1.2.3.4.5.6');
    dataset.setString(0x0008_0062, '1.2.840.10008.5.1.4.1.1.2\\1.2.3.4.8', 'UI');
    dataset.setString(0x0011_0010, 'X'.repeat(2), 'LO');
    dataset.set({ tag: 0x0019_0001 >>> 0, vr: 'UN', value: new Uint8Array(0) });
    dataset.set({ tag: 0x0020_9999, vr: 'UN', value: new TextEncoder().encode('1.2.3.4.42\0') });
    dataset.set({ tag: 0x0020_999a, vr: 'UI', value: new TextEncoder().encode('1.2.3.4.43\0') });
    run(dataset, { options: retain ? ['retainUIDs'] : [] });
    if (retain) {
      assert.equal(dataset.getString(Tag.CodingSchemeUID), '1.2.3.4.5.6');
    } else {
      assert.equal(dataset.getString(Tag.CodingSchemeUID), fake.uid('1.2.3.4.5.6'));
      assert.deepEqual(dataset.getStrings(0x00080062), ['1.2.840.10008.5.1.4.1.1.2', fake.uid('1.2.3.4.8')]);
      assert.equal(new TextDecoder().decode(dataset.get(0x00209999)!.value).replace(/\0+$/, ''), fake.uid('1.2.3.4.42'));
      assert.equal(dataset.getString(0x0020999a), fake.uid('1.2.3.4.43'));
    }
  }
});

test('private elements: kept only when safe for their creator AND element, orphans and empty blocks removed', () => {
  const build = (): Dataset => {
    const dataset = new Dataset();
    dataset.setString(0x00190010, 'SIEMENS MR HEADER', 'LO');
    dataset.setString(0x0019100c, '1000', 'IS');
    dataset.setString(0x00191008, 'IMAGE NUM 4', 'CS');
    dataset.setString(0x00190011, 'ACME PRIVATE', 'LO');
    dataset.setString(0x0019110c, 'DOE^JOHN', 'LO');
    dataset.setString(0x00211005, 'no creator for this block', 'LO');
    dataset.setString(0x00290010, 'SIEMENS CSA HEADER', 'LO');
    dataset.set({ tag: 0x00291010, vr: 'OB', value: new Uint8Array([1, 2, 3, 4]) });
    return dataset;
  };
  const safe = build();
  const report = run(safe, { options: ['retainSafePrivate'] });
  assert.equal(safe.getString(0x0019100c), '1000', 'SIEMENS MR HEADER 0x0C is on the safe list');
  assert.equal(safe.has(0x00191008), false, 'another element of the same creator is not');
  assert.equal(safe.has(0x0019110c), false, 'the same element byte under another creator is not');
  assert.equal(safe.has(0x00190011), false, 'a creator whose block emptied goes');
  assert.equal(safe.getString(0x00190010), 'SIEMENS MR HEADER', 'a creator with a kept element stays');
  assert.equal(safe.has(0x00211005), false, 'orphan removed');
  assert.equal(safe.has(0x00290010), false);
  assert.equal(entryFor(report, '(0019,100C)'), 'kept');
  assert.equal(report.entries.find((e) => e.path === '(0019,100C)')?.keyword, 'Private:SIEMENS MR HEADER:0x0C');
  assert.equal(report.patientIdentityRemoved, true);

  const basic = build();
  run(basic);
  assert.deepEqual([...basic.tags()].filter((t) => t >>> 16 === 0x0019 || t >>> 16 === 0x0021 || t >>> 16 === 0x0029), []);

  const overridden = build();
  const withRule = run(overridden, { privateActions: [{ creator: 'SIEMENS CSA HEADER', element: 0x10, action: 'K' }] });
  assert.deepEqual(overridden.get(0x00291010)!.value, new Uint8Array([1, 2, 3, 4]));
  assert.equal(overridden.getString(0x00290010), 'SIEMENS CSA HEADER');
  assert.equal(overridden.has(0x0019100c), false, 'without the option the safe list does not apply');
  assert.equal(withRule.patientIdentityRemoved, false, 'keeping a private element the profile removes is not full de-identification');
});

test('a sequence read as UN (undefined length) is walked like SQ and keeps its VR', () => {
  const dataset = new Dataset();
  dataset.setString(0x00190010, 'SIEMENS MR HEADER', 'LO');
  const inner = new Dataset(dataset.encoding, dataset);
  inner.setString(Tag.PatientName, 'DOE^JOHN');
  inner.setString(Tag.ReferencedSOPInstanceUID, '1.2.3.4.5');
  dataset.set({ tag: 0x0019100c, vr: 'UN', items: [inner], undefinedLength: true });
  const standard = new Dataset(dataset.encoding, dataset);
  standard.setString(Tag.PatientName, 'DOE^JOHN');
  dataset.set({ tag: Tag.ReferencedSeriesSequence, vr: 'UN', items: [standard], undefinedLength: true });
  const report = run(dataset, { options: ['retainSafePrivate'] });
  const kept = dataset.get(0x0019100c)!;
  assert.equal(kept.vr, 'UN');
  assert.ok(isEmptyValue(kept.items![0]!, Tag.PatientName));
  assert.equal(kept.items![0]!.getString(Tag.ReferencedSOPInstanceUID), fake.uid('1.2.3.4.5'));
  assert.ok(isEmptyValue(dataset.get(Tag.ReferencedSeriesSequence)!.items![0]!, Tag.PatientName));
  assert.equal(entryFor(report, '(0019,100C)[0]/(0008,1155)'), 'remapped');
});

test('curves, overlays, icons, original and encrypted attributes and trailing padding are removed', () => {
  const dataset = new Dataset();
  dataset.setString(Tag.PatientID, 'P1');
  dataset.set({ tag: 0x50003000, vr: 'OW', value: new Uint8Array(8) });
  dataset.setString(0x50002500, 'curve label', 'LO');
  dataset.set({ tag: 0x60000010, vr: 'US', value: encodeNumbers([16], 'US') });
  dataset.set({ tag: 0x60003000, vr: 'OW', value: new Uint8Array(32) });
  dataset.setString(0x60004000, 'drawn by DOE', 'LT');
  dataset.set({ tag: 0x60020010, vr: 'US', value: encodeNumbers([16], 'US') });
  addSequence(dataset, Tag.IconImageSequence, (i) => i.set({ tag: Tag.PixelData, vr: 'OB', value: new Uint8Array(4) }));
  addSequence(dataset, Tag.OriginalAttributesSequence, (i) => i.setString(Tag.PatientName, 'DOE^JOHN'));
  addSequence(dataset, Tag.EncryptedAttributesSequence, (i) => i.setString(Tag.EncryptedContentTransferSyntaxUID, '1.2.840.10008.1.2.1'));
  dataset.set({ tag: Tag.DataSetTrailingPadding, vr: 'OB', value: new Uint8Array(2) });
  run(dataset);
  for (const tag of [0x50003000, 0x50002500, 0x60000010, 0x60003000, 0x60004000, 0x60020010, Tag.IconImageSequence,
    Tag.OriginalAttributesSequence, Tag.EncryptedAttributesSequence, Tag.DataSetTrailingPadding]) {
    assert.equal(dataset.has(tag), false, formatTag(tag));
  }
});

test('Clean Graphics keeps overlays only when the pixels are known clean, and replaces their text', () => {
  const build = (): Dataset => {
    const dataset = new Dataset();
    dataset.set({ tag: Tag.PixelData, vr: 'OW', value: new Uint8Array(8) });
    dataset.set({ tag: 0x60000010, vr: 'US', value: encodeNumbers([16], 'US') });
    dataset.set({ tag: 0x60003000, vr: 'OW', value: new Uint8Array(32) });
    dataset.setString(0x60004000, 'drawn by DOE', 'LT');
    dataset.set({ tag: 0x50003000, vr: 'OW', value: new Uint8Array(8) });
    return dataset;
  };
  const known = build();
  const report = run(known, { options: ['cleanGraphics'], pixelsKnownClean: true });
  assert.equal(known.has(0x60003000), true);
  assert.equal(known.has(0x60000010), true);
  assert.equal(known.has(0x50003000), true, 'curve data kept under Clean Graphics');
  assert.equal(known.getString(0x60004000), fake.text('OverlayComments', 'drawn by DOE', 64));
  assert.ok(report.optionsApplied.includes('cleanGraphics'));

  const unverified = build();
  const dropped = run(unverified, { options: ['cleanGraphics'] });
  assert.equal(unverified.has(0x60003000), false);
  assert.equal(unverified.has(0x60000010), false);
  assert.ok(dropped.warnings.some((w) => w.startsWith('overlay planes removed')));
});

test('ages over 89 years become 090Y wherever they are kept', () => {
  const cases: [string, string][] = [['095Y', '090Y'], ['090Y', '090Y'], ['089Y', '089Y'], ['999M', '999M'], ['012W', '012W']];
  for (const [age, expected] of cases) {
    const dataset = new Dataset();
    dataset.setString(Tag.PatientAge, age);
    addSequence(dataset, Tag.ReferencedSeriesSequence, (i) => i.setString(Tag.PatientAge, age));
    run(dataset, { options: ['retainPatientCharacteristics'] });
    assert.equal(dataset.getString(Tag.PatientAge), expected, age);
    assert.equal(dataset.get(Tag.ReferencedSeriesSequence)!.items![0]!.getString(Tag.PatientAge), expected, `${age} in an item`);
  }
});

test('Modified Dates shifts every DA and DT by the patient offset, in and out of the table, at any depth', () => {
  const dataset = new Dataset();
  dataset.setString(Tag.PatientID, 'P1');
  dataset.setString(Tag.StudyDate, '20200102');
  dataset.setString(Tag.StudyTime, '101500');
  dataset.setString(Tag.PatientBirthDate, '19800301');
  dataset.setString(Tag.ExpiryDate, '20250101');
  dataset.setString(Tag.StudyUpdateDateTime, '20200102101500.5+0100');
  dataset.setString(Tag.TimezoneOffsetFromUTC, '+0100');
  dataset.setString(Tag.AcquisitionDate, '2020XX02');
  addSequence(dataset, Tag.ContentSequence, (i) => {
    i.setString(Tag.DateTime, '20200102101500');
    addSequence(i, Tag.ContentSequence, (j) => addSequence(j, Tag.ContentSequence, (k) => k.setString(Tag.Date, '20200105')));
  });
  const report = run(dataset, { options: ['retainLongitudinalModifiedDates'] });
  assert.equal(FAKE_OFFSET_DAYS, -100);
  assert.equal(dataset.getString(Tag.StudyDate), '20190924');
  assert.equal(dataset.getString(Tag.StudyTime), '101500', 'times do not move with whole days');
  assert.ok(isEmptyValue(dataset, Tag.PatientBirthDate), 'Table E.1-1 gives the birth date Z under every option');
  assert.equal(dataset.getString(Tag.ExpiryDate), '20240923', 'a date outside the table is shifted too');
  assert.equal(dataset.getString(Tag.StudyUpdateDateTime), '20190924101500.5+0100');
  assert.equal(dataset.getString(Tag.TimezoneOffsetFromUTC), '+0100');
  assert.equal(dataset.has(Tag.AcquisitionDate), false, 'an invalid date cannot be shifted, so it goes');
  assert.ok(report.warnings.some((w) => w.startsWith('(0008,0022): invalid DA')));
  const first = dataset.get(Tag.ContentSequence)!.items![0]!;
  assert.equal(first.getString(Tag.DateTime), '20190924101500');
  const deep = first.get(Tag.ContentSequence)!.items![0]!.get(Tag.ContentSequence)!.items![0]!;
  assert.equal(deep.getString(Tag.Date), '20190927');
  assert.equal(dataset.getString(Tag.LongitudinalTemporalInformationModified), 'MODIFIED');
});

test('recipe rules override the profile by tag and keyword; keeping a removed attribute makes identity removal NO', () => {
  const dataset = new Dataset();
  dataset.setString(Tag.PatientSex, 'M');
  dataset.setString(Tag.InstitutionName, 'General Hospital');
  dataset.setString(Tag.Modality, 'CT');
  dataset.setString(Tag.StudyInstanceUID, '1.2.3.4.5');
  dataset.setString(Tag.SeriesInstanceUID, '1.2.3.4.6');
  const report = run(dataset, {
    tagActions: [[Tag.PatientSex, 'X'], [Tag.InstitutionName, 'K'], [Tag.Modality, 'X'], [Tag.StudyInstanceUID, 'K']],
  });
  assert.equal(dataset.getString(Tag.StudyInstanceUID), '1.2.3.4.5', 'K keeps a UID as it is');
  assert.equal(dataset.getString(Tag.SeriesInstanceUID), fake.uid('1.2.3.4.6'));
  assert.equal(dataset.has(Tag.PatientSex), false);
  assert.equal(dataset.getString(Tag.InstitutionName), 'General Hospital');
  assert.equal(dataset.has(Tag.Modality), false, 'a rule applies to attributes outside the table too');
  assert.equal(report.patientIdentityRemoved, false);
});

test('Person names outside the table are emptied, other standard attributes outside it are kept, illegal groups go', () => {
  const dataset = new Dataset();
  dataset.setString(0x00030010, 'what is this', 'LO');
  dataset.set({ tag: 0x00080000, vr: 'UL', value: encodeNumbers([99], 'UL') });
  dataset.setString(Tag.EvaluatorName, 'DOE^JANE');
  dataset.setString(Tag.Modality, 'MR');
  dataset.setString(Tag.CodingSchemeName, 'SNOMED');
  run(dataset);
  assert.equal(dataset.has(0x00030010), false);
  assert.equal(dataset.has(0x00080000), false, 'group lengths go');
  assert.ok(isEmptyValue(dataset, Tag.EvaluatorName));
  assert.equal(dataset.getString(Tag.Modality), 'MR');
  assert.equal(dataset.getString(Tag.CodingSchemeName), 'SNOMED');
});

test('the report names paths, keywords and actions, never a value, and its counts add up', () => {
  const secrets = ['DOE^JOHN', 'MRN-555', '19800301', 'General Hospital', '1.2.3.4.5.6.7', 'Left knee pain'];
  const dataset = new Dataset();
  dataset.setString(Tag.PatientName, secrets[0]!);
  dataset.setString(Tag.PatientID, secrets[1]!);
  dataset.setString(Tag.PatientBirthDate, secrets[2]!);
  dataset.setString(Tag.InstitutionName, secrets[3]!);
  dataset.setString(Tag.StudyInstanceUID, secrets[4]!);
  dataset.setString(Tag.StudyDescription, secrets[5]!);
  dataset.setString(Tag.AcquisitionDate, 'garbage');
  const report = run(dataset, { options: ['cleanDescriptors', 'retainLongitudinalModifiedDates'] });
  const text = JSON.stringify(report);
  for (const secret of secrets) assert.equal(text.includes(secret), false, 'a value leaked into the report');
  for (const produced of [dataset.getString(Tag.PatientID)!, dataset.getString(Tag.StudyInstanceUID)!]) {
    assert.equal(text.includes(produced), false, 'a new value leaked into the report');
  }
  const tally = Object.fromEntries(DEID_ACTIONS.map((a) => [a, report.entries.filter((e) => e.action === a).length]));
  assert.deepEqual(report.counts, tally);
  assert.deepEqual(report.entries.find((e) => e.path === '(0010,0010)'), { path: '(0010,0010)', keyword: 'PatientName', action: 'replaced' });
});

test('file meta elements inside the dataset follow the remapped SOP Instance UID and lose the AE titles', () => {
  const dataset = new Dataset();
  dataset.setString(Tag.MediaStorageSOPInstanceUID, '1.2.3.4.100');
  dataset.setString(Tag.SourceApplicationEntityTitle, 'WARD7_PACS');
  dataset.setString(Tag.TransferSyntaxUID, '1.2.840.10008.1.2.1');
  dataset.setString(Tag.SOPInstanceUID, '1.2.3.4.100');
  run(dataset);
  assert.equal(dataset.getString(Tag.MediaStorageSOPInstanceUID), fake.uid('1.2.3.4.100'));
  assert.equal(dataset.getString(Tag.SOPInstanceUID), fake.uid('1.2.3.4.100'));
  assert.equal(dataset.has(Tag.SourceApplicationEntityTitle), false);
  assert.equal(dataset.getString(Tag.TransferSyntaxUID), '1.2.840.10008.1.2.1');
});

test('text written for a VR of limited length fits it', () => {
  const dataset = new Dataset();
  dataset.setString(Tag.StationAETitle, 'AE');
  dataset.setString(Tag.StationName, 'ROOM 12 WEST');
  run(dataset, { options: ['retainDeviceIdentity'] });
  for (const tag of [Tag.StationAETitle, Tag.StationName]) {
    const element = dataset.get(tag)!;
    assert.ok(isStringVR(element.vr) && element.value!.length <= 16, formatTag(tag));
  }
});

