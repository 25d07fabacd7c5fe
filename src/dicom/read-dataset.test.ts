import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPLICIT_BIG, EXPLICIT_LITTLE, IMPLICIT_LITTLE } from './dataset.js';
import { readDataset } from './read-dataset.js';
import { Tag } from './tag.js';
import {
  EBE, ELE, ILE, UNDEFINED, concat, delimiter, element, encapsulated, header, item, sequence, text, u16, u32, uid,
} from '../../test/support/dicom-bytes.js';

/** Start offset of `view` inside `whole` (both views of one buffer). */
function offsetIn(whole: Uint8Array, view: Uint8Array | undefined): number {
  assert.ok(view, 'view missing');
  assert.equal(view.buffer, whole.buffer, 'a view of the input, not a copy');
  return view.byteOffset - whole.byteOffset;
}

describe('readDataset()', () => {
  it('reads explicit VR little endian values as views of the input, with source = header + value', () => {
    const name = element(ELE, Tag.PatientName, 'PN', text('Doe^Jane'));
    const rows = element(ELE, Tag.Rows, 'US', u16([512]));
    const bytes = concat(name, rows);
    const { dataset, warnings } = readDataset(bytes, EXPLICIT_LITTLE);
    assert.deepEqual(warnings, []);
    assert.equal(dataset.getString(Tag.PatientName), 'Doe^Jane');
    assert.equal(dataset.getNumber(Tag.Rows), 512);
    const patientName = dataset.get(Tag.PatientName)!;
    assert.equal(offsetIn(bytes, patientName.value), 8);
    assert.equal(offsetIn(bytes, patientName.source), 0);
    assert.equal(patientName.source!.length, name.length);
    assert.equal(offsetIn(bytes, dataset.get(Tag.Rows)!.source), name.length);
  });

  it('reads implicit VR with VRs from the dictionary: private creators LO, other private elements UN', () => {
    const bytes = concat(
      element(ILE, Tag.PatientID, '', text('ID1')),
      element(ILE, 0x00290010, '', text('ACME 1.0')),
      element(ILE, 0x00291001, '', new Uint8Array([1, 2, 3, 4])),
    );
    const { dataset } = readDataset(bytes, IMPLICIT_LITTLE);
    assert.equal(dataset.get(Tag.PatientID)!.vr, 'LO');
    assert.equal(dataset.get(0x00290010)!.vr, 'LO');
    assert.equal(dataset.get(0x00291001)!.vr, 'UN');
    assert.equal(dataset.getString(0x00290010), 'ACME 1.0');
  });

  it('keeps explicit VR big endian values in big endian byte order; the encoding decodes them', () => {
    const bytes = concat(element(EBE, Tag.Rows, 'US', u16([512], false)), element(EBE, Tag.PatientName, 'PN', text('A^B')));
    const { dataset } = readDataset(bytes, EXPLICIT_BIG);
    assert.deepEqual([...dataset.get(Tag.Rows)!.value!], [0x02, 0x00]);
    assert.equal(dataset.getNumber(Tag.Rows), 512);
    assert.equal(dataset.getString(Tag.PatientName), 'A^B');
  });

  it('reads sequences and items of undefined length nested three deep, with exact sources and parents', () => {
    const innermost = item(ELE, element(ELE, Tag.ReferencedSOPInstanceUID, 'UI', uid('1.2.3')), true);
    const middle = item(ELE, sequence(ELE, Tag.ReferencedSOPSequence, [innermost], true), true);
    const outer = sequence(ELE, Tag.ReferencedSeriesSequence, [middle], true);
    const bytes = concat(element(ELE, Tag.StudyDate, 'DA', text('20240101')), outer);
    const { dataset, warnings } = readDataset(bytes, EXPLICIT_LITTLE);
    assert.deepEqual(warnings, []);
    const series = dataset.get(Tag.ReferencedSeriesSequence)!;
    assert.equal(series.undefinedLength, true);
    assert.equal(offsetIn(bytes, series.source), bytes.length - outer.length);
    assert.equal(series.source!.length, outer.length);
    const firstItem = series.items![0]!;
    assert.equal(firstItem.undefinedLength, true);
    assert.equal(firstItem.parent, dataset);
    assert.equal(firstItem.source!.length, middle.length);
    const sop = firstItem.get(Tag.ReferencedSOPSequence)!.items![0]!;
    assert.equal(sop.parent, firstItem);
    assert.equal(sop.source!.length, innermost.length);
    assert.equal(sop.getString(Tag.ReferencedSOPInstanceUID), '1.2.3');
  });

  it('reads sequences and items of defined length, including empty ones', () => {
    const bytes = concat(
      sequence(ELE, Tag.ReferencedSeriesSequence, [item(ELE, element(ELE, Tag.SeriesInstanceUID, 'UI', uid('1.2'))), item(ELE, new Uint8Array(0))]),
      sequence(ELE, Tag.ReferencedSOPSequence, []),
    );
    const { dataset } = readDataset(bytes, EXPLICIT_LITTLE);
    const items = dataset.get(Tag.ReferencedSeriesSequence)!.items!;
    assert.equal(items.length, 2);
    assert.equal(items[0]!.getString(Tag.SeriesInstanceUID), '1.2');
    assert.equal(items[1]!.size, 0);
    assert.equal(items[0]!.undefinedLength, false);
    assert.deepEqual(dataset.get(Tag.ReferencedSOPSequence)!.items, []);
  });

  it('reads sequences of implicit VR (their VR from the dictionary) and of explicit VR big endian', () => {
    const implicit = readDataset(sequence(ILE, Tag.ReferencedSOPSequence, [item(ILE, element(ILE, Tag.ReferencedSOPInstanceUID, '', uid('9.8')), true)], true), IMPLICIT_LITTLE);
    assert.equal(implicit.dataset.get(Tag.ReferencedSOPSequence)!.items![0]!.getString(Tag.ReferencedSOPInstanceUID), '9.8');
    const big = readDataset(sequence(EBE, Tag.ReferencedSOPSequence, [item(EBE, element(EBE, Tag.Rows, 'US', u16([7], false)))]), EXPLICIT_BIG);
    assert.equal(big.dataset.get(Tag.ReferencedSOPSequence)!.items![0]!.getNumber(Tag.Rows), 7);
  });

  it('reads encapsulated Pixel Data: Basic Offset Table and fragments as views', () => {
    const table = u32([0, 6]);
    const bytes = encapsulated(table, [new Uint8Array([1, 2, 3, 4, 5, 6]), new Uint8Array([7, 8]), new Uint8Array([9, 10, 11, 12])]);
    const { dataset, warnings } = readDataset(bytes, EXPLICIT_LITTLE);
    assert.deepEqual(warnings, []);
    const pixels = dataset.get(Tag.PixelData)!;
    assert.equal(pixels.value, undefined);
    assert.equal(pixels.undefinedLength, true);
    assert.deepEqual([...pixels.fragments!.offsetTable], [...table]);
    assert.deepEqual(pixels.fragments!.fragments.map((f) => [...f]), [[1, 2, 3, 4, 5, 6], [7, 8], [9, 10, 11, 12]]);
    assert.equal(offsetIn(bytes, pixels.fragments!.fragments[0]), 12 + 8 + 8 + 8);
    assert.equal(pixels.source!.length, bytes.length);
  });

  it('does not mistake a sequence delimiter inside a fragment for the end of the Pixel Data', () => {
    const fragment = concat(new Uint8Array([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]), new Uint8Array([1, 2]));
    const { dataset } = readDataset(encapsulated(new Uint8Array(0), [fragment]), EXPLICIT_LITTLE);
    assert.deepEqual([...dataset.get(Tag.PixelData)!.fragments!.fragments[0]!], [...fragment]);
  });

  it('reads UN of undefined length as a sequence in implicit VR little endian (PS3.5 6.2.2)', () => {
    const content = item(ILE, element(ILE, Tag.ReferencedSOPInstanceUID, '', uid('1.2.840.1')), true);
    const bytes = concat(header(ELE, 0x44531001, 'UN', UNDEFINED), content, delimiter(ILE, 0xfffee0dd), element(ELE, 0x44550010, 'LO', text('NEXT')));
    const { dataset, warnings } = readDataset(bytes, EXPLICIT_LITTLE);
    assert.deepEqual(warnings, []);
    const un = dataset.get(0x44531001)!;
    assert.equal(un.vr, 'UN');
    assert.equal(un.items!.length, 1);
    assert.equal(un.items![0]!.encoding, IMPLICIT_LITTLE);
    assert.equal(un.items![0]!.getString(Tag.ReferencedSOPInstanceUID), '1.2.840.1');
    assert.equal(dataset.getString(0x44550010), 'NEXT');
  });

  it('reads a defined-length UN whose tag PS3.6 knows as SQ as its implicit VR items (pydicom rtdose_rle.dcm)', () => {
    const content = item(ILE, element(ILE, Tag.ReferencedSOPInstanceUID, '', uid('1.2.840.7')));
    const bytes = concat(header(ELE, Tag.ReferencedRTPlanSequence, 'UN', content.length), content, element(ELE, 0x300e0002, 'CS', text('APPROVED')));
    const { dataset, warnings } = readDataset(bytes, EXPLICIT_LITTLE);
    assert.deepEqual(warnings, []);
    const un = dataset.get(Tag.ReferencedRTPlanSequence)!;
    assert.equal(un.vr, 'UN');
    assert.equal(un.items![0]!.getString(Tag.ReferencedSOPInstanceUID), '1.2.840.7');
    assert.deepEqual([...un.source!], [...bytes.subarray(0, 12 + content.length)]);
  });

  it('keeps a defined-length UN as raw bytes when its content is not a sequence after all', () => {
    const junk = concat(item(ILE, new Uint8Array(0)), element(ILE, Tag.SpecificCharacterSet, '', new Uint8Array(0)));
    const bytes = element(ELE, Tag.ReferencedRTPlanSequence, 'UN', junk);
    const { dataset, warnings } = readDataset(bytes, EXPLICIT_LITTLE);
    assert.equal(dataset.get(Tag.ReferencedRTPlanSequence)!.value!.length, junk.length);
    assert.match(warnings[0]!.message, /not an implicit VR sequence/);
  });

  it('reads a private element of undefined length in implicit VR as a sequence', () => {
    const bytes = concat(
      element(ILE, 0x00090010, '', text('ACME')),
      sequence(ILE, 0x00091001, [item(ILE, element(ILE, 0x00091002, '', text('inner')), true)], true),
    );
    const { dataset } = readDataset(bytes, IMPLICIT_LITTLE);
    const privateSequence = dataset.get(0x00091001)!;
    assert.equal(privateSequence.items!.length, 1);
    assert.equal(privateSequence.items![0]!.get(0x00091002)!.value!.length, 6);
  });

  it('warns on an unknown VR and reads it as the dictionary VR, with the 32-bit length form when the reserved bytes are zero', () => {
    const bytes = concat(element(ELE, Tag.PatientName, 'ZZ', text('A^B'), 4, true), element(ELE, Tag.PatientID, 'LO', text('ID')));
    const { dataset, warnings } = readDataset(bytes, EXPLICIT_LITTLE);
    assert.equal(dataset.get(Tag.PatientName)!.vr, 'PN');
    assert.equal(dataset.getString(Tag.PatientName), 'A^B');
    assert.equal(dataset.getString(Tag.PatientID), 'ID');
    assert.match(warnings[0]!.message, /unknown VR "ZZ"; read as PN/);
    assert.equal(warnings[0]!.tag, Tag.PatientName);
  });

  it('reads an element without VR inside explicit VR data as implicit VR, with a warning', () => {
    const bytes = concat(element(ELE, Tag.StudyDate, 'DA', text('20240101')), element(ILE, Tag.PatientID, '', text('ID9')));
    const { dataset, warnings } = readDataset(bytes, EXPLICIT_LITTLE);
    assert.equal(dataset.getString(Tag.PatientID), 'ID9');
    assert.equal(dataset.get(Tag.PatientID)!.vr, 'LO');
    assert.match(warnings[0]!.message, /no VR in explicit VR data/);
  });

  it('keeps the first of duplicate tags and warns; warns on tags out of order and odd lengths', () => {
    const bytes = concat(
      element(ELE, Tag.PatientName, 'PN', text('First')),
      element(ELE, Tag.PatientName, 'PN', text('Second')),
      element(ELE, Tag.PatientID, 'LO', Buffer.from('ABC')),
      element(ELE, Tag.StudyDate, 'DA', text('20240101')),
    );
    const { dataset, warnings } = readDataset(bytes, EXPLICIT_LITTLE);
    assert.equal(dataset.getString(Tag.PatientName), 'First');
    assert.deepEqual(warnings.map((w) => w.message), [
      'duplicate element (0010,0010); the first is kept',
      'element (0010,0020) has odd length 3',
      'element (0008,0020) is out of ascending tag order',
    ]);
    assert.deepEqual(dataset.tags(), [Tag.StudyDate, Tag.PatientName, Tag.PatientID]);
  });

  it('ignores trailing bytes too short for an element, and trailing zero padding, with a warning', () => {
    const valid = element(ELE, Tag.PatientID, 'LO', text('ID'));
    const short = readDataset(concat(valid, new Uint8Array([1, 2, 3])), EXPLICIT_LITTLE);
    assert.equal(short.dataset.size, 1);
    assert.match(short.warnings[0]!.message, /3 trailing bytes/);
    const zeros = readDataset(concat(valid, new Uint8Array(64)), EXPLICIT_LITTLE);
    assert.equal(zeros.dataset.size, 1);
    assert.match(zeros.warnings[0]!.message, /64 trailing bytes start with zeros/);
  });

  it('stops before another group when asked (the File Meta Information)', () => {
    const meta = element(ELE, Tag.TransferSyntaxUID, 'UI', uid('1.2.840.10008.1.2'));
    const bytes = concat(meta, element(ILE, Tag.PatientID, '', text('ID')));
    const { dataset, end } = readDataset(bytes, EXPLICIT_LITTLE, { onlyGroup: 0x0002 });
    assert.equal(dataset.size, 1);
    assert.equal(end, meta.length);
  });
});
