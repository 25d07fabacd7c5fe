/**
 * Issue 4, acceptance 2, through the gateway: an in-process MedVeil (SQLite stores and encrypted
 * objects in a temporary folder, a real audit log, accounts created directly in the store) with
 * the DIMSE services of src/server/dimse-services.ts, driven by dcmtk. echoscu; storescu sends
 * pydicom's samples and synthetic CR images, stored encrypted; findscu finds them as each
 * account may see them; getscu and movescu retrieve them byte for byte; a move to an
 * unregistered destination is refused; an unknown calling AE title is rejected; and each of
 * these leaves its audit events.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Grant } from '../src/access/grant.js';
import type { AuditEventInput } from '../src/audit/event/audit-event.js';
import { AuditLog } from '../src/audit/log/audit-log.js';
import type { Dataset } from '../src/dicom/dataset.js';
import { readDicomFile } from '../src/dicom/read-dicom-file.js';
import { Tag } from '../src/dicom/tag.js';
import { encodeDicomFile } from '../src/dicom/write-dicom-file.js';
import { type DimseServer, startDimseServer } from '../src/dimse/dimse-server.js';
import { openTestGateway, TEST_NOW, type TestGateway } from './support/retrieve-instance-test-gateway.js';
import { syntheticCorpus } from '../src/samples/synthetic-corpus.js';
import { dimseServices } from '../src/server/dimse-services.js';
import { SqliteAuditStore } from '../src/storage/adapters/sqlite-audit-store.js';
import { type RunningStorescp, dcmdump, runDcmtk, startStorescp, STORESCU_PROPOSAL, storescuSamples } from './support/dcmtk.js';
import { listFiles, temporaryFolder } from './support/medveil-cli.js';

const AE_TITLE = 'MEDVEIL';

/** Calling AE titles and the accounts they are mapped to (config `dimse.peers`). */
const PEERS = [
  { aeTitle: 'MODALITY', user: 'cr-room-1' },
  { aeTitle: 'RADWS', user: 'dr-wang' },
  { aeTitle: 'CARDWS', user: 'dr-zhao' },
  { aeTitle: 'RESEARCH', user: 'res-chen' },
];

interface SourceFile {
  readonly path: string;
  readonly transferSyntaxUid: string;
  readonly studyUid: string;
  readonly sopInstanceUid: string;
}

const synthetic = syntheticCorpus({ patients: 2, imagesPerPatient: 2, imageSize: 32, seed: 'dimse-gateway' });
const syntheticImages = synthetic.files.filter((f) => f.file.dataset.has(Tag.PixelData));
/** Planted identifying tokens of the synthetic images, but their UIDs (kept by the masked view). */
const plantedTokens = synthetic.tokens.filter((t) => !t.text.startsWith('2.25.'));

let work: string;
let gateway: TestGateway;
let log: AuditLog;
let auditStore: SqliteAuditStore;
/** Every event the gateway appended to the real log, in order. */
const events: AuditEventInput[] = [];
let server: DimseServer;
let radws: RunningStorescp;
let archive: RunningStorescp;
const samples: SourceFile[] = [];
/** Sample files with the SOP Instance UID of an earlier one, and other content. */
const variants: SourceFile[] = [];
const syntheticSources: SourceFile[] = [];
let grants: Grant[] = [];

/** The data set of a Part 10 file: the bytes after the File Meta Information (explicit VR little endian, PS3.10 7.1). */
function dataSetOf(file: Buffer): Buffer {
  let at = 132;
  while (at + 8 <= file.length && file.readUInt16LE(at) === 0x0002) {
    const vr = file.toString('latin1', at + 4, at + 6);
    at += ['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV'].includes(vr) ? 12 + file.readUInt32LE(at + 8) : 8 + file.readUInt16LE(at + 6);
  }
  return file.subarray(at);
}

function peer(): string[] {
  return ['127.0.0.1', String(server.port)];
}

/** The events appended while `run` ran. */
async function eventsOf(run: () => Promise<unknown>): Promise<AuditEventInput[]> {
  const from = events.length;
  await run();
  return events.slice(from);
}

function readFolder(dir: string): { dataset: Dataset; bytes: Buffer }[] {
  return readdirSync(dir).map((name) => {
    const bytes = readFileSync(join(dir, name));
    return { dataset: readDicomFile(bytes).dataset, bytes };
  });
}

