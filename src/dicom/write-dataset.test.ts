import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Dataset, EXPLICIT_BIG, EXPLICIT_LITTLE, IMPLICIT_LITTLE } from './dataset.js';
import { readDataset } from './read-dataset.js';
import { Tag } from './tag.js';
import { encodeNumbers } from './values.js';
import { writeDataset } from './write-dataset.js';
import {
  EBE, ELE, ILE, UNDEFINED, concat, delimiter, element, encapsulated, header, item, sequence, text, u16, u32, uid,
} from '../../test/support/dicom-bytes.js';

const joined = (chunks: Uint8Array[]) => new Uint8Array(Buffer.concat(chunks));

/** Whether some chunk is a view of `input`'s buffer covering `part` (a view of `input`). */
function copiedAsView(chunks: Uint8Array[], part: Uint8Array): boolean {
  return chunks.some((c) => c.buffer === part.buffer && c.byteOffset <= part.byteOffset && c.byteOffset + c.length >= part.byteOffset + part.length);
}

const nestedInput = () => concat(
  sequence(ELE, Tag.ReferencedSeriesSequence, [
    item(ELE, concat(
      sequence(ELE, Tag.ReferencedSOPSequence, [
        item(ELE, element(ELE, Tag.ReferencedSOPInstanceUID, 'UI', uid('1.1.1'))),
        item(ELE, element(ELE, Tag.ReferencedSOPInstanceUID, 'UI', uid('2.2.2')), true),
      ], true),
      element(ELE, Tag.SeriesInstanceUID, 'UI', uid('9.9')),
    ), true),
    item(ELE, element(ELE, Tag.SeriesInstanceUID, 'UI', uid('8.8'))),
  ]),
  element(ELE, Tag.PatientName, 'PN', text('Doe^John')),
  element(ELE, Tag.PixelData, 'OW', new Uint8Array(64).fill(7)),
);

