/**
 * Large files take the fast path of `medveil deid`: only their first and last bytes are read, and
 * the pixel data between is copied file to file in the kernel. These tests hold the CLI's output
 * to what the use case produces in memory from the whole file, byte for byte, on the fast path
 * and on files that defeat it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { parseKeyFile } from '../src/crypto/key-file.js';
import { Dataset, EXPLICIT_LITTLE } from '../src/dicom/dataset.js';
import type { DicomFile } from '../src/dicom/dicom-file.js';
import { Tag } from '../src/dicom/tag.js';
import { encodeDicomFile } from '../src/dicom/write-dicom-file.js';
import { basicRecipe } from '../src/deid/load-recipe.js';
import { createPseudonymizer } from '../src/deid/pseudonym/index.js';
import { deidentifyInstance } from '../src/gateway/deidentify-instance.js';
import { syntheticCorpus } from '../src/samples/synthetic-corpus.js';
import { copyFileRange } from '../src/storage/adapters/copy-file-range.js';
import { listFiles, medveil, temporaryFolder } from './support/medveil-cli.js';

let work: string;
let keyFile: string;

before(() => {
  work = temporaryFolder('deid-large');
  keyFile = join(work, 'deid.key');
  assert.equal(medveil(['keygen', '--out', keyFile]).status, 0);
});

/** What the use case writes for these bytes when it holds the whole file in memory. */
async function expectedOutput(bytes: Uint8Array): Promise<{ path: string; bytes: Buffer }> {
  const key = parseKeyFile(readFileSync(keyFile, 'utf8'), keyFile).key;
  const result = await deidentifyInstance(bytes, { recipe: basicRecipe(), pseudonymizer: createPseudonymizer(key) });
  assert.equal(result.kind, 'instance');
  if (result.kind !== 'instance') throw new Error('unreachable');
  return { path: `${result.studyInstanceUid}/${result.seriesInstanceUid}/${result.sopInstanceUid}.dcm`, bytes: Buffer.concat(result.chunks) };
}

function runDeid(files: Record<string, Uint8Array>): string {
  const input = join(work, `in-${Object.keys(files).join('-')}`);
  mkdirSync(input, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(input, name), bytes);
  const out = `${input}-out`;
  const run = medveil(['deid', input, out, '--key-file', keyFile]);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  return out;
}

test('the native range copy is built by npm install, so large files take the fast path', () => {
  assert.equal(typeof copyFileRange, 'function');
});

test('large images come out byte-identical to the in-memory result, pixel data included', async () => {
  const corpus = syntheticCorpus({ patients: 1, imagesPerPatient: 2, imageSize: 1200, seed: 'large' });
  const files: Record<string, Uint8Array> = {};
  corpus.files.forEach((f, i) => (files[`f${i}.dcm`] = encodeDicomFile(f.file)));
  assert.ok(Object.values(files).filter((b) => b.length > 2 * 1024 * 1024).length >= 2, 'the images are large enough for the sparse read');
  const out = runDeid(files);
  const written = listFiles(out);
  for (const bytes of Object.values(files)) {
    const expected = await expectedOutput(bytes);
    assert.ok(written.includes(expected.path), expected.path);
    assert.ok(readFileSync(join(out, expected.path)).equals(expected.bytes));
  }
});

test('a large file whose middle is not pixel data is read whole and still de-identified exactly', async () => {
  // A 3 MiB Overlay Data element before Pixel Data: the sparse read's bet fails and the worker
  // must notice, read the whole file, and parse it again.
  const corpus = syntheticCorpus({ patients: 1, imagesPerPatient: 2, imageSize: 200, seed: 'decoy' });
  const file: DicomFile = corpus.files[0]!.file;
  file.dataset.set({ tag: 0x60003000, vr: 'OW', value: new Uint8Array(3 * 1024 * 1024).fill(0x5a) });
  const withHugeOverlay = encodeDicomFile(file);
  // And a file with no Pixel Data at all but a large encapsulated document.
  const document = new Dataset(EXPLICIT_LITTLE);
  for (const [tag, value] of [
    [Tag.SOPClassUID, '1.2.840.10008.5.1.4.1.1.104.1'],
    [Tag.SOPInstanceUID, '2.25.1234567'],
    [Tag.StudyInstanceUID, '2.25.1234568'],
    [Tag.SeriesInstanceUID, '2.25.1234569'],
    [Tag.PatientName, 'DOC^PATIENT'],
    [Tag.MIMETypeOfEncapsulatedDocument, 'application/pdf'],
  ] as const) document.setString(tag, value);
  document.set({ tag: Tag.EncapsulatedDocument, vr: 'OB', value: new Uint8Array(3 * 1024 * 1024).fill(0x25) });
  const pdf = encodeDicomFile({ preamble: undefined, meta: new Dataset(EXPLICIT_LITTLE), dataset: document, transferSyntaxUid: '1.2.840.10008.1.2.1', warnings: [] });
  // And a large image without SOP Instance UID, whose output is named by a digest of all its bytes.
  const nameless = syntheticCorpus({ patients: 1, imagesPerPatient: 2, imageSize: 1200, seed: 'nameless' }).files[0]!.file;
  nameless.dataset.delete(Tag.SOPInstanceUID);
  const withoutUid = encodeDicomFile(nameless);
  const out = runDeid({ 'overlay.dcm': withHugeOverlay, 'document.dcm': pdf, 'nameless.dcm': withoutUid });
  for (const bytes of [withHugeOverlay, pdf, withoutUid]) {
    const expected = await expectedOutput(bytes);
    assert.ok(readFileSync(join(out, expected.path)).equals(expected.bytes), expected.path);
  }
  assert.ok(!readFileSync(join(out, (await expectedOutput(withHugeOverlay)).path)).includes(Buffer.alloc(4096, 0x5a)), 'the overlay is removed');
});

test('values holding megabytes of padding are de-identified, not hung (regression: quadratic trimming)', () => {
  const dataset = new Dataset(EXPLICIT_LITTLE);
  dataset.setString(Tag.SOPClassUID, '1.2.840.10008.5.1.4.1.1.7');
  dataset.setString(Tag.SOPInstanceUID, '2.25.99');
  dataset.setString(Tag.StudyInstanceUID, '2.25.98');
  dataset.setString(Tag.SeriesInstanceUID, '2.25.97');
  dataset.set({ tag: Tag.ImageComments, vr: 'LT', value: Buffer.concat([Buffer.alloc(1024 * 1024, 0x20), Buffer.from('xx')]) });
  dataset.set({ tag: Tag.StudyDescription, vr: 'LO', value: Buffer.concat([Buffer.alloc(1024 * 1024, 0x20), Buffer.from('x\\'), Buffer.alloc(1024 * 1024, 0)]) });
  dataset.set({ tag: Tag.EncapsulatedDocument, vr: 'OB', value: Buffer.concat([Buffer.alloc(3 * 1024 * 1024, 0), Buffer.from('%%')]) });
  const bytes = encodeDicomFile({ preamble: undefined, meta: new Dataset(EXPLICIT_LITTLE), dataset, transferSyntaxUid: '1.2.840.10008.1.2.1', warnings: [] });
  const input = join(work, 'padding-in');
  mkdirSync(input, { recursive: true });
  writeFileSync(join(input, 'padded.dcm'), bytes);
  const run = medveil(['deid', input, `${input}-out`, '--key-file', keyFile], { hangAfterMs: 120_000 });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.equal(listFiles(`${input}-out`).length, 1);
});
