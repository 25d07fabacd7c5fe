/**
 * Hostile and broken input: each case ends in a clear DicomParseError or a warning, never
 * another exception, a hang, deep recursion or an allocation sized by a declared length.
 */
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { DicomParseError } from './parse-error.js';
import { readDicomFile } from './read-dicom-file.js';
import { Tag } from './tag.js';
import {
  ELE, UNDEFINED, concat, delimiter, element, encapsulated, header, item, part10, sequence, text, u16, u32, uid,
} from '../../test/support/dicom-bytes.js';

const EXPLICIT = '1.2.840.10008.1.2.1';

function parseError(bytes: Uint8Array, pattern: RegExp, options = {}): DicomParseError {
  let caught: unknown;
  try {
    readDicomFile(bytes, options);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof DicomParseError, `expected a DicomParseError, got ${String(caught)}`);
  assert.equal(caught.code, 'dicom-parse');
  assert.match(caught.message, pattern);
  return caught;
}

/** `depth` sequences, each the only element of an item of the one above, all of undefined length. */
function nested(depth: number): Uint8Array {
  const open = concat(header(ELE, Tag.ReferencedSeriesSequence, 'SQ', UNDEFINED), u32([0xe000fffe]), u32([UNDEFINED]));
  const close = concat(delimiter(ELE, 0xfffee00d), delimiter(ELE, 0xfffee0dd));
  const parts: Uint8Array[] = [];
  for (let i = 0; i < depth; i++) parts.push(open);
  parts.push(element(ELE, Tag.PatientID, 'LO', text('deep')));
  for (let i = 0; i < depth; i++) parts.push(close);
  return concat(...parts);
}