describe('writeDataset()', () => {
  it('writes an unchanged data set as one view of the input: byte-identical, no copy', () => {
    const input = nestedInput();
    const { dataset } = readDataset(input, EXPLICIT_LITTLE);
    const chunks = writeDataset(dataset, EXPLICIT_LITTLE);
    assert.equal(chunks.length, 1);
    assert.equal(chunks[0]!.buffer, input.buffer);
    assert.deepEqual(joined(chunks), input);
  });

  it('a change deep in a sequence re-encodes only that path; sibling items and elements keep their source bytes', () => {
    const input = nestedInput();
    const { dataset } = readDataset(input, EXPLICIT_LITTLE);
    const series = dataset.get(Tag.ReferencedSeriesSequence)!;
    const sopItems = series.items![0]!.get(Tag.ReferencedSOPSequence)!.items!;
    sopItems[1]!.setString(Tag.ReferencedSOPInstanceUID, '3.3.3.3');
    const chunks = writeDataset(dataset, EXPLICIT_LITTLE);

    for (const untouched of [dataset.get(Tag.PatientName)!.source!, sopItems[0]!.source!, series.items![1]!.source!, series.items![0]!.get(Tag.SeriesInstanceUID)!.source!, dataset.get(Tag.PixelData)!.source!]) {
      assert.ok(copiedAsView(chunks, untouched), 'unchanged parts are views of the input');
    }
    assert.ok(!copiedAsView(chunks, sopItems[1]!.source!), 'the changed item is re-encoded');

    const reread = readDataset(joined(chunks), EXPLICIT_LITTLE);
    assert.deepEqual(reread.warnings, []);
    const rereadSeries = reread.dataset.get(Tag.ReferencedSeriesSequence)!;
    const rereadSop = rereadSeries.items![0]!.get(Tag.ReferencedSOPSequence)!;
    assert.equal(rereadSop.undefinedLength, true, 'undefined length kept');
    assert.equal(rereadSop.items![1]!.undefinedLength, true);
    assert.equal(rereadSeries.undefinedLength, false, 'defined length kept, recomputed');
    assert.equal(rereadSop.items![1]!.getString(Tag.ReferencedSOPInstanceUID), '3.3.3.3');
    assert.equal(rereadSop.items![0]!.getString(Tag.ReferencedSOPInstanceUID), '1.1.1');
    assert.equal(rereadSeries.items![1]!.getString(Tag.SeriesInstanceUID), '8.8');
  });

  it('never writes stale source bytes: an element rebuilt with a new value, or an items array edited in place, is re-encoded', () => {
    const input = nestedInput();
    const { dataset } = readDataset(input, EXPLICIT_LITTLE);
    const name = dataset.get(Tag.PatientName)!;
    // addRead does not mark the dataset modified: only the source checks stand between the old bytes and the output.
    dataset.addRead({ ...name, value: text('Other^Name') });
    dataset.get(Tag.ReferencedSeriesSequence)!.items!.pop();
    const reread = readDataset(joined(writeDataset(dataset, EXPLICIT_LITTLE)), EXPLICIT_LITTLE).dataset;
    assert.equal(reread.getString(Tag.PatientName), 'Other^Name');
    assert.equal(reread.get(Tag.ReferencedSeriesSequence)!.items!.length, 1);
  });

  it('pads odd values on write: text with a space, UI and binary with NUL', () => {
    const dataset = new Dataset(EXPLICIT_LITTLE);
    dataset.set({ tag: Tag.PatientID, vr: 'LO', value: Buffer.from('ABC') });
    dataset.set({ tag: Tag.SOPInstanceUID, vr: 'UI', value: Buffer.from('1.2.3') });
    dataset.set({ tag: 0x00091001, vr: 'OB', value: new Uint8Array([1, 2, 3]) });
    const bytes = joined(writeDataset(dataset, EXPLICIT_LITTLE));
    assert.deepEqual(bytes, concat(
      element(ELE, Tag.SOPInstanceUID, 'UI', Buffer.from('1.2.3\0')),
      element(ELE, 0x00091001, 'OB', new Uint8Array([1, 2, 3, 0])),
      element(ELE, Tag.PatientID, 'LO', Buffer.from('ABC ')),
    ));
  });

  it('re-encodes an element read with odd length, padded, and the item holding it', () => {
    const input = sequence(ELE, Tag.ReferencedSeriesSequence, [item(ELE, element(ELE, Tag.SeriesInstanceUID, 'UI', Buffer.from('1.2.3')))]);
    const { dataset } = readDataset(input, EXPLICIT_LITTLE);
    const out = joined(writeDataset(dataset, EXPLICIT_LITTLE));
    assert.deepEqual(out, sequence(ELE, Tag.ReferencedSeriesSequence, [item(ELE, element(ELE, Tag.SeriesInstanceUID, 'UI', Buffer.from('1.2.3\0')))]));
  });

  it('converts explicit VR little endian to implicit VR and back', () => {
    const input = nestedInput();
    const { dataset } = readDataset(input, EXPLICIT_LITTLE);
    const implicit = joined(writeDataset(dataset, IMPLICIT_LITTLE));
    const expectedImplicit = concat(
      sequence(ILE, Tag.ReferencedSeriesSequence, [
        item(ILE, concat(
          sequence(ILE, Tag.ReferencedSOPSequence, [
            item(ILE, element(ILE, Tag.ReferencedSOPInstanceUID, '', uid('1.1.1'))),
            item(ILE, element(ILE, Tag.ReferencedSOPInstanceUID, '', uid('2.2.2')), true),
          ], true),
          element(ILE, Tag.SeriesInstanceUID, '', uid('9.9')),
        ), true),
        item(ILE, element(ILE, Tag.SeriesInstanceUID, '', uid('8.8'))),
      ]),
      element(ILE, Tag.PatientName, '', text('Doe^John')),
      element(ILE, Tag.PixelData, '', new Uint8Array(64).fill(7)),
    );
    assert.deepEqual(implicit, expectedImplicit);
    const back = readDataset(implicit, IMPLICIT_LITTLE).dataset;
    assert.deepEqual(joined(writeDataset(back, EXPLICIT_LITTLE)), input);
  });

  it('writes big endian with numeric values swapped by their width (AT by 16-bit halves), text and OB untouched', () => {
    const dataset = new Dataset(EXPLICIT_LITTLE);
    dataset.set({ tag: Tag.Rows, vr: 'US', value: encodeNumbers([0x0102], 'US') });
    dataset.set({ tag: Tag.RescaleSlope, vr: 'DS', value: text('1.5') });
    dataset.set({ tag: Tag.FrameIncrementPointer, vr: 'AT', value: encodeNumbers([0x00181063], 'AT') });
    dataset.set({ tag: Tag.SliceThickness, vr: 'DS', value: text('2') });
    dataset.set({ tag: 0x00091001, vr: 'OB', value: new Uint8Array([1, 2, 3, 4]) });
    dataset.set({ tag: 0x00091002, vr: 'FD', value: encodeNumbers([1.25], 'FD') });
    dataset.set({ tag: 0x00091003, vr: 'UL', value: encodeNumbers([0x01020304], 'UL') });
    dataset.set({ tag: Tag.PixelData, vr: 'OW', value: encodeNumbers([0x0a0b, 0x0c0d], 'OW') });
    const big = joined(writeDataset(dataset, EXPLICIT_BIG));
    assert.deepEqual(big, concat(
      element(EBE, 0x00091001, 'OB', new Uint8Array([1, 2, 3, 4])),
      element(EBE, 0x00091002, 'FD', Buffer.from([0x3f, 0xf4, 0, 0, 0, 0, 0, 0])),
      element(EBE, 0x00091003, 'UL', u32([0x01020304], false)),
      element(EBE, Tag.SliceThickness, 'DS', text('2')),
      element(EBE, Tag.FrameIncrementPointer, 'AT', new Uint8Array([0x00, 0x18, 0x10, 0x63])),
      element(EBE, Tag.Rows, 'US', u16([0x0102], false)),
      element(EBE, Tag.RescaleSlope, 'DS', text('1.5')),
      element(EBE, Tag.PixelData, 'OW', u16([0x0a0b, 0x0c0d], false)),
    ));
    const reread = readDataset(big, EXPLICIT_BIG).dataset;
    assert.equal(reread.getNumber(Tag.Rows), 0x0102);
    assert.equal(reread.getNumber(Tag.FrameIncrementPointer), 0x00181063);
    assert.equal(reread.getNumber(0x00091002), 1.25);
    assert.deepEqual(joined(writeDataset(reread, EXPLICIT_LITTLE)), joined(writeDataset(dataset, EXPLICIT_LITTLE)));
  });

  // Regression: 32-bit samples in OW were swapped by 16-bit words, so a big endian file written
  // little endian came out with each sample's halves exchanged (pydicom's rtdose_expb.dcm).
  const pixelCases = [
    { name: '32-bit samples in OW swap whole', vr: 'OW', bitsAllocated: 32, big: [0x00, 0x13, 0x0e, 0xe8, 0x04, 0x03, 0x02, 0x01] },
    { name: '16-bit samples in OW swap by sample', vr: 'OW', bitsAllocated: 16, big: [0x0e, 0xe8, 0x00, 0x13, 0x02, 0x01, 0x04, 0x03] },
    { name: '8-bit samples in OW swap by 16-bit word (PS3.5 8.2)', vr: 'OW', bitsAllocated: 8, big: [0x0e, 0xe8, 0x00, 0x13, 0x02, 0x01, 0x04, 0x03] },
    { name: '8-bit samples in OB never swap', vr: 'OB', bitsAllocated: 8, big: [0xe8, 0x0e, 0x13, 0x00, 0x01, 0x02, 0x03, 0x04] },
  ] as const;
  for (const { name, vr, bitsAllocated, big } of pixelCases) {
    it(`changes the byte order of native Pixel Data by Bits Allocated: ${name}, and back`, () => {
      const little = new Uint8Array([0xe8, 0x0e, 0x13, 0x00, 0x01, 0x02, 0x03, 0x04]);
      const dataset = new Dataset(EXPLICIT_LITTLE);
      dataset.set({ tag: Tag.BitsAllocated, vr: 'US', value: encodeNumbers([bitsAllocated], 'US') });
      dataset.set({ tag: Tag.PixelData, vr, value: little });
      const written = joined(writeDataset(dataset, EXPLICIT_BIG));
      assert.deepEqual(written, concat(
        element(EBE, Tag.BitsAllocated, 'US', u16([bitsAllocated], false)),
        element(EBE, Tag.PixelData, vr, new Uint8Array(big)),
      ));
      const reread = readDataset(written, EXPLICIT_BIG).dataset;
      assert.deepEqual(reread.get(Tag.PixelData)!.value, new Uint8Array(big));
      assert.deepEqual(joined(writeDataset(reread, EXPLICIT_LITTLE)), joined(writeDataset(dataset, EXPLICIT_LITTLE)));
    });
  }

  it('writes a value too long for a 16-bit length field as UN with a 32-bit length', () => {
    const dataset = new Dataset(EXPLICIT_LITTLE);
    const long = Buffer.alloc(70_000, 0x41);
    dataset.set({ tag: Tag.PatientID, vr: 'LO', value: long });
    assert.deepEqual(joined(writeDataset(dataset, EXPLICIT_LITTLE)), concat(header(ELE, Tag.PatientID, 'UN', 70_000), long));
    assert.deepEqual(joined(writeDataset(dataset, IMPLICIT_LITTLE)), concat(header(ILE, Tag.PatientID, '', 70_000), long));
  });

  it('recomputes group lengths when the group changes, and keeps their bytes when it does not', () => {
    const input = concat(
      element(ELE, 0x00080000, 'UL', u32([16])),
      element(ELE, Tag.StudyDate, 'DA', text('20240101')),
      element(ELE, 0x00100000, 'UL', u32([16])),
      element(ELE, Tag.PatientName, 'PN', text('Doe^John')),
    );
    const { dataset } = readDataset(input, EXPLICIT_LITTLE);
    assert.deepEqual(joined(writeDataset(dataset, EXPLICIT_LITTLE)), input);
    dataset.setString(Tag.PatientName, 'Longer^Name^Here');
    const reread = readDataset(joined(writeDataset(dataset, EXPLICIT_LITTLE)), EXPLICIT_LITTLE).dataset;
    assert.equal(reread.getNumber(0x00080000), 16);
    assert.equal(reread.getNumber(0x00100000), 8 + 16);
  });

  it('re-encodes encapsulated Pixel Data as OB with padded fragments; refuses implicit VR for it', () => {
    const { dataset } = readDataset(encapsulated(new Uint8Array(0), [new Uint8Array([1, 2])]), EXPLICIT_LITTLE);
    const pixels = dataset.get(Tag.PixelData)!;
    dataset.set({ tag: Tag.PixelData, vr: 'OB', fragments: { offsetTable: u32([0]), fragments: [...pixels.fragments!.fragments, new Uint8Array([3, 4, 5])] }, undefinedLength: true });
    assert.deepEqual(joined(writeDataset(dataset, EXPLICIT_LITTLE)), encapsulated(u32([0]), [new Uint8Array([1, 2]), new Uint8Array([3, 4, 5, 0])]));
    assert.throws(() => writeDataset(dataset, IMPLICIT_LITTLE), { code: 'dicom-write', message: /explicit VR little endian \(PS3\.5 A\.4\)/ });
  });

  it('re-encodes a UN sequence with implicit VR little endian items, also in a big endian data set', () => {
    const content = item(ILE, element(ILE, 0x44531002, '', text('inner')), true);
    const input = concat(header(ELE, 0x44531001, 'UN', UNDEFINED), content, delimiter(ILE, 0xfffee0dd));
    const { dataset } = readDataset(input, EXPLICIT_LITTLE);
    const big = joined(writeDataset(dataset, EXPLICIT_BIG));
    assert.deepEqual(big, concat(header(EBE, 0x44531001, 'UN', UNDEFINED), content, delimiter(ILE, 0xfffee0dd)));
    const un = dataset.get(0x44531001)!;
    un.items![0]!.setString(0x44531002, 'changed', 'LO');
    const reread = readDataset(joined(writeDataset(dataset, EXPLICIT_LITTLE)), EXPLICIT_LITTLE).dataset;
    assert.equal(reread.get(0x44531001)!.items![0]!.getString(0x44531002), 'changed');
  });
});
