import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { ingestCorpus, type IngestedStudy } from '../../test/support/retrieve-instance-test-gateway.js';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import { testDicomwebApp, type TestDicomwebApp } from '../../test/support/testing-dicomweb-app.js';
import type { SensitivityLevel } from '../access/sensitivity-level.js';
import { DEFAULT_MOSAIC_BLOCK_BY_LEVEL } from '../gateway/mask-instance-pixels.js';
import { multipartParts } from './testing-multipart.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-dicomweb-'));
const corpus = syntheticCorpus({ patients: 3, imagesPerPatient: 2, imageSize: 16, seed: 'dicomweb-retrieve' });
/** The tokens a masked view must hide: every planted one but the UIDs, which it keeps (Retain UIDs). */
const hiddenTokens = corpus.tokens.filter((token) => !token.text.startsWith('2.25.')).map((token) => token.text);
let t: TestDicomwebApp;
let studies: IngestedStudy[];
const users: Record<'rad' | 'clin' | 'outsider', string> = { rad: '', clin: '', outsider: '' };

before(async () => {
  t = await testDicomwebApp(work);
  // Study 2 belongs to psychiatry: level 5, which no role reaches without a grant.
  studies = await ingestCorpus(t.gateway, corpus, ['radiology', 'radiology', 'psychiatry']);
  users.rad = await t.signedIn('rad', ['radiologist'], { departments: ['radiology'], careFor: [studies[0]!.patientRef] });
  users.clin = await t.signedIn('clin', ['clinician'], { departments: ['radiology'] });
  users.outsider = await t.signedIn('outsider', ['clinician'], { departments: ['cardiology'] });
});
after(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

async function get(who: keyof typeof users, url: string, accept?: string) {
  return t.app.inject({ method: 'GET', url, headers: { authorization: users[who], ...(accept === undefined ? {} : { accept }) } });
}

type Json = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string; InlineBinary?: string }>;
const image = (study: number) => studies[study]!.instances.find((instance) => instance.hasPixels)!;
const instanceUrl = (study: number) => {
  const { seriesUid, sopInstanceUid } = image(study);
  return `/dicom-web/studies/${studies[study]!.studyUid}/series/${seriesUid}/instances/${sopInstanceUid}`;
};
const leaked = (text: string) => hiddenTokens.filter((token) => text.includes(token));