function freshFolder(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  return dir;
}

before(async () => {
  work = temporaryFolder('dimse-gateway');
  gateway = await openTestGateway(join(work, 'gateway'));
  auditStore = new SqliteAuditStore(join(work, 'audit.sqlite'));
  log = await AuditLog.open({ store: auditStore, origin: 'test.medveil/audit', clock: { now: () => TEST_NOW } });
  await gateway.addUser('cr-room-1', ['technician'], { departments: ['radiology'] });
  await gateway.addUser('dr-wang', ['radiologist'], { departments: ['radiology'] });
  await gateway.addUser('dr-zhao', ['clinician'], { departments: ['cardiology'] });
  await gateway.addUser('res-chen', ['researcher']);
  radws = await startStorescp({ aeTitle: 'RADWS', outputDir: freshFolder('radws') });
  archive = await startStorescp({ aeTitle: 'ARCHIVE', outputDir: freshFolder('archive') });
  const services = dimseServices({
    ...gateway.deps,
    grants: async (user) => grants.filter((g) => g.subjectUserId === user),
    // The real log checks and stores every event; the test keeps a copy to read back.
    audit: {
      append: async (event) => {
        const result = await log.append(event);
        await gateway.deps.audit.append(event);
        events.push(event);
        return result;
      },
    },
    peers: PEERS,
    moveDestinations: [
      { aeTitle: 'RADWS', host: '127.0.0.1', port: radws.port },
      { aeTitle: 'ARCHIVE', host: '127.0.0.1', port: archive.port },
    ],
  });
  server = await startDimseServer({
    port: 0,
    aeTitle: AE_TITLE,
    ...services,
    // pydicom's samples include private and retired SOP classes: ingest decides what it keeps.
    acceptedSopClasses: () => true,
  });

  for (const { path, file, sopInstanceUid } of storescuSamples()) {
    const studyUid = file.dataset.getString(Tag.StudyInstanceUID);
    if (studyUid === undefined) continue;
    // pydicom ships variants of one image under one SOP Instance UID (MR_small in eight syntaxes):
    // the first is stored, the others are what the conflict test sends.
    if (samples.some((s) => s.sopInstanceUid === sopInstanceUid)) {
      variants.push({ path, transferSyntaxUid: file.transferSyntaxUid, studyUid, sopInstanceUid });
      continue;
    }
    samples.push({ path, transferSyntaxUid: file.transferSyntaxUid, studyUid, sopInstanceUid });
  }
  const syntheticDir = freshFolder('synthetic');
  syntheticImages.forEach((f, i) => {
    const path = join(syntheticDir, `cr${i}.dcm`);
    writeFileSync(path, encodeDicomFile(f.file));
    syntheticSources.push({ path, transferSyntaxUid: f.file.transferSyntaxUid, studyUid: f.file.dataset.getString(Tag.StudyInstanceUID)!, sopInstanceUid: f.file.dataset.getString(Tag.SOPInstanceUID)! });
  });
});

after(async () => {
  await server?.close();
  await radws?.stop();
  await archive?.stop();
  await log?.close();
  await gateway?.close();
});

test('echoscu from a registered AE title gets Success; the association is recorded as a login of its account', async () => {
  const recorded = await eventsOf(async () => {
    const run = await runDcmtk('echoscu', ['-aet', 'RADWS', '-aec', AE_TITLE, ...peer()]);
    assert.equal(run.status, 0, run.output);
  });
  assert.deepEqual(recorded.map((e) => [e.type, e.actor.user, e.detail?.callingAe, e.detail?.methods]), [['login', 'dr-wang', 'RADWS', 'ae-title']]);
});

test('an unknown calling AE title is rejected, and the rejection recorded', async () => {
  const recorded = await eventsOf(async () => {
    const run = await runDcmtk('echoscu', ['-aet', 'INTRUDER', '-aec', AE_TITLE, ...peer()]);
    assert.notEqual(run.status, 0);
    assert.match(run.output, /Association Rejected/);
    assert.match(run.output, /Calling AE Title Not Recognized/);
  });
  assert.deepEqual(recorded.map((e) => [e.type, e.outcome, e.actor.user, e.detail?.reason]), [['login-failed', 'minor-failure', 'INTRUDER', 'unknown-ae-title']]);
});

