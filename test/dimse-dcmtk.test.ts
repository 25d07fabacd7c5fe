/**
 * Issue 4, acceptance 2: dcmtk's echoscu, storescu, findscu, getscu and movescu against our
 * DIMSE server, started in-process with handlers over an in-memory store; movescu's
 * destination is a real dcmtk storescp. Also: association rejections, a move to an
 * unregistered destination (0xA801), and peers that send garbage or stop mid-PDU.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { Dataset, type DatasetEncoding } from '../src/dicom/dataset.js';
import { readDataset } from '../src/dicom/read-dataset.js';
import { readDicomFile } from '../src/dicom/read-dicom-file.js';
import { Tag } from '../src/dicom/tag.js';
import { encodingOf, lookupTransferSyntax } from '../src/dicom/transfer-syntax.js';
import { encodeDicomFile } from '../src/dicom/write-dicom-file.js';
import { type DimseServer, startDimseServer } from '../src/dimse/dimse-server.js';
import type { AssociationInfo, DimseHandlers, QueryRequest, RetrievePlan } from '../src/dimse/dimse-handlers.js';
import { syntheticCorpus } from '../src/samples/synthetic-corpus.js';
import { type RunningStorescp, runDcmtk, startStorescp, STORESCU_PROPOSAL, storescuSamples } from './support/dcmtk.js';
import { temporaryFolder } from './support/medveil-cli.js';

const AE_TITLE = 'MEDVEIL';
const REFUSED_CALLER = 'INTRUDER';

interface HeldInstance {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntaxUid: string;
  readonly bytes: Buffer;
  readonly dataset: Dataset;
  readonly callingAeTitle: string;
}

interface SourceFile {
  readonly path: string;
  readonly transferSyntaxUid: string;
  readonly sopInstanceUid: string;
  readonly dataSet: Buffer;
}

const held = new Map<string, HeldInstance>();
let work: string;
let server: DimseServer;
let storescp: RunningStorescp;
let storescpDir: string;
let sources: SourceFile[] = [];
const synthetic = syntheticCorpus({ patients: 2, imagesPerPatient: 2 });

/** The data set of a Part 10 file: the bytes after the File Meta Information (explicit VR little endian, PS3.10 7.1). */
function dataSetOf(file: Buffer): Buffer {
  let at = 132;
  while (at + 8 <= file.length && file.readUInt16LE(at) === 0x0002) {
    const vr = file.toString('latin1', at + 4, at + 6);
    at += ['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV'].includes(vr) ? 12 + file.readUInt32LE(at + 8) : 8 + file.readUInt16LE(at + 6);
  }
  return file.subarray(at);
}

function readHeld(bytes: Buffer, transferSyntaxUid: string): Dataset {
  const syntax = lookupTransferSyntax(transferSyntaxUid)!;
  const plain = syntax.deflated ? inflateRawSync(bytes) : bytes;
  return readDataset(plain, encodingOf(syntax) as DatasetEncoding).dataset;
}

function textOf(dataset: Dataset, tag: number): string {
  return dataset.getString(tag) ?? '';
}