describe('QIDO-RS', () => {
  test('a radiologist finds the study in their care in full and their department\'s other study masked; psychiatry not at all', async () => {
    const response = await get('rad', '/dicom-web/studies?includefield=all', 'application/dicom+json');
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/dicom\+json/);
    const found = response.json<Json[]>();
    assert.deepEqual(found.map((study) => study['0020000D']!.Value![0]), [studies[0]!.studyUid, studies[1]!.studyUid]);
    const family = (p: number) => corpus.tokens.find((token) => token.place === `patient${p}/PatientName family`)!.text;
    assert.ok(JSON.stringify(found[0]).includes(family(0)), 'the full match shows the name');
    assert.deepEqual(leaked(JSON.stringify(found[1])), [], 'the masked match shows no planted token');
    assert.deepEqual(found[1]!['00100010'], { vr: 'PN' });
    assert.match(String(found[0]!['00081190']!.Value![0]), new RegExp(`/dicom-web/studies/${studies[0]!.studyUid}$`));
  });

  test('a masked user\'s searches hold none of the planted tokens, at every resource and with every attribute asked for', async () => {
    const s = studies[0]!;
    const urls = [
      '/dicom-web/studies?includefield=all',
      '/dicom-web/series?includefield=all',
      '/dicom-web/instances?includefield=all',
      `/dicom-web/studies/${s.studyUid}/series?includefield=all`,
      `/dicom-web/studies/${s.studyUid}/instances?includefield=all`,
      `/dicom-web/studies/${s.studyUid}/series/${image(0).seriesUid}/instances?includefield=all`,
      '/dicom-web/studies?PatientName=&PatientID=&PatientBirthDate=&AccessionNumber=&StudyDescription=&ReferringPhysicianName=&StudyID=&StudyDate=',
    ];
    for (const url of urls) {
      const response = await get('clin', url);
      assert.equal(response.statusCode, 200, url);
      assert.deepEqual(leaked(response.body), [], url);
    }
  });

  test('what a user may not see is answered 204, exactly as what does not exist, and the search is audited', async () => {
    const pairs: Array<[keyof typeof users, string, string]> = [
      ['outsider', `/dicom-web/studies?StudyInstanceUID=${studies[0]!.studyUid}`, '/dicom-web/studies?StudyInstanceUID=1.2.3.4'],
      ['rad', `/dicom-web/studies/${studies[2]!.studyUid}/series`, '/dicom-web/studies/1.2.3.4/series'],
      ['rad', `/dicom-web/studies/${studies[2]!.studyUid}/instances?limit=5&offset=0`, '/dicom-web/studies/1.2.3.4/instances?limit=5&offset=0'],
      ['outsider', '/dicom-web/series', '/dicom-web/series?Modality=NONE'],
    ];
    for (const [who, forbidden, missing] of pairs) {
      t.events.length = 0;
      const a = await get(who, forbidden);
      const b = await get(who, missing);
      assert.deepEqual([a.statusCode, a.body, a.headers['content-type'], a.headers.warning], [b.statusCode, b.body, b.headers['content-type'], b.headers.warning], forbidden);
      assert.equal(a.statusCode, 204, forbidden);
      assert.deepEqual(t.events.map((e) => [e.type, e.detail?.via, e.detail?.returned]), [['query', 'qido-rs', '0'], ['query', 'qido-rs', '0']], forbidden);
    }
  });

  test('paging counts only visible studies: limit, offset and the Warning header', async () => {
    const first = await get('rad', '/dicom-web/studies?limit=1');
    assert.equal(first.json<Json[]>().length, 1);
    assert.match(String(first.headers.warning), /^299 medveil ".*1 more result can be requested with offset=1"$/);
    const second = await get('rad', '/dicom-web/studies?limit=1&offset=1');
    assert.equal(second.json<Json[]>()[0]!['0020000D']!.Value![0], studies[1]!.studyUid);
    assert.equal(second.headers.warning, undefined);
    assert.equal((await get('rad', '/dicom-web/studies?offset=2')).statusCode, 204);
  });

  test('a query the archive cannot answer is refused with 400 naming the parameter, and audited without its value', async () => {
    t.events.length = 0;
    const response = await get('rad', '/dicom-web/studies?PatientNmae=SECRETNAME');
    assert.equal(response.statusCode, 400);
    assert.match(response.json<{ message: string }>().message, /PatientNmae/);
    assert.deepEqual(t.events.map((e) => [e.type, e.outcome]), [['query', 'minor-failure']]);
    assert.equal(JSON.stringify(t.events).includes('SECRETNAME'), false);
  });

  test('QIDO-RS answers application/dicom+json only: another Accept is 406', async () => {
    assert.equal((await get('rad', '/dicom-web/studies', 'application/dicom+xml')).statusCode, 406);
    assert.equal((await get('rad', '/dicom-web/studies', 'application/json')).statusCode, 200);
  });
});