/** Sends files with storescu as MODALITY, one run per transfer syntax, proposing each file's own. */
async function storescu(files: readonly SourceFile[]): Promise<string[]> {
  const bySyntax = new Map<string, string[]>();
  for (const f of files) bySyntax.set(f.transferSyntaxUid, [...(bySyntax.get(f.transferSyntaxUid) ?? []), f.path]);
  const failed: string[] = [];
  for (const [syntax, paths] of bySyntax) {
    const run = await runDcmtk('storescu', ['-R', '-nh', STORESCU_PROPOSAL[syntax]!, '-aet', 'MODALITY', '-aec', AE_TITLE, ...peer(), ...paths]);
    if (run.status !== 0) failed.push(`${syntax}: ${run.output}`);
  }
  return failed;
}

test('storescu sends pydicom samples and synthetic CR images: each is stored encrypted and its ingest recorded', async () => {
  assert.ok(samples.length >= 60, `only ${samples.length} samples`);
  const recorded = await eventsOf(async () => {
    assert.deepEqual(await storescu(syntheticSources), []);
    assert.deepEqual(await storescu(samples), []);
  });
  for (const source of [...syntheticSources, ...samples]) {
    assert.ok(await gateway.index.getInstance({ studyUid: source.studyUid, sopInstanceUid: source.sopInstanceUid }), `${source.path} is not indexed`);
  }
  const ingest = recorded.filter((e) => e.type === 'ingest');
  assert.equal(ingest.length, samples.length + syntheticSources.length);
  for (const e of ingest) {
    assert.equal(e.outcome, 'success');
    assert.deepEqual(e.actor, { user: 'cr-room-1', role: 'technician', address: '127.0.0.1' });
    assert.equal(e.detail?.via, 'c-store');
  }
  assert.equal((await gateway.index.getStudy({ studyUid: syntheticSources[0]!.studyUid }))?.level, 3, 'a chest CR is level 3');
  assert.equal((await gateway.index.getStudy({ studyUid: syntheticSources[0]!.studyUid }))?.department, 'radiology', "the modality account's department");

  const objectFiles = listFiles(gateway.objectFolder);
  assert.equal(objectFiles.length, samples.length + syntheticSources.length);
  for (const name of objectFiles) {
    const sealed = readFileSync(join(gateway.objectFolder, name));
    assert.equal(sealed.includes(Buffer.from('DICM')), false, `${name} holds plaintext DICOM`);
    assert.deepEqual(plantedTokens.filter((t) => sealed.includes(Buffer.from(t.bytes))).map((t) => t.place), [], name);
  }
});

test('another object under a stored SOP Instance UID is refused with 0xC000, never stored over the first, and recorded', async () => {
  const variant = variants.find((v) => v.path.endsWith('MR_small_bigendian.dcm'))!;
  const before = (await gateway.index.getInstance({ studyUid: variant.studyUid, sopInstanceUid: variant.sopInstanceUid }))!;
  const recorded = await eventsOf(async () => {
    const run = await runDcmtk('storescu', ['-d', STORESCU_PROPOSAL[variant.transferSyntaxUid]!, '-aet', 'MODALITY', '-aec', AE_TITLE, ...peer(), variant.path]);
    assert.match(run.output, /DIMSE Status\s*: 0xc000/i, run.output);
  });
  const after = (await gateway.index.getInstance({ studyUid: variant.studyUid, sopInstanceUid: variant.sopInstanceUid }))!;
  assert.equal(after.instance.sha256, before.instance.sha256);
  assert.equal(after.instance.blobKey, before.instance.blobKey);
  assert.deepEqual(recorded.filter((e) => e.type === 'ingest').map((e) => e.detail?.refused ?? 'recorded before the index refused it'), ['recorded before the index refused it', 'instance-differs']);
});

/** Every stored study with its patient reference, straight from the index. */
async function storedStudies(): Promise<{ studyUid: string; patientRef: string | undefined }[]> {
  const out: { studyUid: string; patientRef: string | undefined }[] = [];
  for (const source of [...syntheticSources, ...samples]) {
    if (out.some((s) => s.studyUid === source.studyUid)) continue;
    const study = (await gateway.index.getStudy({ studyUid: source.studyUid }))!;
    out.push({ studyUid: study.studyUid, patientRef: study.patientRef });
  }
  return out;
}