describe('reading hostile input', () => {
  it('an empty file is a DicomParseError', () => {
    parseError(new Uint8Array(0), /^at byte 0: the file is empty, not DICOM$/);
  });

  it('a file of zero bytes is not DICOM', () => {
    parseError(new Uint8Array(4096), /^at byte 0: not DICOM/);
  });

  it('text, JSON and gzip are not DICOM', () => {
    parseError(Buffer.from('Hello, this is not an image at all.'), /not DICOM: no "DICM" at byte 128 and the first bytes \(48656c6c6f2c2074\)/);
    parseError(Buffer.from('{"00100010": {"vr": "PN"}}'), /not DICOM/);
    parseError(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), /not DICOM/);
  });

  it('a value cut at the end of the file names the element, the declared length and what remains', () => {
    const whole = part10(EXPLICIT, concat(element(ELE, Tag.PatientID, 'LO', text('ID')), element(ELE, Tag.PixelData, 'OW', new Uint8Array(1000))));
    const error = parseError(whole.subarray(0, whole.length - 10), /element \(7FE0,0010\) declares 1000 bytes but only 990 remain$/);
    assert.equal(error.tag, Tag.PixelData);
    assert.equal(error.offset, whole.length - 1000 - 12);
  });

  it('a declared length of 0xFFFFFFF0 is refused without allocating it', () => {
    const bytes = part10(EXPLICIT, element(ELE, Tag.PixelData, 'OB', new Uint8Array(16), 0xfffffff0));
    const before = process.memoryUsage().arrayBuffers;
    parseError(bytes, /element \(7FE0,0010\) declares 4294967280 bytes but only 16 remain/);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024);
  });

  it('a 16-bit length past the end of an item is an error; an item overrunning its sequence is clamped with a warning', () => {
    const inner = element(ELE, Tag.PatientID, 'LO', text('ABCD'), 40);
    parseError(part10(EXPLICIT, sequence(ELE, Tag.ReferencedSeriesSequence, [item(ELE, inner)])), /element \(0010,0020\) declares 40 bytes but only 4 remain/);
    const lyingItem = concat(u32([0xe000fffe]), u32([500]), element(ELE, Tag.PatientID, 'LO', text('ABCD')));
    const file = readDicomFile(part10(EXPLICIT, concat(header(ELE, Tag.ReferencedSeriesSequence, 'SQ', lyingItem.length), lyingItem)));
    assert.equal(file.dataset.get(Tag.ReferencedSeriesSequence)!.items![0]!.getString(Tag.PatientID), 'ABCD');
    assert.match(file.warnings[0]!.message, /item in sequence \(0008,1115\) declares 500 bytes but only 12 remain; read up to the end/);
  });

  it('odd lengths are read with a warning', () => {
    const file = readDicomFile(part10(EXPLICIT, element(ELE, Tag.PatientID, 'LO', Buffer.from('ODD'))));
    assert.equal(file.dataset.get(Tag.PatientID)!.value!.length, 3);
    assert.match(file.warnings[0]!.message, /odd length 3/);
  });

  it('10,000 nested sequences give a clear error at maxDepth, not a stack overflow', () => {
    parseError(part10(EXPLICIT, nested(10_000)), /sequence \(0008,1115\) is nested 129 levels deep, more than maxDepth 128/);
    parseError(part10(EXPLICIT, nested(4)), /more than maxDepth 3/, { maxDepth: 3 });
    const three = readDicomFile(part10(EXPLICIT, nested(3)), { maxDepth: 3 });
    let level = three.dataset;
    for (let i = 0; i < 3; i++) level = level.get(Tag.ReferencedSeriesSequence)!.items![0]!;
    assert.equal(level.getString(Tag.PatientID), 'deep');
  });

  it('a deflate bomb is refused at maxInflatedLength', () => {
    const bomb = part10('1.2.840.10008.1.2.1.99', deflateRawSync(new Uint8Array(8 * 1024 * 1024)));
    parseError(bomb, /the deflated data set cannot be inflated/, { maxInflatedLength: 1024 * 1024 });
  });

  it('an item tag where an element belongs, and a non-item inside a sequence, are errors', () => {
    parseError(part10(EXPLICIT, item(ELE, new Uint8Array(0))), /item \(FFFE,E000\) outside a sequence/);
    const bad = concat(header(ELE, Tag.ReferencedSeriesSequence, 'SQ', UNDEFINED), element(ELE, Tag.PatientID, 'LO', text('X')));
    parseError(part10(EXPLICIT, bad), /sequence \(0008,1115\): expected an item \(FFFE,E000\) but found \(0010,0020\)/);
  });

  it('missing delimiters at the end of the file are warnings', () => {
    const open = concat(header(ELE, Tag.ReferencedSeriesSequence, 'SQ', UNDEFINED), u32([0xe000fffe]), u32([UNDEFINED]), element(ELE, Tag.PatientID, 'LO', text('X')));
    const file = readDicomFile(part10(EXPLICIT, open));
    assert.equal(file.dataset.get(Tag.ReferencedSeriesSequence)!.items![0]!.getString(Tag.PatientID), 'X');
    assert.deepEqual(file.warnings.map((w) => w.message), [
      'item of undefined length has no item delimitation before the end of data',
      'sequence (0008,1115) has no sequence delimitation before the end of data',
    ]);
    const pixels = encapsulated(new Uint8Array(0), [new Uint8Array(4)]);
    const cut = readDicomFile(part10('1.2.840.10008.1.2.4.50', pixels.subarray(0, pixels.length - 8)));
    assert.equal(cut.dataset.get(Tag.PixelData)!.fragments!.fragments.length, 1);
    assert.match(cut.warnings[0]!.message, /no sequence delimitation/);
  });

  it('duplicate tags and unknown VRs are warnings', () => {
    const file = readDicomFile(part10(EXPLICIT, concat(
      element(ELE, Tag.PatientName, 'PN', text('A')),
      element(ELE, Tag.PatientName, 'PN', text('B')),
      element(ELE, Tag.Rows, 'XX', u16([5])),
      element(ELE, Tag.Columns, 'QQ', u16([6]), 2, true),
    )));
    assert.equal(file.dataset.getString(Tag.PatientName), 'A');
    assert.equal(file.dataset.getNumber(Tag.Rows), 5);
    assert.equal(file.dataset.getNumber(Tag.Columns), 6);
    assert.deepEqual(file.warnings.map((w) => w.message), [
      'duplicate element (0010,0010); the first is kept',
      'unknown VR "XX"; read as US',
      'unknown VR "QQ"; read as US',
    ]);
  });

  it('warnings are capped, so a file of many small faults cannot grow the list without bound', () => {
    const faults = Array.from({ length: 3000 }, () => element(ELE, Tag.PatientName, 'PN', text('A')));
    const file = readDicomFile(part10(EXPLICIT, concat(...faults)));
    assert.equal(file.warnings.length, 1001);
    assert.match(file.warnings[1000]!.message, /more than 1000 warnings/);
  });

  it('10,000 random corruptions of a valid file each read or fail with a DicomParseError', () => {
    const valid = part10(EXPLICIT, concat(
      element(ELE, Tag.SOPInstanceUID, 'UI', uid('1.2.3')),
      sequence(ELE, Tag.ReferencedSeriesSequence, [item(ELE, element(ELE, Tag.SeriesInstanceUID, 'UI', uid('1.2')), true), item(ELE, element(ELE, Tag.PatientID, 'LO', text('P')))], true),
      sequence(ELE, Tag.ReferencedSOPSequence, [item(ELE, element(ELE, Tag.ReferencedSOPInstanceUID, 'UI', uid('4.5')))]),
      encapsulated(u32([0]), [new Uint8Array([1, 2, 3, 4])]),
    ));
    let seed = 0x2545f491;
    const random = () => {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    let failed = 0;
    for (let round = 0; round < 10_000; round++) {
      const bytes = Uint8Array.from(valid);
      const flips = 1 + Math.floor(random() * 4);
      for (let i = 0; i < flips; i++) {
        const at = 132 + Math.floor(random() * (bytes.length - 132));
        bytes[at] = random() < 0.3 ? 0xff : Math.floor(random() * 256);
      }
      const cut = random() < 0.2 ? Math.floor(random() * bytes.length) : bytes.length;
      try {
        readDicomFile(bytes.subarray(0, cut));
      } catch (error) {
        assert.ok(error instanceof DicomParseError, `round ${round}: ${String(error)}`);
        failed++;
      }
    }
    assert.ok(failed > 0 && failed < 10_000, `${failed} of 10000 failed`);
  });
});
