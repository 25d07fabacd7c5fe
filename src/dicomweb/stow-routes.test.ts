import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Tag } from '../dicom/tag.js';
import { encodeDicomFile } from '../dicom/write-dicom-file.js';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import { multipartBody } from './multipart-related-writer.js';
import { testDicomwebApp, type TestDicomwebApp } from '../../test/support/testing-dicomweb-app.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-stow-'));
const corpus = syntheticCorpus({ patients: 2, imagesPerPatient: 2, imageSize: 16, seed: 'stow-routes' });
const files = corpus.files.map(({ file }) => ({
  bytes: encodeDicomFile(file),
  studyUid: file.dataset.getString(Tag.StudyInstanceUID)!,
  sopInstanceUid: file.dataset.getString(Tag.SOPInstanceUID)!,
}));
let t: TestDicomwebApp;
let technician: string;

before(async () => {
  t = await testDicomwebApp(work, { maxStowParts: 5, maxObjectBytes: 256 * 1024, maxStowBytes: 1024 * 1024 });
  technician = await t.signedIn('tech', ['technician'], { departments: ['radiology'] });
});
after(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

const BOUNDARY = 'stow-test-boundary';
const CONTENT_TYPE = `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`;

function body(parts: readonly Uint8Array[], contentType = 'application/dicom'): Buffer {
  return Buffer.concat(multipartBody(BOUNDARY, parts.map((part) => ({ contentType, content: [part] }))));
}

async function stow(authorization: string, payload: Buffer, options: { url?: string; contentType?: string } = {}) {
  return t.app.inject({ method: 'POST', url: options.url ?? '/dicom-web/studies', headers: { authorization, 'content-type': options.contentType ?? CONTENT_TYPE, accept: 'application/dicom+json' }, payload });
}

type StowBody = Record<string, { Value?: Array<Record<string, { Value?: unknown[] }>> }>;
const referenced = (response: { json(): unknown }) => ((response.json() as StowBody)['00081199']?.Value ?? []).map((item) => item['00081155']!.Value![0]);
const failures = (response: { json(): unknown }) => ((response.json() as StowBody)['00081198']?.Value ?? []).map((item) => item['00081197']!.Value![0]);

describe('STOW-RS', () => {
  test('a technician stores instances: 200, each in the Referenced SOP Sequence with its Retrieve URL, one ingest event each, encrypted at rest', async () => {
    t.events.length = 0;
    const response = await stow(technician, body(files.slice(0, 2).map((f) => f.bytes)));
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^application\/dicom\+json/);
    assert.deepEqual(referenced(response), files.slice(0, 2).map((f) => f.sopInstanceUid));
    const retrieveUrl = (response.json() as StowBody)['00081199']!.Value![0]!['00081190']!.Value![0];
    assert.match(String(retrieveUrl), new RegExp(`/dicom-web/studies/${files[0]!.studyUid}/series/[0-9.]+/instances/${files[0]!.sopInstanceUid}$`));
    assert.deepEqual(t.events.map((e) => [e.type, e.outcome, e.actor.user, e.detail?.via]), [
      ['ingest', 'success', 'tech', 'stow-rs'],
      ['ingest', 'success', 'tech', 'stow-rs'],
    ]);
    const stored = (await t.gateway.index.getStudy({ studyUid: files[0]!.studyUid }))!;
    assert.equal(stored.department, 'radiology');
    for (const name of walk(t.gateway.objectFolder)) assert.equal(readFileSync(name).includes(Buffer.from('DICM')), false, name);
  });

  test('sending the same instances again is idempotent: 200 and nothing stored twice', async () => {
    const before = walk(t.gateway.objectFolder).length;
    const response = await stow(technician, body([files[0]!.bytes]));
    assert.equal(response.statusCode, 200);
    assert.equal(walk(t.gateway.objectFolder).length, before);
  });

  test('a body with good and bad parts answers 202: the good ones referenced, the bad ones failed with a reason', async () => {
    const response = await stow(technician, body([files[2]!.bytes, Buffer.from('not DICOM at all')]));
    assert.equal(response.statusCode, 202, response.body);
    assert.deepEqual(referenced(response), [files[2]!.sopInstanceUid]);
    assert.deepEqual(failures(response), [0xc000]);
  });

  test('an instance of another study than the URL names is not stored: 409, Failure Reason A900, audited', async () => {
    t.events.length = 0;
    const response = await stow(technician, body([files[3]!.bytes]), { url: `/dicom-web/studies/${files[0]!.studyUid}` });
    assert.equal(response.statusCode, 409, response.body);
    assert.deepEqual(failures(response), [0xa900]);
    assert.equal(await t.gateway.index.getInstance({ studyUid: files[3]!.studyUid, sopInstanceUid: files[3]!.sopInstanceUid }), undefined);
    assert.deepEqual(t.events.map((e) => [e.type, e.outcome, e.detail?.refused]), [['ingest', 'minor-failure', 'study-mismatch']]);
  });

  test("an API token with dicomweb:store stores for its technician owner; its events name the token and the owner's role", async () => {
    const token = await t.apiToken(['dicomweb:store']);
    t.events.length = 0;
    const response = await stow(token, body([files[3]!.bytes]));
    assert.equal(response.statusCode, 200, response.body);
    assert.match(t.events[0]!.actor.user, /^api-token:/);
    assert.equal(t.events[0]!.actor.role, 'technician');
  });

  test('who may not store is refused before the body is read, and the refusal is a deny event', async () => {
    const cases: Array<[string, () => Promise<string>, number]> = [
      ['a clinician', () => t.signedIn('clin', ['clinician'], { departments: ['radiology'] }), 403],
      ['a radiologist', () => t.signedIn('rad', ['radiologist'], { departments: ['radiology'] }), 403],
      ['an API token that may only read', () => t.apiToken(['dicomweb:read']), 403],
      ["a clinician's API token with dicomweb:store", () => t.apiToken(['dicomweb:store'], { roles: ['clinician'], departments: ['radiology'] }), 403],
      ['no credentials', async () => '', 401],
    ];
    for (const [who, authorization, status] of cases) {
      const header = await authorization();
      t.events.length = 0;
      const response = await stow(header, body([files[0]!.bytes]));
      assert.equal(response.statusCode, status, who);
      assert.deepEqual(t.events.map((e) => [e.type, e.detail?.status]), [['deny', String(status)]], who);
    }
  });

  test('malformed, oversized and unsupported bodies are refused with 400, 413 and 415, and audited', async () => {
    const big = Buffer.alloc(300 * 1024, 1);
    const cases: Array<[string, Buffer, string | undefined, number, string]> = [
      ['no closing delimiter', Buffer.from(`--${BOUNDARY}\r\n\r\nabc`), undefined, 400, 'malformed-body'],
      ['no part with the boundary', Buffer.from('whatever'), undefined, 400, 'malformed-body'],
      ['no boundary parameter', body([files[0]!.bytes]), 'multipart/related; type="application/dicom"', 400, 'malformed-body'],
      ['a part larger than the limit', body([big]), undefined, 413, 'body-too-large'],
      ['more parts than the limit', body(Array.from({ length: 6 }, () => Buffer.from('x'))), undefined, 413, 'body-too-large'],
      ['metadata and bulk data parts', body([Buffer.from('[]')], 'application/dicom+json'), 'multipart/related; type="application/dicom+json"; boundary=' + BOUNDARY, 415, 'unsupported-media-type'],
      ['a single DICOM file without multipart', files[0]!.bytes, 'application/dicom', 415, 'unsupported-media-type'],
    ];
    for (const [name, payload, contentType, status, error] of cases) {
      t.events.length = 0;
      const response = await stow(technician, payload, contentType === undefined ? {} : { contentType });
      assert.equal(response.statusCode, status, `${name}: ${response.body}`);
      assert.equal(response.json<{ error: string }>().error, error, name);
      assert.equal(t.events.length, 1, name);
      assert.equal(t.events[0]!.detail?.status, String(status), name);
    }
  });

  test('a body larger than the request limit is refused with 413 while it is read', async () => {
    const parts = Array.from({ length: 5 }, () => Buffer.alloc(250 * 1024, 2));
    const response = await stow(technician, body(parts));
    assert.equal(response.statusCode, 413);
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