const STUDY_KEYS = ['-k', 'QueryRetrieveLevel=STUDY', '-k', 'StudyInstanceUID', '-k', 'PatientName', '-k', 'PatientID', '-k', 'PatientBirthDate', '-k', 'StudyDate', '-k', 'ModalitiesInStudy'];

async function findscu(callingAe: string, keys: readonly string[]): Promise<{ dataset: Dataset; bytes: Buffer }[]> {
  const dir = freshFolder(`find-${callingAe}-${events.length}`);
  const run = await runDcmtk('findscu', ['-S', '-X', '-od', dir, '-aet', callingAe, '-aec', AE_TITLE, ...keys, ...peer()]);
  assert.equal(run.status, 0, run.output);
  return readFolder(dir);
}

function text(dataset: Dataset, tag: number): string {
  return dataset.getString(tag) ?? '';
}

test('findscu: the radiologist with care relationships finds every study in full, an unrelated clinician finds nothing, a researcher finds them masked', async () => {
  const studies = await storedStudies();
  for (const { patientRef } of studies) {
    if (patientRef !== undefined && !(await gateway.accounts.careRelationships('dr-wang')).some((c) => c.patientRef === patientRef)) {
      await gateway.accounts.insertCareRelationship({ userName: 'dr-wang', patientRef, createdAt: TEST_NOW, createdBy: 'test' });
    }
  }
  const recorded = await eventsOf(async () => {
    const radiologist = await findscu('RADWS', STUDY_KEYS);
    assert.deepEqual(radiologist.map((r) => text(r.dataset, Tag.StudyInstanceUID)).sort(), studies.map((s) => s.studyUid).sort());
    for (const source of syntheticSources) {
      const found = radiologist.find((r) => text(r.dataset, Tag.StudyInstanceUID) === source.studyUid)!;
      const original = syntheticImages.find((f) => f.file.dataset.getString(Tag.SOPInstanceUID) === source.sopInstanceUid)!.file.dataset;
      assert.equal(text(found.dataset, Tag.PatientID), text(original, Tag.PatientID));
      assert.equal(text(found.dataset, Tag.PatientBirthDate), text(original, Tag.PatientBirthDate));
      assert.equal(text(found.dataset, Tag.ModalitiesInStudy), 'CR');
      assert.ok(plantedTokens.some((t) => found.bytes.includes(Buffer.from(t.bytes))), 'a full answer holds the planted identity (the masked check below can fail)');
    }

    assert.deepEqual(await findscu('CARDWS', STUDY_KEYS), []);

    const researcher = await findscu('RESEARCH', STUDY_KEYS);
    assert.deepEqual(researcher.map((r) => text(r.dataset, Tag.StudyInstanceUID)).sort(), studies.map((s) => s.studyUid).sort());
    for (const { dataset, bytes } of researcher) {
      for (const tag of [Tag.PatientName, Tag.PatientID, Tag.PatientBirthDate, Tag.StudyDate]) assert.equal(text(dataset, tag), '', `${text(dataset, Tag.StudyInstanceUID)} ${tag.toString(16)}`);
      assert.deepEqual(plantedTokens.filter((t) => bytes.includes(Buffer.from(t.bytes))).map((t) => t.place), []);
    }
  });
  const queries = recorded.filter((e) => e.type === 'query');
  assert.deepEqual(queries.map((e) => [e.actor.user, e.detail?.returned, e.detail?.masked, e.objects?.length ?? 0]), [
    ['dr-wang', String(studies.length), String(studies.filter((s) => s.patientRef === undefined).length), studies.length],
    ['dr-zhao', '0', '0', 0],
    ['res-chen', String(studies.length), String(studies.length), studies.length],
  ]);
  for (const e of queries) assert.equal(e.detail?.keys, 'none', 'empty keys ask for attributes; nothing was matched');
});

