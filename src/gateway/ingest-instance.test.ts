import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { DEFAULT_SENSITIVITY_RULES } from '../access/default-sensitivity-rules.js';
import type { AuditEventInput } from '../audit/event/audit-event.js';
import { masterKeyFromBytes } from '../crypto/master-key-file.js';
import { part10FromDataset } from '../dicom/part10-from-dataset.js';
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

describe('ingestInstance() of a data set streamed in fragments (C-STORE)', () => {
  const big = syntheticCorpus({ patients: 1, imagesPerPatient: 1, imageSize: 1100, seed: 'ingest-stream' }).files.find((f) => f.file.dataset.has(Tag.PixelData))!.file;
  const encoded = encodeDicomFile(big);
  const datasetBytes = encoded.subarray(144 + encoded.readUInt32LE(140));
  const received = { sopClassUid: big.dataset.getString(Tag.SOPClassUID)!, sopInstanceUid: big.dataset.getString(Tag.SOPInstanceUID)!, transferSyntaxUid: big.transferSyntaxUid };
  const studyUid = big.dataset.getString(Tag.StudyInstanceUID)!;
  const cstore: IngestSource = { ...source, via: 'c-store' };

  /** The data set in fragments of `size` bytes, each after a turn of the event loop, as P-DATA arrives; `cut` throws after that many. */
  async function* fragments(bytes: Uint8Array, size: number, cut?: number): AsyncGenerator<Uint8Array> {
    let count = 0;
    for (let at = 0; at < bytes.length; at += size) {
      await new Promise((resolve) => setImmediate(resolve));
      if (cut !== undefined && count++ === cut) throw new Error('the association was aborted');
      yield bytes.subarray(at, at + size);
    }
  }

  function temporaryFiles(): string[] {
    return readdirSync(join(objectFolder, 'tmp'));
  }

  test('a data set of several segments split into many fragments is sealed while it arrives, to the same stored bytes and digest as the whole buffer', async () => {
    const bodies: string[] = [];
    const put = objects.put.bind(objects);
    const watched: IngestDeps = { ...deps, objects: { put: (key, body, scope) => (bodies.push(body instanceof Uint8Array ? 'bytes' : 'stream'), put(key, body, scope)), delete: (key) => objects.delete(key) } };
    const streamed = await ingestInstance(watched, { kind: 'dataset', fragments: fragments(datasetBytes, 16 * 1024 - 6), ...received }, cstore);
    assert.equal(streamed.outcome, 'stored');
    assert.deepEqual(bodies, ['stream'], 'sealing started before the last fragment');
    const located = (await index.getInstance({ studyUid, sopInstanceUid: received.sopInstanceUid }))!;
    const wholeFile = Buffer.concat(part10FromDataset(datasetBytes, received));
    assert.ok(wholeFile.length > 2 * 1024 * 1024, 'more than two 1 MiB segments');
    assert.deepEqual(await objects.get(located.instance.blobKey), wholeFile);
    assert.equal(located.instance.sha256, createHash('sha256').update(wholeFile).digest('hex'));
    assert.equal(located.instance.size, wholeFile.length);
    assert.equal(events[0]!.digests?.[0]?.value, located.instance.sha256);
    assert.equal(storedObjectFiles().length, 1);
    assert.deepEqual(temporaryFiles(), []);

    // The same data set as one buffer is the same object: a re-send, unchanged.
    const whole = await ingestInstance(deps, { kind: 'dataset', fragments: [datasetBytes], ...received }, cstore);
    assert.equal(whole.outcome, 'unchanged');
    assert.equal(storedObjectFiles().length, 1);
    assert.deepEqual(temporaryFiles(), []);
  });

  const refusals: [string, () => { bytes: Uint8Array; uid?: string }, string][] = [
    ['a SOP Instance UID other than the command\'s', () => ({ bytes: datasetBytes, uid: '1.2.3.4' }), 'uid-mismatch'],
    ['an invalid Series Instance UID', () => {
      const file = readDicomFile(encoded);
      file.dataset.setString(Tag.SeriesInstanceUID, '1.02.x');
      const changed = encodeDicomFile(file);
      return { bytes: changed.subarray(144 + changed.readUInt32LE(140)) };
    }, 'invalid-uid'],
    ['a data set cut inside its pixel data', () => ({ bytes: datasetBytes.subarray(0, datasetBytes.length - 1000) }), 'unreadable'],
  ];
  for (const [name, make, refusal] of refusals) {
    test(`${name} is refused (${refusal}) after being sealed during the receive, and leaves no file in the object folder`, async () => {
      const { bytes, uid } = make();
      const result = await ingestInstance(deps, { kind: 'dataset', fragments: fragments(bytes, 64 * 1024), ...received, ...(uid === undefined ? {} : { sopInstanceUid: uid }) }, cstore);
      assert.ok(result.outcome === 'refused' && result.refusal === refusal, JSON.stringify(result));
      assert.equal(storedObjectFiles().length, 0);
      assert.deepEqual(temporaryFiles(), []);
      assert.equal(await index.getStudy({ studyUid }), undefined);
    });
  }

  test('a transfer cut mid-data-set (the association aborted) fails the ingest and leaves no file, no index row and no ingest event', async () => {
    await assert.rejects(ingestInstance(deps, { kind: 'dataset', fragments: fragments(datasetBytes, 16 * 1024, 100), ...received }, cstore), /aborted/);
    assert.equal(storedObjectFiles().length, 0);
    assert.deepEqual(temporaryFiles(), []);
    assert.equal(await index.getStudy({ studyUid }), undefined);
    assert.deepEqual(events, []);
  });

  test('a data set over the size limit is refused as it arrives, and leaves no file', async () => {
    const result = await ingestInstance({ ...deps, maxObjectBytes: 1024 * 1024 }, { kind: 'dataset', fragments: fragments(datasetBytes, 16 * 1024), ...received }, cstore);
    assert.ok(result.outcome === 'refused' && result.refusal === 'too-large');
    assert.equal(storedObjectFiles().length, 0);
    assert.deepEqual(temporaryFiles(), []);
  });

  test('when the object cannot be made durable after its ingest event was appended, a refusal follows the event and nothing is indexed', async () => {
    const failing: IngestDeps = { ...deps, objects: { put: async () => Promise.reject(new Error('disk full')), delete: (key) => objects.delete(key) } };
    await assert.rejects(ingestInstance(failing, { kind: 'dataset', fragments: fragments(datasetBytes, 64 * 1024), ...received }, cstore), /disk full/);
    assert.deepEqual(events.map((e) => [e.outcome, e.detail?.refused]), [['success', undefined], ['minor-failure', 'not-stored']]);
    assert.equal(await index.getStudy({ studyUid }), undefined);
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
