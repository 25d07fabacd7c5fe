import assert from 'node:assert/strict';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { readDicomFile } from './read-dicom-file.js';
import { Tag } from './tag.js';
import { encodeDicomFile, writeDicomFile } from './write-dicom-file.js';
import { MEDVEIL_IMPLEMENTATION_CLASS_UID, MEDVEIL_IMPLEMENTATION_VERSION_NAME } from './write-file-meta.js';
import { dcmdump } from '../../test/support/dcmtk.js';
import {
  ELE, ILE, concat, element, encapsulated, part10, sequence, item, text, u16, u32, uid,
} from '../../test/support/dicom-bytes.js';

const EXPLICIT = '1.2.840.10008.1.2.1';

const image = (pixels: Uint8Array = new Uint8Array(32).map((_, i) => i)) => concat(
  element(ELE, Tag.SOPClassUID, 'UI', uid('1.2.840.10008.5.1.4.1.1.7')),
  element(ELE, Tag.SOPInstanceUID, 'UI', uid('1.2.3.4')),
  element(ELE, Tag.StudyDate, 'DA', text('20240102')),
  sequence(ELE, Tag.ReferencedSeriesSequence, [item(ELE, element(ELE, Tag.SeriesInstanceUID, 'UI', uid('5.6.7')), true)], true),
  element(ELE, Tag.PatientName, 'PN', text('Doe^John')),
  element(ELE, Tag.PatientID, 'LO', text('PID-1')),
  element(ELE, Tag.Rows, 'US', u16([4])),
  element(ELE, Tag.Columns, 'US', u16([4])),
  element(ELE, Tag.BitsAllocated, 'US', u16([16])),
  element(ELE, Tag.PixelData, 'OW', pixels),
);

/** dcmdump's data set lines, without the line naming the transfer syntax. */
function datasetDump(bytes: Uint8Array): string[] {
  const result = dcmdump(bytes);
  assert.equal(result.status, 0, result.output);
  assert.deepEqual(result.errors, []);
  const lines = result.output.split('\n');
  return lines.slice(lines.indexOf('# Dicom-Data-Set') + 1).filter((line) => !line.startsWith('# Used TransferSyntax'));
}

