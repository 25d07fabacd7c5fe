import assert from 'node:assert/strict';
import { deflateRawSync, deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { EXPLICIT_BIG, EXPLICIT_LITTLE, IMPLICIT_LITTLE } from './dataset.js';
import { readDicomFile } from './read-dicom-file.js';
import { Tag } from './tag.js';
import {
  EBE, ELE, ILE, concat, element, encapsulated, part10, text, u16, u32, uid,
} from '../../test/support/dicom-bytes.js';

const dataset = (enc: typeof ELE) => concat(
  element(enc, Tag.SOPClassUID, 'UI', uid('1.2.840.10008.5.1.4.1.1.7')),
  element(enc, Tag.SOPInstanceUID, 'UI', uid('1.2.3.4')),
  element(enc, Tag.PatientName, 'PN', text('Doe^John')),
  element(enc, Tag.Rows, 'US', u16([256], enc.little)),
);

describe('readDicomFile()', () => {
  const cases = [
    { uid: '1.2.840.10008.1.2', enc: ILE, expected: IMPLICIT_LITTLE },
    { uid: '1.2.840.10008.1.2.1', enc: ELE, expected: EXPLICIT_LITTLE },
    { uid: '1.2.840.10008.1.2.2', enc: EBE, expected: EXPLICIT_BIG },
  ];
  for (const { uid: ts, enc, expected } of cases) {
    it(`reads a Part 10 file in ${ts}`, () => {
      const file = readDicomFile(part10(ts, dataset(enc)));
      assert.deepEqual(file.warnings, []);
      assert.equal(file.transferSyntaxUid, ts);
      assert.equal(file.dataset.encoding, expected);
      assert.equal(file.preamble?.length, 128);
      assert.equal(file.meta.getString(Tag.TransferSyntaxUID), ts);
      assert.equal(file.dataset.getString(Tag.PatientName), 'Doe^John');
      assert.equal(file.dataset.getNumber(Tag.Rows), 256);
    });
  }

  it('reads deflated explicit VR little endian: the inflated buffer becomes the source', () => {
    const plain = dataset(ELE);
    const input = part10('1.2.840.10008.1.2.1.99', deflateRawSync(plain));
    const file = readDicomFile(input);
    assert.deepEqual(file.warnings, []);
    assert.equal(file.dataset.getString(Tag.PatientName), 'Doe^John');
    const source = file.dataset.get(Tag.PatientName)!.source!;
    assert.notEqual(source.buffer, input.buffer);
    assert.ok(Buffer.from(source.buffer).indexOf(Buffer.from(plain)) >= 0, 'sources are views of the inflated data set');
  });

  it('tolerates a zlib-wrapped deflated data set, with a warning', () => {
    const file = readDicomFile(part10('1.2.840.10008.1.2.1.99', deflateSync(dataset(ELE))));
    assert.equal(file.dataset.getString(Tag.PatientName), 'Doe^John');
    assert.match(file.warnings[0]!.message, /zlib header/);
  });

  it('reads an encapsulated syntax (JPEG Baseline) with its fragments', () => {
    const file = readDicomFile(part10('1.2.840.10008.1.2.4.50', concat(dataset(ELE), encapsulated(new Uint8Array(0), [new Uint8Array([0xff, 0xd8, 0xff, 0xd9])]))));
    assert.deepEqual(file.warnings, []);
    assert.deepEqual([...file.dataset.get(Tag.PixelData)!.fragments!.fragments[0]!], [0xff, 0xd8, 0xff, 0xd9]);
  });

  it('reads an unknown transfer syntax as explicit VR little endian with a warning', () => {
    const file = readDicomFile(part10('1.2.3.4.5.6', dataset(ELE)));
    assert.equal(file.transferSyntaxUid, '1.2.3.4.5.6');
    assert.equal(file.dataset.getString(Tag.PatientName), 'Doe^John');
    assert.match(file.warnings[0]!.message, /unknown transfer syntax 1\.2\.3\.4\.5\.6/);
  });

  it('reads a file without preamble that starts with group 0002', () => {
    const file = readDicomFile(part10('1.2.840.10008.1.2.1', dataset(ELE)).subarray(132));
    assert.equal(file.preamble, undefined);
    assert.equal(file.dataset.getString(Tag.PatientName), 'Doe^John');
    assert.match(file.warnings[0]!.message, /no preamble/);
  });

  for (const { enc, expected } of [{ enc: ILE, expected: IMPLICIT_LITTLE }, { enc: ELE, expected: EXPLICIT_LITTLE }, { enc: EBE, expected: EXPLICIT_BIG }]) {
    it(`sniffs a bare data set without meta: ${expected.explicitVR ? 'explicit' : 'implicit'} VR ${expected.littleEndian ? 'little' : 'big'} endian`, () => {
      const file = readDicomFile(dataset(enc));
      assert.equal(file.dataset.encoding, expected);
      assert.equal(file.meta.size, 0);
      assert.equal(file.dataset.getString(Tag.PatientName), 'Doe^John');
      assert.equal(file.dataset.getNumber(Tag.Rows), 256);
      assert.match(file.warnings[0]!.message, /no File Meta Information/);
    });
  }

  it('warns about a missing transfer syntax and sniffs the data set', () => {
    const meta = concat(element(ELE, Tag.FileMetaInformationVersion, 'OB', new Uint8Array([0, 1])));
    const bytes = concat(Buffer.alloc(128), Buffer.from('DICM'), element(ELE, Tag.FileMetaInformationGroupLength, 'UL', u32([meta.length])), meta, dataset(ILE));
    const file = readDicomFile(bytes);
    assert.equal(file.transferSyntaxUid, '1.2.840.10008.1.2');
    assert.equal(file.dataset.getString(Tag.PatientName), 'Doe^John');
    assert.match(file.warnings[0]!.message, /no Transfer Syntax UID/);
  });

  it('tolerates a wrong or missing (0002,0000) group length, with a warning', () => {
    const good = part10('1.2.840.10008.1.2.1', dataset(ELE));
    const wrong = Buffer.from(good);
    wrong.writeUInt32LE(wrong.readUInt32LE(140) + 100, 140);
    const file = readDicomFile(wrong);
    assert.equal(file.dataset.getString(Tag.PatientName), 'Doe^John');
    assert.match(file.warnings[0]!.message, /\(0002,0000\) declares \d+ bytes but group 0002 holds \d+/);
    const missing = concat(good.subarray(0, 132), good.subarray(144));
    const read = readDicomFile(missing);
    assert.equal(read.dataset.getString(Tag.PatientName), 'Doe^John');
    assert.match(read.warnings[0]!.message, /no valid File Meta Information Group Length/);
  });

  it('reads the data set as it is when the meta declares the wrong VR encoding, with a warning', () => {
    const file = readDicomFile(part10('1.2.840.10008.1.2.1', dataset(ILE)));
    assert.equal(file.dataset.encoding, IMPLICIT_LITTLE);
    assert.equal(file.transferSyntaxUid, '1.2.840.10008.1.2.1');
    assert.equal(file.dataset.getString(Tag.PatientName), 'Doe^John');
    assert.match(file.warnings[0]!.message, /declares explicit VR little endian but the data set is implicit VR little endian/);
  });
});
