import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import { part10FromDataset } from './part10-from-dataset.js';
import { readDicomFile } from './read-dicom-file.js';
import { Tag } from './tag.js';
import { DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_BIG_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from './transfer-syntax.js';
import { encodeDicomFile } from './write-dicom-file.js';

const file = syntheticCorpus({ patients: 1, imagesPerPatient: 2, imageSize: 8, seed: 'part10' }).files[0]!.file;

for (const transferSyntaxUid of [IMPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_BIG_ENDIAN, DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN]) {
  test(`part10FromDataset() wraps a data set received in ${transferSyntaxUid} so that it reads back unchanged`, () => {
    const encoded = encodeDicomFile(file, { transferSyntaxUid });
    const original = readDicomFile(encoded);
    // The data set bytes as a C-STORE carries them: everything after the File Meta Information.
    const datasetBytes = encoded.subarray(encoded.length - datasetLength(encoded));
    const sopClassUid = original.dataset.getString(Tag.SOPClassUID)!;
    const sopInstanceUid = original.dataset.getString(Tag.SOPInstanceUID)!;
    const wrapped = Buffer.concat(part10FromDataset(datasetBytes, { sopClassUid, sopInstanceUid, transferSyntaxUid }));
    const fromFragments = Buffer.concat(part10FromDataset([datasetBytes.subarray(0, 100), datasetBytes.subarray(100)], { sopClassUid, sopInstanceUid, transferSyntaxUid }));
    assert.deepEqual(fromFragments, wrapped, 'the data set in fragments gives the same file');
    assert.ok(wrapped.subarray(wrapped.length - datasetBytes.length).equals(datasetBytes), 'the data set bytes are kept exactly');
    const read = readDicomFile(wrapped);
    assert.equal(read.transferSyntaxUid, transferSyntaxUid);
    assert.equal(read.meta.getString(Tag.MediaStorageSOPClassUID), sopClassUid);
    assert.equal(read.meta.getString(Tag.MediaStorageSOPInstanceUID), sopInstanceUid);
    assert.deepEqual(read.dataset.tags(), original.dataset.tags());
    assert.equal(read.dataset.getString(Tag.PatientID), original.dataset.getString(Tag.PatientID));
  });
}

/** Bytes after group 0002: the meta's group length (at byte 140) says where the data set starts. */
function datasetLength(part10: Buffer): number {
  const metaEnd = 144 + part10.readUInt32LE(140);
  return part10.length - metaEnd;
}
