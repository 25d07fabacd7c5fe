/**
 * Issue 4, acceptances 3 and 5: DICOMweb interop with the `dicomweb-client` npm package (the
 * client OHIF uses) against `medveil serve` (startServer), started in-process on a free port on a
 * fresh data folder: keys, encrypted objects, SQLite index and the signed audit log as in
 * production, accounts created through the API after the bootstrap code. A technician stores
 * synthetic CR images and pydicom's samples
 * (STOW-RS); a radiologist with care relationships searches (QIDO-RS), reads metadata and frames
 * (WADO-RS), and every frame's bytes equal the pixel data pydicom reads from the same file; a
 * masked clinician's searches and metadata hold none of the planted PHI tokens, and their pixel
 * requests are refused. Also: dot segments sent as they are (no client normalises them here),
 * and the audit log the server wrote, verified with its public key and read back.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import dicomweb from 'dicomweb-client';
import { generate } from 'otplib';
import { patientReference } from '../src/access/patient-reference.js';
import { readKeyFile } from '../src/crypto/key-file.js';
import { readDicomFile } from '../src/dicom/read-dicom-file.js';
import { Tag } from '../src/dicom/tag.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../src/dicom/transfer-syntax.js';
import { encodeDicomFile } from '../src/dicom/write-dicom-file.js';
import { pixelFrames } from '../src/dicomweb/pixel-frames.js';
import { syntheticCorpus } from '../src/samples/synthetic-corpus.js';
import { parseServerConfig } from '../src/server/config.js';
import { type RunningServer, startServer } from '../src/server/serve.js';
import { PATIENT_REFERENCE_KEY_FILE, serverKeyFiles } from '../src/server/server-keys.js';
import { medveil, temporaryFolder } from './support/medveil-cli.js';
import { pydicomData, SYSTEM_PYTHON } from './support/pydicom-files.js';

// dicomweb-client speaks XMLHttpRequest; xhr2 is its implementation for Node.
(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = createRequire(import.meta.url)('xhr2');

/**
 * pydicom's samples, chosen for what they exercise: explicit and implicit VR little endian,
 * big endian (frames are swapped), deflated, RLE (two compressed colour frames),
 * and a 1-bit segmentation. None shares a study with another patient's.
 */
const PYDICOM_SAMPLES = ['CT_small.dcm', 'MR_small_bigendian.dcm', 'image_dfl.dcm', 'SC_rgb_rle_2frame.dcm', 'liver_1frame.dcm'];
const RLE = '1.2.840.10008.1.2.5';

/**
 * SHA-256 of every frame of each file as pydicom (numpy) sees it, in the form DICOMweb serves
 * frames: native pixel data little endian, frame after frame, a 1-bit frame as its packed bits;
 * RLE frames as their encapsulated bytes. `null` for a file without Pixel Data.
 */
const PYDICOM_FRAMES = String.raw`
import hashlib, json, os, sys
import numpy as np
import pydicom
from pydicom.encaps import generate_pixel_data_frame
folder, names = sys.argv[1], sys.argv[2:]
out = {}
for name in names:
    ds = pydicom.dcmread(os.path.join(folder, name))
    if 'PixelData' not in ds:
        out[name] = None
        continue
    n = int(ds.get('NumberOfFrames', 1) or 1)
    if ds.file_meta.TransferSyntaxUID.is_compressed:
        frames = list(generate_pixel_data_frame(ds.PixelData, n))
    else:
        raw = ds.PixelData
        bits = ds.Rows * ds.Columns * ds.get('SamplesPerPixel', 1) * ds.BitsAllocated
        if ds.BitsAllocated > 8 and not ds.file_meta.TransferSyntaxUID.is_little_endian:
            dtype = {16: '>u2', 32: '>u4'}[ds.BitsAllocated]
            raw = np.frombuffer(raw, dtype=dtype).astype(dtype.replace('>', '<')).tobytes()
        if bits % 8 == 0:
            frames = [raw[i * bits // 8:(i + 1) * bits // 8] for i in range(n)]
        else:
            assert n == 1
            frames = [raw[:(bits + 7) // 8]]
    out[name] = {'frames': [hashlib.sha256(f).hexdigest() for f in frames]}
print(json.dumps(out))
`;

