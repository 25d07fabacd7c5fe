import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dataset, EXPLICIT_BIG, EXPLICIT_LITTLE, IMPLICIT_LITTLE, type DatasetEncoding } from './dataset.js';
import { readLeadingElement } from './read-leading-element.js';
import { Tag } from './tag.js';
import { writeDataset } from './write-dataset.js';

const STUDY = '1.2.826.0.1.3680043.2.1125.7';

/** One explicit VR little endian element: long form for SQ, OB and UN, short otherwise. */
function explicit(tag: number, vr: string, value: Uint8Array, length = value.length): Buffer {
  const long = vr === 'SQ' || vr === 'OB' || vr === 'UN';
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(tag >>> 16, 0);
  header.writeUInt16LE(tag & 0xffff, 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(length, 8);
  else header.writeUInt16LE(length, 6);
  return Buffer.concat([header, value]);
}

function delimiter(tag: number, length: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt16LE(tag >>> 16, 0);
  out.writeUInt16LE(tag & 0xffff, 2);
  out.writeUInt32LE(length, 4);
  return out;
}

const text = (value: string) => Buffer.from(value.length % 2 === 0 ? value : `${value}\0`, 'latin1');

/** Patient name, a sequence of undefined length holding an item of undefined length with a nested sequence, then the study UID and pixel data. */
const withSequences = Buffer.concat([
  explicit(Tag.PatientName, 'PN', text('Doe^Jane')),
  explicit(0x00081110, 'SQ', Buffer.alloc(0), 0xffffffff),
  delimiter(0xfffee000, 0xffffffff),
  explicit(0x00081150, 'UI', text('1.2.3')),
  explicit(0x00081115, 'SQ', Buffer.alloc(0), 0xffffffff),
  delimiter(0xfffee000, 4),
  Buffer.from([1, 2, 3, 4]),
  delimiter(0xfffee0dd, 0),
  delimiter(0xfffee00d, 0),
  delimiter(0xfffee0dd, 0),
  explicit(Tag.StudyInstanceUID, 'UI', text(STUDY)),
  explicit(Tag.SeriesInstanceUID, 'UI', text(`${STUDY}.1`)),
  explicit(Tag.PixelData, 'OB', Buffer.alloc(64, 7)),
]);
const studyEnd = withSequences.indexOf(Buffer.from(STUDY, 'latin1')) + STUDY.length;

function uid(found: ReturnType<typeof readLeadingElement>): string | undefined {
  return found.kind === 'found' ? Buffer.from(found.value).toString('latin1').replace(/\0$/, '') : undefined;
}

test('readLeadingElement() finds the Study Instance UID behind sequences and items of undefined length, nested', () => {
  assert.equal(uid(readLeadingElement(withSequences, EXPLICIT_LITTLE, Tag.StudyInstanceUID)), STUDY);
});

test('readLeadingElement() asks for more bytes for every prefix that ends before the value is whole', () => {
  for (let cut = 0; cut < studyEnd; cut++) {
    assert.deepEqual(readLeadingElement(withSequences.subarray(0, cut), EXPLICIT_LITTLE, Tag.StudyInstanceUID), { kind: 'incomplete' }, `cut at ${cut}`);
  }
  assert.equal(uid(readLeadingElement(withSequences.subarray(0, studyEnd + 1), EXPLICIT_LITTLE, Tag.StudyInstanceUID)), STUDY);
});

test('readLeadingElement() gives up (unknown) past the tag without it, and on bytes that do not walk as a data set', () => {
  const withoutStudy = Buffer.concat([explicit(Tag.PatientName, 'PN', text('Doe^Jane')), explicit(Tag.SeriesInstanceUID, 'UI', text('1.2'))]);
  assert.deepEqual(readLeadingElement(withoutStudy, EXPLICIT_LITTLE, Tag.StudyInstanceUID), { kind: 'unknown' });
  assert.deepEqual(readLeadingElement(Buffer.from('not a data set at all, just text'), EXPLICIT_LITTLE, Tag.StudyInstanceUID), { kind: 'unknown' });
  const strayInSequence = Buffer.concat([explicit(0x00081110, 'SQ', Buffer.alloc(0), 0xffffffff), explicit(Tag.PatientID, 'LO', text('x'))]);
  assert.deepEqual(readLeadingElement(strayInSequence, EXPLICIT_LITTLE, Tag.StudyInstanceUID), { kind: 'unknown' });
});

const encodings: [string, DatasetEncoding][] = [['implicit VR little endian', IMPLICIT_LITTLE], ['explicit VR little endian', EXPLICIT_LITTLE], ['explicit VR big endian', EXPLICIT_BIG]];
for (const [name, encoding] of encodings) {
  test(`readLeadingElement() reads a data set written in ${name}`, () => {
    const dataset = new Dataset(encoding);
    dataset.setString(Tag.PatientName, 'Doe^Jane');
    dataset.setString(Tag.PatientID, 'ID-1');
    dataset.setString(Tag.StudyInstanceUID, STUDY);
    dataset.setString(Tag.SeriesInstanceUID, `${STUDY}.1`);
    const bytes = Buffer.concat(writeDataset(dataset, encoding));
    assert.equal(uid(readLeadingElement(bytes, encoding, Tag.StudyInstanceUID)), STUDY);
  });
}