describe('WADO-RS', () => {
  test('a full instance is served byte for byte with transfer-syntax=*, recorded as a view before it leaves', async () => {
    t.events.length = 0;
    const response = await get('rad', instanceUrl(0), 'multipart/related; type="application/dicom"; transfer-syntax=*');
    assert.equal(response.statusCode, 200, response.body);
    const parts = multipartParts(String(response.headers['content-type']), response.rawPayload);
    assert.equal(parts.length, 1);
    assert.deepEqual(parts[0]!.body, image(0).bytes);
    assert.match(parts[0]!.headers.get('content-type')!, /^application\/dicom; transfer-syntax=1\.2\.840\.10008\.1\.2\.1$/);
    assert.deepEqual(t.events.map((e) => [e.type, e.detail?.via, e.objects?.[0]?.instance]), [['view', 'wado-rs', image(0).sopInstanceUid]]);
  });

  test('a study is served whole, one part per instance', async () => {
    const response = await get('rad', `/dicom-web/studies/${studies[0]!.studyUid}`);
    assert.equal(response.statusCode, 200);
    const parts = multipartParts(String(response.headers['content-type']), response.rawPayload);
    assert.deepEqual(parts.map((part) => readDicomFile(part.body).dataset.getString(Tag.SOPInstanceUID)).sort(), studies[0]!.instances.map((i) => i.sopInstanceUid).sort());
  });

  test('full metadata has the names and points at the pixels with a BulkDataURI that serves them', async () => {
    const response = await get('rad', `${instanceUrl(0)}/metadata`);
    assert.equal(response.statusCode, 200);
    const [metadata] = response.json<Json[]>();
    assert.ok(hiddenTokens.some((token) => response.body.includes(token)));
    const uri = new URL(metadata!['7FE00010']!.BulkDataURI!);
    assert.equal(uri.pathname, `${instanceUrl(0)}/bulkdata/7FE00010`);
    const bulk = await get('rad', uri.pathname, 'multipart/related; type="application/octet-stream"');
    assert.equal(bulk.statusCode, 200);
    const pixels = readDicomFile(image(0).bytes).dataset.get(Tag.PixelData)!.value!;
    assert.deepEqual(multipartParts(String(bulk.headers['content-type']), bulk.rawPayload)[0]!.body, Buffer.from(pixels));
  });

  test('masked metadata is the de-identified header: no planted token, no pixel data, no BulkDataURI, at every level', async () => {
    const s = studies[1]!;
    for (const url of [`/dicom-web/studies/${s.studyUid}/metadata`, `/dicom-web/studies/${s.studyUid}/series/${image(1).seriesUid}/metadata`, `${instanceUrl(1)}/metadata`]) {
      const response = await get('rad', url);
      assert.equal(response.statusCode, 200, url);
      assert.deepEqual(leaked(response.body), [], url);
      assert.equal(response.body.includes('BulkDataURI'), false, url);
      assert.equal(response.json<Json[]>().some((object) => '7FE00010' in object), false, url);
    }
  });

  test('frames are the pixel data of each frame, little endian, as application/octet-stream', async () => {
    const response = await get('rad', `${instanceUrl(0)}/frames/1`, 'multipart/related; type="application/octet-stream"');
    assert.equal(response.statusCode, 200);
    const [part] = multipartParts(String(response.headers['content-type']), response.rawPayload);
    assert.equal(part!.headers.get('content-type'), 'application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1');
    assert.deepEqual(part!.body, Buffer.from(readDicomFile(image(0).bytes).dataset.get(Tag.PixelData)!.value!));
    t.events.length = 0;
    assert.equal((await get('rad', `${instanceUrl(0)}/frames/2`)).statusCode, 404);
    // The instance was recorded as viewed before the frame was found missing: the request's own event says so.
    assert.deepEqual(t.events.map((e) => [e.type, e.detail?.status ?? null]), [['view', null], ['view', '404']]);
    assert.equal((await get('rad', `${instanceUrl(0)}/frames/0`)).statusCode, 400);
  });

  test('rendered and thumbnail resources are PNG images of the frame', async () => {
    for (const suffix of ['rendered', 'thumbnail', 'frames/1/rendered', 'rendered?window=100,200,linear&viewport=8,8']) {
      const response = await get('rad', `${instanceUrl(0)}/${suffix}`, 'image/png');
      assert.equal(response.statusCode, 200, `${suffix}: ${response.body}`);
      assert.equal(response.headers['content-type'], 'image/png');
      assert.deepEqual([...response.rawPayload.subarray(1, 4)], [0x50, 0x4e, 0x47], suffix);
    }
    const jpeg = await get('rad', `${instanceUrl(0)}/rendered`, 'image/jpeg');
    assert.equal(jpeg.headers['content-type'], 'image/jpeg');
    assert.deepEqual([...jpeg.rawPayload.subarray(0, 2)], [0xff, 0xd8], 'a JPEG starts with SOI');
    assert.equal((await get('rad', `${instanceUrl(0)}/rendered`, 'image/png, image/jpeg;q=0.5')).headers['content-type'], 'image/png');
    assert.equal((await get('rad', `${instanceUrl(0)}/rendered`, 'image/gif')).statusCode, 406);
    assert.equal((await get('rad', `${instanceUrl(0)}/rendered?window=1,0`)).statusCode, 400);
  });

  test('a masked user gets masked pixels from every pixel resource, each recorded as view-masked with its block, and no other bulk data', async () => {
    const s = studies[1]!;
    const original = Buffer.from(readDicomFile(image(1).bytes).dataset.get(Tag.PixelData)!.value!);
    const cases: Array<[string, string | undefined, RegExp]> = [
      [`/dicom-web/studies/${s.studyUid}`, undefined, /^multipart\/related/],
      [`/dicom-web/studies/${s.studyUid}/series/${image(1).seriesUid}`, undefined, /^multipart\/related/],
      [instanceUrl(1), undefined, /^multipart\/related/],
      [`${instanceUrl(1)}/frames/1`, 'multipart/related; type="application/octet-stream"', /^multipart\/related/],
      [`${instanceUrl(1)}/bulkdata/7FE00010`, 'multipart/related; type="application/octet-stream"', /^multipart\/related/],
      [`${instanceUrl(1)}/rendered`, 'image/png', /^image\/png/],
      [`${instanceUrl(1)}/thumbnail`, 'image/jpeg', /^image\/jpeg/],
      [`/wado?requestType=WADO&studyUID=${s.studyUid}&seriesUID=${image(1).seriesUid}&objectUID=${image(1).sopInstanceUid}&contentType=application%2Fdicom`, undefined, /^application\/dicom/],
    ];
    for (const [url, accept, type] of cases) {
      t.events.length = 0;
      const response = await get('rad', url, accept);
      assert.equal(response.statusCode, 200, `${url}: ${response.body.slice(0, 200)}`);
      assert.match(String(response.headers['content-type']), type, url);
      assert.equal(response.headers['cache-control'], 'no-store', url);
      assert.deepEqual(leaked(response.rawPayload.toString('latin1')), [], url);
      assert.equal(response.rawPayload.includes(original), false, url);
      const viewed = t.events.filter((e) => e.type === 'view-masked');
      const block = String(DEFAULT_MOSAIC_BLOCK_BY_LEVEL[s.level as SensitivityLevel]);
      assert.ok(viewed.length > 0 && viewed.every((e) => e.detail?.mosaicBlock === block && e.digests !== undefined), url);
      assert.equal(t.events.some((e) => e.type === 'view'), false, url);
    }
    const other = await get('rad', `${instanceUrl(1)}/bulkdata/00080016`, 'multipart/related; type="application/octet-stream"');
    assert.equal(other.statusCode, 403);
    assert.equal(other.json<{ error: string }>().error, 'masked-pixels-unavailable');
  });

  test('WADO-URI serves the PS3.10 file or a PNG, and refuses what it does not offer', async () => {
    const s = studies[0]!;
    const base = `/wado?requestType=WADO&studyUID=${s.studyUid}&seriesUID=${image(0).seriesUid}&objectUID=${image(0).sopInstanceUid}`;
    const file = await get('rad', `${base}&contentType=application/dicom`);
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/dicom');
    assert.deepEqual(file.rawPayload, image(0).bytes);
    const png = await get('rad', `${base}&contentType=image/png&rows=8`);
    assert.equal(png.headers['content-type'], 'image/png');
    const jpeg = await get('rad', base);
    assert.equal(jpeg.headers['content-type'], 'image/jpeg', 'the default is image/jpeg');
    assert.equal((await get('rad', `${base}&contentType=image/gif`)).statusCode, 406);
    assert.equal((await get('rad', base.replace('requestType=WADO', 'requestType=wado'))).statusCode, 400);
    assert.equal((await get('rad', `${base}&anonymize=yes`)).statusCode, 400);
  });

  test('if the audit log cannot record a retrieve, nothing is served', async () => {
    t.breakAudit(true);
    try {
      for (const url of [instanceUrl(0), `${instanceUrl(0)}/metadata`, `${instanceUrl(0)}/frames/1`, `${instanceUrl(0)}/rendered`, instanceUrl(1), `${instanceUrl(1)}/frames/1`, `${instanceUrl(1)}/rendered`, '/dicom-web/studies']) {
        const response = await get('rad', url);
        assert.equal(response.statusCode, 500, url);
        assert.equal(response.headers['cache-control'], 'no-store', url);
        assert.equal(response.headers.etag, undefined, url);
        assert.deepEqual(leaked(response.body), [], url);
        assert.equal(response.rawPayload.includes(Buffer.from('DICM')), false, url);
      }
    } finally {
      t.breakAudit(false);
    }
  });
});