/** Matching of PS3.4 C.2.2.2 reduced to what the tests use: single value, or "*" wildcards. */
function matches(value: string, key: string): boolean {
  if (key === '' || key === '*') return true;
  if (!key.includes('*')) return value === key;
  const pattern = new RegExp(`^${key.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return pattern.test(value);
}

const LEVEL_KEY: Readonly<Record<string, number>> = { PATIENT: Tag.PatientID, STUDY: Tag.StudyInstanceUID, SERIES: Tag.SeriesInstanceUID, IMAGE: Tag.SOPInstanceUID };

/** The held instances whose attributes match every non-empty key of the identifier. */
function select(identifier: Dataset): HeldInstance[] {
  const keys = [...identifier].filter((e) => e.tag !== Tag.QueryRetrieveLevel && e.tag !== Tag.SpecificCharacterSet && e.items === undefined);
  return [...held.values()].filter((instance) => keys.every((e) => matches(textOf(instance.dataset, e.tag), identifier.getString(e.tag) ?? '')));
}

/** A patient ID that makes the find handler yield one match, then wait for the C-CANCEL before more. */
const WAIT_FOR_CANCEL = 'WAIT-FOR-CANCEL';

async function* find(request: QueryRequest): AsyncIterable<Dataset> {
  if (request.identifier.getString(Tag.PatientID) === WAIT_FOR_CANCEL) {
    for (let i = 0; i < 3; i++) {
      const answer = new Dataset(request.identifier.encoding);
      answer.setString(Tag.QueryRetrieveLevel, 'STUDY');
      answer.setString(Tag.StudyInstanceUID, `1.2.3.${i}`);
      yield answer;
      if (!request.signal.aborted) await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
    }
    return;
  }
  const level = request.identifier.getString(Tag.QueryRetrieveLevel) ?? '';
  const unique = LEVEL_KEY[level];
  if (unique === undefined) return;
  const seen = new Set<string>();
  for (const instance of select(request.identifier)) {
    const id = textOf(instance.dataset, unique);
    if (seen.has(id)) continue;
    seen.add(id);
    const answer = new Dataset(instance.dataset.encoding);
    answer.setString(Tag.QueryRetrieveLevel, level);
    for (const element of request.identifier) {
      if (element.tag === Tag.QueryRetrieveLevel) continue;
      const own = instance.dataset.get(element.tag);
      answer.set(own ?? { tag: element.tag, vr: element.vr, value: new Uint8Array(0) });
    }
    yield answer;
  }
}

function retrieve(request: QueryRequest): Promise<RetrievePlan> {
  const instances = select(request.identifier);
  return Promise.resolve({
    matches: instances.map(({ sopClassUid, sopInstanceUid, transferSyntaxUid }) => ({ sopClassUid, sopInstanceUid, transferSyntaxUid })),
    read: async (match) => held.get(match.sopInstanceUid)!.bytes,
  });
}

const handlers: DimseHandlers = {
  store: async (request) => {
    const fragments: Uint8Array[] = [];
    for await (const fragment of request.dataSet) fragments.push(fragment);
    const bytes = Buffer.concat(fragments);
    held.set(request.sopInstanceUid, {
      sopClassUid: request.sopClassUid,
      sopInstanceUid: request.sopInstanceUid,
      transferSyntaxUid: request.transferSyntaxUid,
      bytes,
      dataset: readHeld(bytes, request.transferSyntaxUid),
      callingAeTitle: request.association.callingAeTitle,
    });
  },
  find,
  get: retrieve,
  move: retrieve,
};

before(async () => {
  work = temporaryFolder('dimse-dcmtk');
  storescpDir = join(work, 'storescp');
  mkdirSync(storescpDir);
  storescp = await startStorescp({ aeTitle: 'STORESCP', outputDir: storescpDir });
  server = await startDimseServer({
    port: 0,
    aeTitle: AE_TITLE,
    handlers,
    acceptAssociation: (info: AssociationInfo) => info.callingAeTitle !== REFUSED_CALLER,
    // pydicom's samples include private and retired SOP classes: store whatever comes.
    acceptedSopClasses: () => true,
    moveDestinations: new Map([['STORESCP', { host: '127.0.0.1', port: storescp.port }]]),
  });
  for (const { path, bytes, file, sopInstanceUid } of storescuSamples()) {
    if (sources.some((s) => s.sopInstanceUid === sopInstanceUid)) continue;
    sources.push({ path, transferSyntaxUid: file.transferSyntaxUid, sopInstanceUid, dataSet: dataSetOf(bytes) });
  }
  const syntheticDir = join(work, 'synthetic');
  mkdirSync(syntheticDir);
  synthetic.files.forEach((f, i) => {
    const path = join(syntheticDir, `cr${i}.dcm`);
    const bytes = encodeDicomFile(f.file);
    writeFileSync(path, bytes);
    sources.push({ path, transferSyntaxUid: f.file.transferSyntaxUid, sopInstanceUid: f.file.dataset.getString(Tag.SOPInstanceUID)!, dataSet: dataSetOf(bytes) });
  });
});

after(async () => {
  await server?.close();
  await storescp?.stop();
});

function peer(): string[] {
  return ['127.0.0.1', String(server.port)];
}

test('echoscu gets Success from our C-ECHO', async () => {
  const run = await runDcmtk('echoscu', ['-v', '-aec', AE_TITLE, ...peer()]);
  assert.equal(run.status, 0, run.output);
  assert.match(run.output, /Received Echo Response \(Success\)/);
});

test('an association for another called AE title, or from a calling AE title the hook refuses, is rejected', async () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['wrong called AE title', ['-aec', 'SOMEONEELSE'], /Called AE Title Not Recognized/],
    ['refused calling AE title', ['-aec', AE_TITLE, '-aet', REFUSED_CALLER], /Calling AE Title Not Recognized/],
  ];
  for (const [name, args, reason] of cases) {
    const run = await runDcmtk('echoscu', [...args, ...peer()]);
    assert.notEqual(run.status, 0, name);
    assert.match(run.output, /Association Rejected/, name);
    assert.match(run.output, reason, name);
  }
});

test('storescu sends pydicom samples and synthetic CR images; each data set arrives byte for byte as dcmtk storescp receives it', async () => {
  // storescu re-encodes some files as it reads them (group lengths, padding), so the reference for
  // every file is what dcmtk's own storescp, bit-preserving, receives from the same storescu.
  const referenceDir = join(work, 'store-reference');
  mkdirSync(referenceDir);
  const reference = await startStorescp({ aeTitle: 'REFERENCE', outputDir: referenceDir });
  const bySyntax = new Map<string, SourceFile[]>();
  for (const source of sources) bySyntax.set(source.transferSyntaxUid, [...(bySyntax.get(source.transferSyntaxUid) ?? []), source]);
  assert.ok(sources.length >= 60, `only ${sources.length} files to send`);
  assert.ok(bySyntax.size >= 8, `only ${bySyntax.size} transfer syntaxes`);
  const failed: string[] = [];
  try {
    for (const [syntax, files] of bySyntax) {
      const paths = files.map((f) => f.path);
      for (const [aeTitle, port] of [[AE_TITLE, server.port], [reference.aeTitle, reference.port]] as const) {
        const run = await runDcmtk('storescu', ['-R', '-nh', STORESCU_PROPOSAL[syntax]!, '-aec', aeTitle, '127.0.0.1', String(port), ...paths]);
        if (run.status !== 0) failed.push(`${aeTitle} ${syntax}: ${run.output}`);
      }
    }
  } finally {
    await reference.stop();
  }
  assert.deepEqual(failed, []);
  const referenceBytes = new Map(readdirSync(referenceDir).map((name) => {
    const file = readFileSync(join(referenceDir, name));
    return [readDicomFile(file).meta.getString(Tag.MediaStorageSOPInstanceUID)!, dataSetOf(file)] as const;
  }));
  const differing: string[] = [];
  let sameAsFile = 0;
  for (const source of sources) {
    const instance = held.get(source.sopInstanceUid);
    assert.ok(instance, `${source.path} was not received`);
    assert.equal(instance.transferSyntaxUid, source.transferSyntaxUid, source.path);
    if (!instance.bytes.equals(referenceBytes.get(source.sopInstanceUid) ?? Buffer.alloc(0))) differing.push(source.path);
    if (instance.bytes.equals(source.dataSet)) sameAsFile++;
  }
  assert.deepEqual(differing, []);
  // Every synthetic file, and most samples, travel unchanged from file to handler.
  assert.ok(sameAsFile >= sources.length / 2, `${sameAsFile} of ${sources.length} equal their file`);
  for (const f of synthetic.files) {
    const uid = f.file.dataset.getString(Tag.SOPInstanceUID)!;
    assert.ok(held.get(uid)!.bytes.equals(sources.find((s) => s.sopInstanceUid === uid)!.dataSet), uid);
  }
});

test('findscu at study, series and image level gets exactly the identifiers the handler yields', async () => {
  const study = synthetic.files[0]!.file.dataset;
  const studyUid = textOf(study, Tag.StudyInstanceUID);
  const seriesUid = textOf(study, Tag.SeriesInstanceUID);
  const expected = (level: string, key: number, scope: (i: HeldInstance) => boolean) =>
    [...new Set([...held.values()].filter(scope).map((i) => textOf(i.dataset, key)))].sort();
  const cases: Array<[string, string[], number, string[]]> = [
    ['STUDY', ['-k', 'StudyInstanceUID', '-k', 'PatientID'], Tag.StudyInstanceUID, expected('STUDY', Tag.StudyInstanceUID, () => true)],
    ['SERIES', ['-k', `StudyInstanceUID=${studyUid}`, '-k', 'SeriesInstanceUID', '-k', 'Modality'], Tag.SeriesInstanceUID,
      expected('SERIES', Tag.SeriesInstanceUID, (i) => textOf(i.dataset, Tag.StudyInstanceUID) === studyUid)],
    ['IMAGE', ['-k', `StudyInstanceUID=${studyUid}`, '-k', `SeriesInstanceUID=${seriesUid}`, '-k', 'SOPInstanceUID'], Tag.SOPInstanceUID,
      expected('IMAGE', Tag.SOPInstanceUID, (i) => textOf(i.dataset, Tag.SeriesInstanceUID) === seriesUid)],
  ];
  for (const [level, keys, uniqueKey, want] of cases) {
    const dir = join(work, `find-${level}`);
    mkdirSync(dir);
    const run = await runDcmtk('findscu', ['-S', '-X', '-od', dir, '-aec', AE_TITLE, '-k', `QueryRetrieveLevel=${level}`, ...keys, ...peer()]);
    assert.equal(run.status, 0, run.output);
    const found = readdirSync(dir).map((name) => readDicomFile(readFileSync(join(dir, name))).dataset);
    assert.ok(want.length >= 1, level);
    assert.deepEqual(found.map((d) => textOf(d, uniqueKey)).sort(), want, level);
    for (const d of found) assert.equal(d.getString(Tag.QueryRetrieveLevel), level);
  }
});

test('findscu --cancel 1 stops a query after its first match and gets the Cancel status (C-CANCEL, PS3.7 9.3.2.3)', async () => {
  const run = await runDcmtk('findscu', ['-v', '-S', '--cancel', '1', '-aec', AE_TITLE, '-k', 'QueryRetrieveLevel=STUDY', '-k', `PatientID=${WAIT_FOR_CANCEL}`, '-k', 'StudyInstanceUID', ...peer()]);
  assert.equal(run.status, 0, run.output);
  assert.equal(run.output.match(/Find Response: \d+ \(Pending\)/g)?.length, 1, run.output);
  assert.match(run.output, /Received Final Find Response \(Cancel: MatchingTerminatedDueToCancelRequest\)/, run.output);
});

test('getscu retrieves a study over its own association; the files hold the data sets we hold', async () => {
  const studyUid = textOf(synthetic.files[0]!.file.dataset, Tag.StudyInstanceUID);
  const dir = join(work, 'getscu');
  mkdirSync(dir);
  const run = await runDcmtk('getscu', ['-S', '+B', '-od', dir, '-aec', AE_TITLE, '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${studyUid}`, ...peer()]);
  assert.equal(run.status, 0, run.output);
  const wanted = [...held.values()].filter((i) => textOf(i.dataset, Tag.StudyInstanceUID) === studyUid);
  const files = readdirSync(dir).map((name) => readFileSync(join(dir, name)));
  assert.equal(files.length, wanted.length);
  assert.ok(wanted.length >= 2);
  for (const file of files) {
    const uid = readDicomFile(file).meta.getString(Tag.MediaStorageSOPInstanceUID)!;
    assert.ok(dataSetOf(file).equals(held.get(uid)!.bytes), uid);
  }
});