const work = temporaryFolder('dicomweb-client');
const corpus = syntheticCorpus({ patients: 2, imagesPerPatient: 2, imageSize: 32, seed: 'dicomweb-client' });
const hiddenTokens = corpus.tokens.filter((token) => !token.text.startsWith('2.25.')).map((token) => token.text);

interface StoredFile {
  readonly name: string;
  readonly bytes: Buffer;
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopInstanceUid: string;
  readonly synthetic: boolean;
}
const files: StoredFile[] = [];
/** SHA-256 of each frame as pydicom reads it, by file name; undefined for a file without pixels. */
let pydicomFrames: Record<string, { frames: string[] } | null>;
let server: RunningServer;
let base: string;
const dataDir = join(work, 'medveil-data');
const PASSWORD = 'a lantern by the harbour wall';
/** Session tokens by user name. */
const sessions: Record<string, string> = {};

/** The calls of dicomweb-client this test makes (its bundled types, generated from JSDoc, mark every option required). */
interface Client {
  storeInstances(options: { datasets: ArrayBuffer[] }): Promise<unknown>;
  searchForStudies(options: { queryParams?: Record<string, string> }): Promise<unknown>;
  searchForSeries(options: { studyInstanceUID?: string; queryParams?: Record<string, string> }): Promise<unknown>;
  searchForInstances(options: { studyInstanceUID?: string; queryParams?: Record<string, string> }): Promise<unknown>;
  retrieveStudyMetadata(options: { studyInstanceUID: string }): Promise<unknown>;
  retrieveInstanceMetadata(options: InstanceIds): Promise<unknown>;
  retrieveInstanceFrames(options: InstanceIds & { frameNumbers: number[]; mediaTypes?: MediaTypeOption[] }): Promise<unknown>;
  retrieveInstance(options: InstanceIds & { mediaTypes?: MediaTypeOption[] }): Promise<unknown>;
}
interface InstanceIds {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  sopInstanceUID: string;
}
interface MediaTypeOption {
  mediaType: string;
  transferSyntaxUID?: string;
}
const clients = {} as Record<'technician' | 'radiologist' | 'clinician', Client>;

function client(authorization: string): Client {
  const Constructor = dicomweb.api.DICOMwebClient as unknown as new (options: object) => Client;
  return new Constructor({ url: `${base}/dicom-web`, headers: { Authorization: authorization }, verbose: false });
}

