import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import type { DicomFile } from './dicom-file.js';
import { readDicomFile } from './read-dicom-file.js';
import { sameDicomContent } from './same-content.js';
import { Tag } from './tag.js';
import {
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
} from './transfer-syntax.js';
import { encodeDicomFile } from './write-dicom-file.js';

const corpus = syntheticCorpus({ patients: 1, imagesPerPatient: 2, imageSize: 16, seed: 'same-content' });
const image = corpus.files.find((f) => f.file.dataset.get(Tag.PixelData) !== undefined)!.file;
const SYNTAXES = [EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_BIG_ENDIAN, DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN];

function encoded(file: DicomFile, transferSyntaxUid: string): Buffer {
  return encodeDicomFile(file, { transferSyntaxUid });
}

function changed(edit: (file: DicomFile) => void): Buffer {
  const file = readDicomFile(encoded(image, EXPLICIT_VR_LITTLE_ENDIAN));
  edit(file);
  return encoded(file, EXPLICIT_VR_LITTLE_ENDIAN);
}

describe('sameDicomContent()', () => {
  for (const a of SYNTAXES) {
    for (const b of SYNTAXES) {
      // Read from implicit VR, the private elements have VR UN, and written in big endian a UN
      // value's byte order cannot be known: that pair is not recognised (never wrongly matched).
      const recognised = !(a === IMPLICIT_VR_LITTLE_ENDIAN && b === EXPLICIT_VR_BIG_ENDIAN);
      test(`the same instance in ${a}, rewritten in ${b}, is ${recognised ? 'the same content' : 'not recognised'}`, () => {
        const left = encoded(image, a);
        const right = encoded(readDicomFile(left), b);
        assert.equal(sameDicomContent(left, right), recognised);
        assert.equal(sameDicomContent(right, left), recognised);
      });
    }
  }

  const different: [string, Buffer][] = [
    ['one text value changed', changed((f) => f.dataset.setString(Tag.SeriesNumber, '99'))],
    ['one element removed', changed((f) => f.dataset.delete(Tag.SeriesNumber))],
    ['one pixel changed', changed((f) => {
      const pixels = f.dataset.get(Tag.PixelData)!.value!;
      const copy = new Uint8Array(pixels);
      copy[7] = copy[7]! ^ 1;
      f.dataset.set({ tag: Tag.PixelData, vr: f.dataset.get(Tag.PixelData)!.vr, value: copy });
    })],
    ['not DICOM', Buffer.from('not a DICOM file at all')],
  ];
  for (const [name, bytes] of different) {
    for (const syntax of [EXPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_BIG_ENDIAN]) {
      test(`${name} is other content, against ${syntax}`, () => {
        assert.equal(sameDicomContent(encoded(image, syntax), bytes), false);
        assert.equal(sameDicomContent(bytes, encoded(image, syntax)), false);
      });
    }
  }
});