test('findscu: a name finds the study for the radiologist and nothing for the researcher, so a masked name cannot be guessed; series and image levels answer too', async () => {
  const source = syntheticSources[0]!;
  const family = synthetic.tokens.find((t) => t.place === 'patient0/PatientName family')!.text;
  const byName = ['-k', 'QueryRetrieveLevel=STUDY', '-k', 'StudyInstanceUID', '-k', `PatientName=${family}*`];
  assert.deepEqual((await findscu('RADWS', byName)).map((r) => text(r.dataset, Tag.StudyInstanceUID)), [source.studyUid]);
  assert.deepEqual(await findscu('RESEARCH', byName), []);
  assert.equal(events.at(-1)!.detail?.keys, 'PatientName');
  assert.equal(JSON.stringify(events.at(-1)).includes(family), false, 'the event names the key, not its value');

  const series = await findscu('RADWS', ['-k', 'QueryRetrieveLevel=SERIES', '-k', `StudyInstanceUID=${source.studyUid}`, '-k', 'SeriesInstanceUID', '-k', 'Modality', '-k', 'BodyPartExamined']);
  assert.deepEqual(series.map((r) => [text(r.dataset, Tag.Modality), text(r.dataset, Tag.BodyPartExamined)]), [['CR', 'CHEST']]);
  const images = await findscu('RESEARCH', ['-k', 'QueryRetrieveLevel=IMAGE', '-k', `StudyInstanceUID=${source.studyUid}`, '-k', 'SOPInstanceUID', '-k', 'PatientName', '-k', 'Rows']);
  assert.deepEqual(images.map((r) => text(r.dataset, Tag.SOPInstanceUID)).sort(), syntheticSources.filter((s) => s.studyUid === source.studyUid).map((s) => s.sopInstanceUid).sort());
  for (const { dataset } of images) {
    assert.equal(text(dataset, Tag.PatientName), '');
    assert.equal(dataset.getNumber(Tag.Rows), 32);
  }
});

test('findscu with a key the archive cannot match is refused with 0xC000, and the refusal recorded', async () => {
  const recorded = await eventsOf(async () => {
    const run = await runDcmtk('findscu', ['-d', '-S', '-aet', 'RADWS', '-aec', AE_TITLE, '-k', 'QueryRetrieveLevel=STUDY', '-k', 'PatientComments=secret', ...peer()]);
    assert.match(run.output, /DIMSE Status\s*: 0xc000/i, run.output);
    assert.doesNotMatch(run.output, /Error Comment[^\n]*secret/, 'the comment names the key, never its value');
  });
  const refused = recorded.find((e) => e.type === 'query')!;
  assert.equal(refused.outcome, 'minor-failure');
  assert.match(refused.detail?.refused ?? '', /PatientComments/);
  assert.equal(JSON.stringify(refused).includes('secret'), false);
});

function syntheticStudy(index: number): { studyUid: string; sources: SourceFile[] } {
  const studyUid = [...new Set(syntheticSources.map((s) => s.studyUid))][index]!;
  return { studyUid, sources: syntheticSources.filter((s) => s.studyUid === studyUid) };
}

/** Each received file's data set equals the data set of the file storescu sent. */
function assertSameDataSets(received: { dataset: Dataset; bytes: Buffer }[], sources: readonly SourceFile[]): void {
  assert.deepEqual(received.map((r) => text(r.dataset, Tag.SOPInstanceUID)).sort(), sources.map((s) => s.sopInstanceUid).sort());
  for (const { dataset, bytes } of received) {
    const source = sources.find((s) => s.sopInstanceUid === text(dataset, Tag.SOPInstanceUID))!;
    assert.ok(dataSetOf(bytes).equals(dataSetOf(readFileSync(source.path))), source.path);
  }
}