before(async () => {
  const pydicomRoot = pydicomData().root;
  for (const name of PYDICOM_SAMPLES) files.push(described(name, readFileSync(join(pydicomRoot, 'test_files', name)), false));
  corpus.files.forEach(({ file }, i) => files.push(described(`synthetic-${i}.dcm`, encodeDicomFile(file), true)));
  for (const file of files) writeFileSync(join(work, file.name), file.bytes);
  pydicomFrames = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', PYDICOM_FRAMES, work, ...files.map((f) => f.name)], { encoding: 'utf8' }));

  let output = '';
  const config = parseServerConfig('http:\n  port: 0\ndimse:\n  port: 0\nlog:\n  level: silent\n', { source: 'the test config', baseDir: work });
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  server = await startServer(config, { out: (text) => void (output += text), logStream: quiet });
  base = server.url;

  // The first administrator, from the printed bootstrap code, with a second factor.
  const code = /^ {4}([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})$/m.exec(output)![1]!;
  assert.equal((await api('POST', '/api/bootstrap', { code, userName: 'ada.admin', password: PASSWORD })).status, 201);
  const first = await api('POST', '/api/login', { userName: 'ada.admin', password: PASSWORD });
  const enrolment = await api('POST', '/api/me/totp', undefined, first.json.token as string);
  const confirmed = await api('POST', '/api/me/totp/confirm', { code: await generate({ secret: enrolment.json.secret as string }) }, first.json.token as string);
  sessions.admin = confirmed.json.token as string;
  assert.equal((await api('POST', '/api/departments', { id: 'radiology' }, sessions.admin)).status, 201);
  for (const [userName, role] of [['tech', 'technician'], ['rad', 'radiologist'], ['clin', 'clinician']] as const) {
    const created = await api('POST', '/api/users', { userName, password: PASSWORD, roles: [role], departments: ['radiology'] }, sessions.admin);
    assert.equal(created.status, 201, JSON.stringify(created.json));
    sessions[userName] = (await api('POST', '/api/login', { userName, password: PASSWORD })).json.token as string;
  }
  clients.technician = client(`Bearer ${sessions.tech}`);
  clients.radiologist = client(`Bearer ${sessions.rad}`);
  clients.clinician = client(`Bearer ${sessions.clin}`);
});
after(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: object, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(base + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

function described(name: string, bytes: Buffer, synthetic: boolean): StoredFile {
  const { dataset } = readDicomFile(bytes);
  const uid = (tag: number) => dataset.getString(tag)!.trim();
  return { name, bytes, studyUid: uid(Tag.StudyInstanceUID), seriesUid: uid(Tag.SeriesInstanceUID), sopInstanceUid: uid(Tag.SOPInstanceUID), synthetic };
}

/** Files whose study has no patient reference (no Patient ID): no care relationship reaches them. */
const withoutPatient = new Set<string>();
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** The images the radiologist sees in full. */
const withPixels = () => files.filter((file) => pydicomFrames[file.name] !== null && !withoutPatient.has(file.name));
const leaked = (text: string) => hiddenTokens.filter((token) => text.includes(token));

describe('dicomweb-client against MedVeil', () => {
  test('store: every instance is stored through STOW-RS (storeInstances)', async () => {
    const response = await clients.technician.storeInstances({ datasets: files.map((file) => Uint8Array.from(file.bytes).buffer) });
    const body = JSON.parse(String(response)) as Record<string, { Value?: Array<Record<string, { Value: string[] }>> }>;
    assert.equal(body['00081198'], undefined, `failures: ${JSON.stringify(body['00081198'])}`);
    assert.deepEqual(body['00081199']!.Value!.map((item) => item['00081155']!.Value[0]).sort(), files.map((file) => file.sopInstanceUid).sort());

    // The radiologist cares for every patient stored (set through the API, by the pseudonymous
    // reference the server's key gives); the clinician only works in the department.
    const key = readKeyFile(serverKeyFiles(dataDir).patientReference, PATIENT_REFERENCE_KEY_FILE).key;
    const refs = new Set<string>();
    for (const file of files) {
      const { dataset } = readDicomFile(file.bytes);
      const patientRef = patientReference(key, { patientId: dataset.getString(Tag.PatientID) ?? '', issuer: dataset.getString(Tag.IssuerOfPatientID) ?? '' });
      if (patientRef === undefined) withoutPatient.add(file.name);
      else refs.add(patientRef);
    }
    assert.deepEqual([...withoutPatient], ['image_dfl.dcm'], 'only the sample without a Patient ID has no patient reference');
    for (const patientRef of refs) assert.equal((await api('PUT', `/api/users/rad/care/${patientRef}`, undefined, sessions.admin)).status, 201);
  });

  test('search: studies, series and instances are found (searchForStudies, searchForSeries, searchForInstances)', async () => {
    const studies = (await clients.radiologist.searchForStudies({ queryParams: { includefield: 'all' } })) as Array<Record<string, { Value: string[] }>>;
    const studyUids = [...new Set(files.map((file) => file.studyUid))].sort();
    assert.deepEqual(studies.map((study) => study['0020000D']!.Value[0]).sort(), studyUids);
    for (const file of files) {
      const series = (await clients.radiologist.searchForSeries({ studyInstanceUID: file.studyUid })) as Array<Record<string, { Value: string[] }>>;
      assert.ok(series.some((s) => s['0020000E']!.Value[0] === file.seriesUid), file.name);
      const instances = (await clients.radiologist.searchForInstances({ studyInstanceUID: file.studyUid, queryParams: { SOPInstanceUID: file.sopInstanceUid } })) as Array<Record<string, { Value: string[] }>>;
      assert.deepEqual(instances.map((i) => i['00080018']!.Value[0]), [file.sopInstanceUid], file.name);
    }
    const byName = (await clients.radiologist.searchForStudies({ queryParams: { PatientName: `${corpus.tokens.find((t) => t.place === 'patient0/PatientName family')!.text}*` } })) as unknown[];
    assert.equal(byName.length, 1);
  });

  test('metadata: each instance\'s metadata names it, and its Pixel Data is a BulkDataURI (retrieveStudyMetadata, retrieveInstanceMetadata)', async () => {
    for (const file of files) {
      const study = (await clients.radiologist.retrieveStudyMetadata({ studyInstanceUID: file.studyUid })) as Array<Record<string, { Value?: string[]; BulkDataURI?: string }>>;
      const mine = study.find((object) => object['00080018']?.Value?.[0] === file.sopInstanceUid);
      assert.ok(mine, file.name);
      if (withPixels().includes(file)) assert.match(mine['7FE00010']!.BulkDataURI!, /\/bulkdata\/7FE00010$/, file.name);
      if (withoutPatient.has(file.name)) assert.equal(mine['7FE00010'], undefined, `${file.name} is masked, without pixel data`);
      const one = (await clients.radiologist.retrieveInstanceMetadata({ studyInstanceUID: file.studyUid, seriesInstanceUID: file.seriesUid, sopInstanceUID: file.sopInstanceUid })) as unknown[];
      assert.equal(one.length, 1, file.name);
    }
  });

  test('frames: every frame of every image is served with the bytes pydicom reads (retrieveInstanceFrames)', async () => {
    for (const file of withPixels()) {
      const expected = pydicomFrames[file.name]!.frames;
      const numbers = expected.map((_, i) => i + 1);
      const compressed = readDicomFile(file.bytes).transferSyntaxUid === RLE;
      const frames = (await clients.radiologist.retrieveInstanceFrames({
        studyInstanceUID: file.studyUid,
        seriesInstanceUID: file.seriesUid,
        sopInstanceUID: file.sopInstanceUid,
        frameNumbers: numbers,
        ...(compressed ? { mediaTypes: [{ mediaType: 'image/x-dicom-rle', transferSyntaxUID: RLE }] } : {}),
      })) as ArrayBuffer[];
      assert.deepEqual(frames.map((frame) => sha256(new Uint8Array(frame))), expected, file.name);
    }
  });

  test('retrieve: an instance comes back as a PS3.10 file in Explicit VR Little Endian (as stored when held compressed), its pixel data pydicom\'s (retrieveInstance)', async () => {
    for (const file of withPixels()) {
      const ids = { studyInstanceUID: file.studyUid, seriesInstanceUID: file.seriesUid, sopInstanceUID: file.sopInstanceUid };
      const served = new Uint8Array((await clients.radiologist.retrieveInstance(ids)) as ArrayBuffer);
      const original = readDicomFile(file.bytes);
      if (original.transferSyntaxUid === RLE || original.transferSyntaxUid === EXPLICIT_VR_LITTLE_ENDIAN) {
        assert.equal(sha256(served), sha256(file.bytes), `${file.name} is served as stored`);
        continue;
      }
      const converted = readDicomFile(served);
      assert.equal(converted.transferSyntaxUid, EXPLICIT_VR_LITTLE_ENDIAN, file.name);
      assert.equal(converted.dataset.getString(Tag.SOPInstanceUID), file.sopInstanceUid, file.name);
      const frames = pixelFrames(converted.dataset);
      assert.ok(frames.ok && frames.frames.kind === 'native', file.name);
      const hashes = pydicomFrames[file.name]!.frames.map((_, i) => sha256(frames.frames.frame(i) as Uint8Array));
      assert.deepEqual(hashes, pydicomFrames[file.name]!.frames, file.name);
    }
  });

  test('a sample without a Patient ID is masked even for the radiologist: no care relationship can name its patient', async () => {
    const file = files.find((f) => withoutPatient.has(f.name))!;
    const ids = { studyInstanceUID: file.studyUid, seriesInstanceUID: file.seriesUid, sopInstanceUID: file.sopInstanceUid };
    const served = readDicomFile(new Uint8Array((await clients.radiologist.retrieveInstance(ids)) as ArrayBuffer));
    assert.equal(served.transferSyntaxUid, EXPLICIT_VR_LITTLE_ENDIAN, 'the masked file');
    const expected = pydicomFrames[file.name];
    if (expected === null || expected === undefined) return;
    const frames = (await clients.radiologist.retrieveInstanceFrames({ ...ids, frameNumbers: [1] })) as ArrayBuffer[];
    assert.notEqual(sha256(new Uint8Array(frames[0]!)), expected.frames[0], 'the frame is masked, not the stored one');
  });

  test('a masked clinician\'s searches and metadata hold none of the planted PHI tokens (acceptance 5)', async () => {
    const responses: unknown[] = [];
    responses.push(await clients.clinician.searchForStudies({ queryParams: { includefield: 'all' } }));
    responses.push(await clients.clinician.searchForSeries({ queryParams: { includefield: 'all' } }));
    responses.push(await clients.clinician.searchForInstances({ queryParams: { includefield: 'all' } }));
    for (const studyUid of new Set(files.filter((file) => file.synthetic).map((file) => file.studyUid))) {
      responses.push(await clients.clinician.retrieveStudyMetadata({ studyInstanceUID: studyUid }));
    }
    const text = JSON.stringify(responses);
    assert.ok(text.includes(files.find((file) => file.synthetic)!.studyUid), 'the clinician does find the studies');
    assert.deepEqual(leaked(text), []);
    // The same responses for the radiologist hold the tokens: the check above can fail.
    assert.ok(leaked(JSON.stringify(await clients.radiologist.searchForStudies({ queryParams: { includefield: 'all' } }))).length > 0);
  });

  test('a masked clinician\'s pixel requests are served masked, never unmasked: other frames than pydicom reads, no planted token', async () => {
    const file = files.find((f) => f.synthetic && pydicomFrames[f.name] !== null)!;
    const ids = { studyInstanceUID: file.studyUid, seriesInstanceUID: file.seriesUid, sopInstanceUID: file.sopInstanceUid };
    const frames = (await clients.clinician.retrieveInstanceFrames({ ...ids, frameNumbers: [1] })) as ArrayBuffer[];
    assert.equal(frames.length, 1);
    assert.notEqual(sha256(new Uint8Array(frames[0]!)), pydicomFrames[file.name]!.frames[0]);
    const served = new Uint8Array((await clients.clinician.retrieveInstance(ids)) as ArrayBuffer);
    assert.equal(readDicomFile(served).transferSyntaxUid, EXPLICIT_VR_LITTLE_ENDIAN);
    assert.deepEqual(leaked(Buffer.from(served).toString('latin1')), []);
  });

  test('dot segments sent as they are never reach a route: refused', async () => {
    const allowed = files[0]!;
    const paths: Array<[string, number]> = [
      [`/dicom-web/studies/${allowed.studyUid}/series/../metadata`, 400],
      [`/dicom-web/studies/${allowed.studyUid}/series/%2e%2e/metadata`, 400],
      [`/dicom-web/studies/${allowed.studyUid}/series/${allowed.seriesUid}/instances/./metadata`, 400],
      [`/dicom-web/studies/${allowed.studyUid}/../${files[1]!.studyUid}/metadata`, 404],
    ];
    for (const [path, status] of paths) {
      const answer = await rawGet(path, `Bearer ${sessions.rad}`);
      assert.equal(answer.status, status, `${path}: ${answer.body}`);
    }
  });

  test('the object folder holds no plaintext DICOM, and the audit log verifies and holds every kind of event above', async () => {
    for (const name of walk(join(dataDir, 'objects'))) assert.equal(readFileSync(name).includes(Buffer.from('DICM')), false, name);
    const verified = medveil(['audit', 'verify', '--db', join(dataDir, 'audit.sqlite'), '--key', serverKeyFiles(dataDir).auditPublic, '--json']);
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    const tail = medveil(['audit', 'tail', '--db', join(dataDir, 'audit.sqlite'), '--json', '-n', '100000']);
    const events = tail.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; actor: { user: string }; detail?: Record<string, string> });
    const count = (type: string, user: string, detail: Record<string, string> = {}) =>
      events.filter((e) => e.type === type && e.actor.user === user && Object.entries(detail).every(([k, v]) => e.detail?.[k] === v)).length;
    assert.equal(count('ingest', 'tech', { via: 'stow-rs' }), files.length);
    assert.ok(count('query', 'rad', { via: 'qido-rs' }) > 0);
    assert.ok(count('view', 'rad', { via: 'wado-rs' }) > 0);
    assert.ok(count('view-masked', 'clin', { via: 'wado-rs' }) > 0);
    assert.ok(count('view-masked', 'clin', { representation: 'frames' }) >= 1);
    assert.ok(count('view-masked', 'clin', { representation: 'instance' }) >= 1);
    assert.equal(count('deny', 'rad', { reason: 'non-canonical-path' }), 3);
    assert.equal(count('deny', 'rad', { reason: 'unknown-route' }), 1);
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** A GET whose path is sent byte for byte, as a hostile client would. */
function rawGet(path: string, authorization: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const request = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET', headers: { authorization } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end();
  });
}
