import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { DEFAULT_SENSITIVITY_RULES } from '../access/default-sensitivity-rules.js';
import type { AuditEventInput } from '../audit/event/audit-event.js';
import { masterKeyFromBytes } from '../crypto/master-key-file.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { encodeDicomFile } from '../dicom/write-dicom-file.js';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import { FsBlobStore } from '../storage/adapters/fs-blob-store.js';
import { SqliteDataKeyStore } from '../storage/adapters/sqlite-data-key-store.js';
import { SqliteIndexStore } from '../storage/adapters/sqlite-index-store.js';
import { EncryptedBlobStore } from '../storage/encrypted-blob-store.js';
import { ingestInstance, type IngestDeps, type IngestSource } from './ingest-instance.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-ingest-'));
after(() => rmSync(work, { recursive: true, force: true }));

const corpus = syntheticCorpus({ patients: 2, imagesPerPatient: 2, imageSize: 32, seed: 'ingest' });
const images = corpus.files.filter((f) => f.file.dataset.get(Tag.PixelData) !== undefined).map((f) => encodeDicomFile(f.file));
const source: IngestSource = { actor: { user: 'modality-cr1', role: 'service' }, department: 'radiology', via: 'stow-rs' };

let run = 0;
let deps: IngestDeps;
let events: AuditEventInput[];
let objects: EncryptedBlobStore;
let objectFolder: string;
let index: SqliteIndexStore;

beforeEach(() => {
  run++;
  objectFolder = join(work, `objects-${run}`);
  objects = new EncryptedBlobStore({
    blobs: new FsBlobStore(objectFolder),
    keys: new SqliteDataKeyStore(join(work, `keys-${run}.db`)),
    master: masterKeyFromBytes(new Uint8Array(32).fill(run)),
    suite: 'intl',
  });
  index = new SqliteIndexStore(join(work, `index-${run}.db`));
  events = [];
  deps = {
    index,
    objects,
    audit: { append: async (event) => (events.push(event), { index: events.length - 1 }) },
    sensitivityRules: DEFAULT_SENSITIVITY_RULES,
    patientKey: new Uint8Array(32).fill(9),
    suite: 'intl',
    maxObjectBytes: 64 * 1024 * 1024,
  };
});

function storedObjectFiles(): string[] {
  const out: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (statSync(path).size > 0 && !path.includes(`${join(objectFolder, 'tmp')}`)) out.push(path);
    }
  };
  walk(objectFolder);
  return out;
}

function withChangedValue(bytes: Buffer, edit: (file: ReturnType<typeof readDicomFile>) => void): Buffer {
  const file = readDicomFile(bytes);
  edit(file);
  return encodeDicomFile(file);
}