describe('writeDicomFile()', () => {
  it('writes an unchanged file byte-identically, keeping the input implementation identity', () => {
    const input = part10(EXPLICIT, image());
    const file = readDicomFile(input);
    const chunks = writeDicomFile(file);
    assert.deepEqual(new Uint8Array(Buffer.concat(chunks)), input);
    const copies = chunks.filter((c) => c.buffer !== input.buffer).map((c) => Buffer.from(c).toString('latin1'));
    assert.deepEqual(copies, ['DICM'], 'all but the magic word are views of the input');
  });

  it('rebuilds group 0002: Media Storage SOP Instance UID follows SOP Instance UID, our implementation, group length recomputed', () => {
    const file = readDicomFile(part10(EXPLICIT, image()));
    file.dataset.setString(Tag.SOPInstanceUID, '2.25.123456789');
    const written = encodeDicomFile(file);
    const reread = readDicomFile(written);
    assert.deepEqual(reread.warnings, []);
    assert.equal(reread.meta.getString(Tag.MediaStorageSOPInstanceUID), '2.25.123456789');
    assert.equal(reread.meta.getString(Tag.MediaStorageSOPClassUID), '1.2.840.10008.5.1.4.1.1.7');
    assert.equal(reread.meta.getString(Tag.TransferSyntaxUID), EXPLICIT);
    assert.equal(reread.meta.getString(Tag.ImplementationClassUID), MEDVEIL_IMPLEMENTATION_CLASS_UID);
    assert.equal(reread.meta.getString(Tag.ImplementationVersionName), MEDVEIL_IMPLEMENTATION_VERSION_NAME);
    assert.deepEqual([...reread.meta.get(Tag.FileMetaInformationVersion)!.value!], [0, 1]);
    const dump = dcmdump(written).output;
    assert.match(dump, /\(0002,0003\) UI \[2\.25\.123456789\]/);
    assert.match(dump, /\(0008,0018\) UI \[2\.25\.123456789\]/);
  });

  it('builds a meta for a bare data set read without one', () => {
    const file = readDicomFile(image());
    const reread = readDicomFile(encodeDicomFile(file));
    assert.deepEqual(reread.warnings, []);
    assert.equal(reread.transferSyntaxUid, EXPLICIT);
    assert.equal(reread.meta.getString(Tag.MediaStorageSOPInstanceUID), '1.2.3.4');
  });

  it('re-encodes a File Meta Information read in implicit VR as explicit VR little endian', () => {
    const meta = concat(
      element(ILE, Tag.MediaStorageSOPClassUID, '', uid('1.2.840.10008.5.1.4.1.1.7')),
      element(ILE, Tag.MediaStorageSOPInstanceUID, '', uid('1.2.3.4')),
      element(ILE, Tag.TransferSyntaxUID, '', uid(EXPLICIT)),
    );
    const input = concat(Buffer.alloc(128), Buffer.from('DICM'), element(ILE, Tag.FileMetaInformationGroupLength, '', u32([meta.length])), meta, image());
    const file = readDicomFile(input);
    assert.match(file.warnings[0]!.message, /File Meta Information is in implicit VR/);
    const reread = readDicomFile(encodeDicomFile(file));
    assert.deepEqual(reread.warnings, []);
    assert.equal(reread.meta.get(Tag.TransferSyntaxUID)!.vr, 'UI');
    assert.equal(reread.dataset.getString(Tag.PatientName), 'Doe^John');
  });

  it('keeps the preamble by default and zeroes it on request', () => {
    const input = Buffer.from(part10(EXPLICIT, image()));
    input.fill(0x49, 0, 128);
    const file = readDicomFile(input);
    assert.equal(Buffer.concat(writeDicomFile(file)).subarray(0, 128).every((b) => b === 0x49), true);
    assert.equal(Buffer.concat(writeDicomFile(file, { preamble: 'zero' })).subarray(0, 128).every((b) => b === 0), true);
  });

  it('leaves pixel data in the input buffer: an 8 MB image with a changed name is written without copying its pixels', () => {
    const pixels = new Uint8Array(2048 * 2048 * 2).fill(0x5a);
    const input = part10(EXPLICIT, image(pixels));
    const file = readDicomFile(input);
    const pixelValue = file.dataset.get(Tag.PixelData)!.value!;
    assert.equal(pixelValue.buffer, input.buffer);
    file.dataset.setString(Tag.PatientName, 'Anonymous');
    const chunks = writeDicomFile(file);
    const pixelChunk = chunks.find((c) => c.byteOffset <= pixelValue.byteOffset && c.byteOffset + c.length >= pixelValue.byteOffset + pixelValue.length && c.buffer === input.buffer);
    assert.ok(pixelChunk, 'the pixel bytes leave as a view of the input ArrayBuffer');
    const copied = chunks.filter((c) => c.buffer !== input.buffer).reduce((sum, c) => sum + c.length, 0);
    assert.ok(copied < 1024, `${copied} bytes were newly encoded`);
    assert.equal(readDicomFile(Buffer.concat(chunks)).dataset.getString(Tag.PatientName), 'Anonymous');
  });

  it('writes every native transfer syntax so that dcmtk sees the same data set, and reads back to the same explicit VR little endian bytes', () => {
    const input = part10(EXPLICIT, image());
    const file = readDicomFile(input);
    const reference = datasetDump(input);
    for (const ts of ['1.2.840.10008.1.2', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99']) {
      const written = encodeDicomFile(file, { transferSyntaxUid: ts });
      assert.deepEqual(datasetDump(written), reference, ts);
      const reread = readDicomFile(written);
      assert.deepEqual(reread.warnings, [], ts);
      assert.equal(reread.transferSyntaxUid, ts);
      const back = encodeDicomFile(reread, { transferSyntaxUid: EXPLICIT });
      assert.deepEqual(back.subarray(back.length - 200), Buffer.from(input.subarray(input.length - 200)), ts);
      assert.equal(readDicomFile(back).dataset.getString(Tag.PatientName), 'Doe^John');
    }
  });

  it('deflates with raw deflate, and rewrites an unchanged deflated file with its original compressed bytes', () => {
    const file = readDicomFile(part10(EXPLICIT, image()));
    const written = encodeDicomFile(file, { transferSyntaxUid: '1.2.840.10008.1.2.1.99' });
    const metaEnd = 132 + 12 + written.readUInt32LE(140);
    assert.deepEqual(new Uint8Array(inflateRawSync(written.subarray(metaEnd))), image());

    const fast = part10('1.2.840.10008.1.2.1.99', deflateRawSync(image(), { level: 1 }));
    assert.deepEqual(encodeDicomFile(readDicomFile(fast)), Buffer.from(fast));
    const changed = readDicomFile(fast);
    changed.dataset.setString(Tag.PatientID, 'PID-2');
    assert.equal(readDicomFile(encodeDicomFile(changed)).dataset.getString(Tag.PatientID), 'PID-2');
  });

  it('refuses to relabel pixel data: native into an encapsulated syntax, encapsulated into a native one or another codec', () => {
    const native = readDicomFile(part10(EXPLICIT, image()));
    assert.throws(() => writeDicomFile(native, { transferSyntaxUid: '1.2.840.10008.1.2.4.50' }), { code: 'dicom-write', message: /needs encapsulated/ });
    const jpegDataset = concat(image().subarray(0, image().length - 44), encapsulated(new Uint8Array(0), [new Uint8Array([0xff, 0xd8, 0xff, 0xd9])]));
    const jpeg = readDicomFile(part10('1.2.840.10008.1.2.4.50', jpegDataset));
    assert.deepEqual(jpeg.warnings, []);
    assert.throws(() => writeDicomFile(jpeg, { transferSyntaxUid: EXPLICIT }), { code: 'dicom-write', message: /needs native/ });
    assert.throws(() => writeDicomFile(jpeg, { transferSyntaxUid: '1.2.840.10008.1.2.4.90' }), { code: 'dicom-write', message: /relabelling/ });
    assert.equal(dcmdump(writeDicomFile(jpeg)).status, 0);
  });

  it('refuses an unknown target transfer syntax', () => {
    const file = readDicomFile(part10(EXPLICIT, image()));
    assert.throws(() => writeDicomFile(file, { transferSyntaxUid: '1.2.3' }), { code: 'dicom-write', message: /unknown transfer syntax 1\.2\.3/ });
  });
});