test('movescu moves a study to the registered storescp, which receives every instance byte for byte', async () => {
  const studyUid = textOf(synthetic.files[2]!.file.dataset, Tag.StudyInstanceUID);
  const run = await runDcmtk('movescu', ['-v', '-S', '-aec', AE_TITLE, '-aem', storescp.aeTitle, '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${studyUid}`, ...peer()]);
  assert.equal(run.status, 0, run.output);
  const wanted = [...held.values()].filter((i) => textOf(i.dataset, Tag.StudyInstanceUID) === studyUid);
  assert.ok(wanted.length >= 2);
  const received = new Map(readdirSync(storescpDir).map((name) => {
    const file = readFileSync(join(storescpDir, name));
    return [readDicomFile(file).meta.getString(Tag.MediaStorageSOPInstanceUID)!, dataSetOf(file)] as const;
  }));
  for (const instance of wanted) assert.ok(received.get(instance.sopInstanceUid)?.equals(instance.bytes), instance.sopInstanceUid);
  assert.match(run.output, /Received Final Move Response \(Success\)/);
});

test('a move to a destination that is not registered is refused with 0xA801 and sends nothing', async () => {
  const filesBefore = readdirSync(storescpDir).length;
  const studyUid = textOf(synthetic.files[0]!.file.dataset, Tag.StudyInstanceUID);
  const run = await runDcmtk('movescu', ['-v', '-S', '-aec', AE_TITLE, '-aem', 'NOWHERE', '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${studyUid}`, ...peer()]);
  assert.match(run.output, /Refused: ?Move ?Destination ?unknown/i, run.output);
  assert.equal(readdirSync(storescpDir).length, filesBefore);
});

/** Connects, sends `bytes`, optionally closes our side, and collects what the server sends until it closes. */
function rawExchange(bytes: Buffer, closeAfterSend: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: server.port });
    const received: Buffer[] = [];
    socket.on('data', (chunk) => {
      received.push(chunk);
      // An A-ABORT is the server's last word; we close as PS3.8 9.2 expects of the peer.
      if (Buffer.concat(received)[0] === 0x07) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(received)));
    socket.on('connect', () => {
      socket.write(bytes);
      if (closeAfterSend) socket.end();
    });
  });
}

test('a peer that sends garbage gets an A-ABORT; one that stops mid-PDU is dropped; the server keeps serving', async () => {
  const garbage = await rawExchange(Buffer.from('GET / HTTP/1.1\r\nHost: medveil\r\n\r\n'), false);
  assert.equal(garbage[0], 0x07, 'A-ABORT');
  assert.equal(garbage.length, 10);
  // An A-ASSOCIATE-RQ header announcing 200 bytes, then 3 of them, then the connection closes.
  const cut = await rawExchange(Buffer.from('01000000000c80001000', 'hex').subarray(0, 9), true);
  assert.equal(cut.length, 0);
  const huge = await rawExchange(Buffer.from('0100ffffffff', 'hex'), false);
  assert.equal(huge[0], 0x07, 'a PDU longer than the limit is aborted before its body arrives');
  const run = await runDcmtk('echoscu', ['-aec', AE_TITLE, ...peer()]);
  assert.equal(run.status, 0, run.output);
});