describe('ingestInstance()', () => {
  test('stores a chest CR encrypted at level 3, indexes it with a patient reference, and records the ingest', async () => {
    const bytes = images[0]!;
    const result = await ingestInstance(deps, { kind: 'part10', bytes }, source);
    assert.equal(result.outcome, 'stored');
    assert.ok(result.outcome === 'stored' && result.level === 3);
    const dataset = readDicomFile(bytes).dataset;
    const located = await index.getInstance({ studyUid: dataset.getString(Tag.StudyInstanceUID)!, sopInstanceUid: dataset.getString(Tag.SOPInstanceUID)! });
    assert.ok(located);
    assert.equal(located.study.level, 3);
    assert.equal(located.study.department, 'radiology');
    assert.match(located.study.patientRef ?? '', /^MVP-/);
    assert.deepEqual(await objects.get(located.instance.blobKey), bytes, 'the stored object decrypts to the bytes received');
    const files = storedObjectFiles();
    assert.equal(files.length, 1);
    const sealed = readFileSync(files[0]!);
    assert.equal(sealed.includes(Buffer.from('DICM')), false, 'no plaintext DICOM in the object folder');
    assert.equal(sealed.includes(Buffer.from(dataset.getString(Tag.PatientID)!)), false);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'ingest');
    assert.equal(events[0]!.outcome, 'success');
    assert.equal(events[0]!.objects?.[0]?.patient, located.study.patientRef);
    assert.equal(events[0]!.digests?.[0]?.value, located.instance.sha256);
    assert.equal(JSON.stringify(events).includes(dataset.getString(Tag.PatientID)!), false, 'the event names no patient ID');
  });

  test('re-sending an instance changes nothing and stores no second object', async () => {
    const bytes = images[0]!;
    assert.equal((await ingestInstance(deps, { kind: 'part10', bytes }, source)).outcome, 'stored');
    assert.equal((await ingestInstance(deps, { kind: 'part10', bytes }, source)).outcome, 'unchanged');
    assert.equal(storedObjectFiles().length, 1);
    assert.deepEqual(events.map((e) => e.detail?.result ?? e.outcome), ['success', 'unchanged']);
  });

  test('another object under a stored SOP Instance UID is refused, and its object deleted again', async () => {
    const bytes = images[0]!;
    await ingestInstance(deps, { kind: 'part10', bytes }, source);
    const other = withChangedValue(bytes, (file) => file.dataset.setString(Tag.InstanceNumber, '77'));
    const result = await ingestInstance(deps, { kind: 'part10', bytes: other }, source);
    assert.equal(result.outcome, 'refused');
    assert.ok(result.outcome === 'refused' && result.refusal === 'instance-differs');
    assert.equal(storedObjectFiles().length, 1, 'the refused object is not left in the object folder');
    assert.equal(events.at(-1)!.outcome, 'minor-failure');
    assert.equal(events.at(-1)!.detail?.refused, 'instance-differs');
  });

  test('a data set from C-STORE is stored as a Part 10 file; one whose UIDs differ from its command is refused', async () => {
    const file = readDicomFile(images[1]!);
    const encoded = encodeDicomFile(file);
    const datasetBytes = encoded.subarray(144 + encoded.readUInt32LE(140));
    const received = { sopClassUid: file.dataset.getString(Tag.SOPClassUID)!, sopInstanceUid: file.dataset.getString(Tag.SOPInstanceUID)!, transferSyntaxUid: file.transferSyntaxUid };
    const cstore: IngestSource = { ...source, via: 'c-store' };
    const ok = await ingestInstance(deps, { kind: 'dataset', fragments: [datasetBytes], ...received }, cstore);
    assert.equal(ok.outcome, 'stored');
    const located = await index.getInstance({ studyUid: file.dataset.getString(Tag.StudyInstanceUID)!, sopInstanceUid: received.sopInstanceUid });
    const stored = readDicomFile((await objects.get(located!.instance.blobKey))!);
    assert.equal(stored.meta.getString(Tag.MediaStorageSOPInstanceUID), received.sopInstanceUid);
    const mismatch = await ingestInstance(deps, { kind: 'dataset', fragments: [datasetBytes], ...received, sopInstanceUid: '1.2.3.4' }, cstore);
    assert.ok(mismatch.outcome === 'refused' && mismatch.refusal === 'uid-mismatch');
  });

  const bad: [string, () => Uint8Array, string][] = [
    ['not DICOM', () => Buffer.from('Patient: Zhang San, ID 12345'), 'unreadable'],
    ['truncated', () => images[0]!.subarray(0, 400), 'unreadable'],
    ['no SOP Instance UID', () => withChangedValue(images[0]!, (f) => f.dataset.delete(Tag.SOPInstanceUID)), 'missing-uid'],
    ['a path in the Study Instance UID', () => withChangedValue(images[0]!, (f) => f.dataset.setString(Tag.StudyInstanceUID, '../../etc/passwd')), 'invalid-uid'],
    ['a 65-character UID', () => withChangedValue(images[0]!, (f) => f.dataset.setString(Tag.SeriesInstanceUID, `1.${'2'.repeat(63)}`)), 'invalid-uid'],
  ];
  for (const [name, bytes, refusal] of bad) {
    test(`refuses ${name} (${refusal}), storing nothing and recording the refusal`, async () => {
      const result = await ingestInstance(deps, { kind: 'part10', bytes: bytes() }, source);
      assert.ok(result.outcome === 'refused', JSON.stringify(result));
      assert.equal(result.refusal, refusal);
      assert.equal(existsObjects(), 0);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.outcome, 'minor-failure');
      assert.equal(JSON.stringify(events[0]).includes('passwd'), false, 'a refused value never reaches the log');
    });
  }

  test('refuses an object larger than the limit before reading it', async () => {
    const result = await ingestInstance({ ...deps, maxObjectBytes: 1000 }, { kind: 'part10', bytes: images[0]! }, source);
    assert.ok(result.outcome === 'refused' && result.refusal === 'too-large');
    assert.equal(existsObjects(), 0);
  });

  test('when the audit append fails, the ingest fails, and nothing is stored or indexed', async () => {
    const failing: IngestDeps = { ...deps, audit: { append: async () => Promise.reject(new Error('disk full')) } };
    await assert.rejects(ingestInstance(failing, { kind: 'part10', bytes: images[0]! }, source), /disk full/);
    assert.equal(existsObjects(), 0);
    const dataset = readDicomFile(images[0]!).dataset;
    assert.equal(await index.getInstance({ studyUid: dataset.getString(Tag.StudyInstanceUID)!, sopInstanceUid: dataset.getString(Tag.SOPInstanceUID)! }), undefined);
  });
});

function existsObjects(): number {
  try {
    return storedObjectFiles().length;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}