async function getscu(callingAe: string, studyUid: string): Promise<{ received: { dataset: Dataset; bytes: Buffer }[]; output: string }> {
  const dir = freshFolder(`get-${callingAe}-${events.length}`);
  const run = await runDcmtk('getscu', ['-v', '-S', '+B', '-od', dir, '-aet', callingAe, '-aec', AE_TITLE, '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${studyUid}`, ...peer()]);
  return { received: readFolder(dir), output: run.output };
}

test('getscu: the radiologist retrieves a study byte for byte, each instance recorded as a view with the digest of what was stored', async () => {
  const { studyUid, sources } = syntheticStudy(0);
  const recorded = await eventsOf(async () => {
    const { received, output } = await getscu('RADWS', studyUid);
    assertSameDataSets(received, sources);
    assert.match(output, /Received C-GET Response \(Success\)/, output);
    assert.match(output, /Number of Completed Suboperations : 2\n/, output);
  });
  const views = recorded.filter((e) => e.type === 'view');
  assert.deepEqual(views.map((e) => e.objects![0]!.instance).sort(), sources.map((s) => s.sopInstanceUid).sort());
  for (const view of views) {
    const stored = (await gateway.index.getInstance({ studyUid, sopInstanceUid: view.objects![0]!.instance! }))!;
    assert.deepEqual(view.digests, [{ algorithm: 'sha256', value: stored.instance.sha256 }]);
    assert.deepEqual(view.actor, { user: 'dr-wang', role: 'radiologist', address: '127.0.0.1' });
    assert.equal(view.detail?.via, 'c-get');
  }
});

/**
 * dcmdump's listing of the data set alone, as an independent reader sees it: no meta, no
 * transfer syntax line, and no encoded lengths (a sequence's differs between implicit and explicit VR).
 */
function dumpedDataSet(bytes: Buffer): string {
  const dump = dcmdump(bytes, ['+L', '-q']);
  assert.equal(dump.status, 0, dump.output);
  const lines = dump.output.split('# Dicom-Data-Set')[1]!.split('\n');
  return lines.filter((line) => !line.startsWith('# Used TransferSyntax')).map((line) => line.replace(/# +\d+,/, '#')).join('\n');
}

test('getscu: every pydicom sample comes back as stored: byte for byte in its stored syntax, element for element when getscu takes only another', async () => {
  const bySyntax = new Map<string, string[]>();
  for (const source of samples) {
    const stored = (await gateway.index.getInstance({ studyUid: source.studyUid, sopInstanceUid: source.sopInstanceUid }))!;
    bySyntax.set(stored.instance.transferSyntaxUid, [...(bySyntax.get(stored.instance.transferSyntaxUid) ?? []), source.sopInstanceUid]);
  }
  let received = 0;
  let transcoded = 0;
  const differing: string[] = [];
  for (const [syntax, uids] of bySyntax) {
    const dir = freshFolder(`get-samples-${received}-${syntax}`);
    // getscu proposes its storage contexts (SCP role) in explicit VR little endian and the
    // syntax it is told to prefer; dcmtk 3.6.7 has no option that proposes implicit VR alone.
    const prefer = STORESCU_PROPOSAL[syntax]!.replace('-', '+');
    const run = await runDcmtk('getscu', ['-S', '+B', prefer, '-od', dir, '-aet', 'RADWS', '-aec', AE_TITLE, '-k', 'QueryRetrieveLevel=IMAGE', '-k', `SOPInstanceUID=${uids.join('\\')}`, ...peer()]);
    assert.equal(run.status, 0, run.output);
    for (const { dataset, bytes } of readFolder(dir)) {
      received++;
      const source = samples.find((s) => s.sopInstanceUid === text(dataset, Tag.SOPInstanceUID))!;
      const stored = (await gateway.index.getInstance({ studyUid: source.studyUid, sopInstanceUid: source.sopInstanceUid }))!;
      const plain = (await gateway.objects.get(stored.instance.blobKey))!;
      const receivedSyntax = readDicomFile(bytes).transferSyntaxUid;
      if (receivedSyntax === syntax) {
        if (!dataSetOf(bytes).equals(dataSetOf(plain))) differing.push(source.path);
      } else {
        // Converted between native syntaxes (docs/dimse.md): the same elements, as dcmtk reads them.
        transcoded++;
        assert.deepEqual([syntax, receivedSyntax], ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1'], source.path);
        if (dumpedDataSet(bytes) !== dumpedDataSet(plain)) differing.push(`${source.path} (converted)`);
      }
    }
  }
  assert.deepEqual(differing, []);
  assert.ok(transcoded < received / 2, `${transcoded} of ${received} converted`);
  // getscu offers storage contexts for the SOP classes dcmtk knows; a private or retired one fails as a sub-operation.
  assert.ok(received >= samples.length * 0.9, `${received} of ${samples.length}`);
  assert.ok(bySyntax.size >= 8, `${bySyntax.size} transfer syntaxes`);
});

test('getscu: masked instances are never sent (failed sub-operations, each refusal recorded); a denied study sends nothing and looks like an empty one', async () => {
  const { studyUid, sources } = syntheticStudy(0);
  const masked = await eventsOf(async () => {
    const { received, output } = await getscu('RESEARCH', studyUid);
    assert.deepEqual(received, []);
    assert.match(output, new RegExp(`Number of Failed Suboperations\\s*: ${sources.length}\\n`), output);
    assert.match(output, /Number of Completed Suboperations\s*: 0\n/, output);
  });
  assert.deepEqual(masked.filter((e) => e.type === 'deny').map((e) => [e.objects![0]!.instance, e.detail?.reason]).sort(), sources.map((s) => [s.sopInstanceUid, 'masked-instance-unavailable']).sort());
  const denied = await eventsOf(async () => {
    const forbidden = await getscu('CARDWS', studyUid);
    const missing = await getscu('CARDWS', '1.2.3.4.5.6.7');
    assert.deepEqual(forbidden.received, []);
    assert.equal(forbidden.output.replace(/1\.2\.3\.4\.5\.6\.7|[0-9.]{20,}/g, 'UID').replace(/get-CARDWS-\d+/g, 'dir'), missing.output.replace(/1\.2\.3\.4\.5\.6\.7|[0-9.]{20,}/g, 'UID').replace(/get-CARDWS-\d+/g, 'dir'));
  });
  assert.deepEqual(denied.filter((e) => e.type === 'deny').map((e) => e.detail?.reason), ['no-visible-match', 'no-visible-match']);
});

async function movescu(callingAe: string, destination: string, studyUid: string): Promise<string> {
  const run = await runDcmtk('movescu', ['-v', '-S', '-aet', callingAe, '-aec', AE_TITLE, '-aem', destination, '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${studyUid}`, ...peer()]);
  return run.output;
}

test("movescu to the radiologist's own workstation is a view: the registered storescp receives every instance byte for byte", async () => {
  const { studyUid, sources } = syntheticStudy(1);
  const recorded = await eventsOf(async () => {
    const output = await movescu('RADWS', 'RADWS', studyUid);
    assert.match(output, /Received Final Move Response \(Success\)/, output);
  });
  assertSameDataSets(readFolder(join(work, 'radws')), sources);
  const views = recorded.filter((e) => e.type === 'view');
  assert.equal(views.length, sources.length);
  for (const view of views) assert.deepEqual([view.detail?.via, view.detail?.action, view.detail?.destination], ['c-move', 'view', 'RADWS']);
});

test('movescu to another registered AE is an export: nothing leaves without a grant, everything with one, each copy recorded as an export', async () => {
  const { studyUid, sources } = syntheticStudy(1);
  const refused = await eventsOf(async () => {
    const output = await movescu('RADWS', 'ARCHIVE', studyUid);
    assert.match(output, /Received Final Move Response \(Success\)/, output);
  });
  assert.deepEqual(readdirSync(join(work, 'archive')), []);
  assert.deepEqual(refused.filter((e) => e.type === 'deny').map((e) => [e.detail?.action, e.detail?.reason, e.detail?.destination]), [['export', 'no-visible-match', 'ARCHIVE']]);

  grants = [{ id: 'grant-archive-1', subjectUserId: 'dr-wang', scope: { kind: 'studies', studyUids: [studyUid] }, actions: ['export'], effect: 'full', validFrom: TEST_NOW - 1, validUntil: TEST_NOW + 60_000 }];
  try {
    const exported = await eventsOf(async () => {
      const output = await movescu('RADWS', 'ARCHIVE', studyUid);
      assert.match(output, /Received Final Move Response \(Success\)/, output);
    });
    assertSameDataSets(readFolder(join(work, 'archive')), sources);
    const exports = exported.filter((e) => e.type === 'export');
    assert.equal(exports.length, sources.length);
    for (const e of exports) assert.deepEqual([e.detail?.grant, e.detail?.destination, e.digests?.length], ['grant-archive-1', 'ARCHIVE', 1]);
  } finally {
    grants = [];
  }
});

test('a move to an unregistered destination is refused with 0xA801, sends nothing, and is recorded', async () => {
  const { studyUid } = syntheticStudy(0);
  const before = readdirSync(join(work, 'radws')).length + readdirSync(join(work, 'archive')).length;
  const recorded = await eventsOf(async () => {
    const output = await movescu('RADWS', 'NOWHERE', studyUid);
    assert.match(output, /Refused: ?Move ?Destination ?unknown/i, output);
  });
  assert.equal(readdirSync(join(work, 'radws')).length + readdirSync(join(work, 'archive')).length, before);
  assert.deepEqual(recorded.filter((e) => e.type === 'deny').map((e) => [e.actor.user, e.detail?.reason, e.detail?.destination]), [['dr-wang', 'move-destination-unknown', 'NOWHERE']]);
});

test('every event the gateway appended is in the audit log', () => {
  assert.equal(log.size(), events.length);
  assert.ok(events.length > 100);
});
