/**
 * Issue 4, acceptance 4, for the DICOMweb routes: a foreign study UID on every endpoint, a
 * series of a forbidden study under an allowed study UID, encoded and double-encoded
 * separators, case tricks and dot segments, QIDO-RS wild cards and offsets aimed at forbidden
 * studies. Each is refused, or answered exactly as for something that does not exist, and
 * leaves an audit event.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingestCorpus, type IngestedStudy } from '../../test/support/retrieve-instance-test-gateway.js';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import { testDicomwebApp, type TestDicomwebApp } from '../../test/support/testing-dicomweb-app.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-dicomweb-refusals-'));
const corpus = syntheticCorpus({ patients: 3, imagesPerPatient: 2, imageSize: 16, seed: 'dicomweb-refusals' });
let t: TestDicomwebApp;
let studies: IngestedStudy[];
let rad: string;
let clin: string;

before(async () => {
  t = await testDicomwebApp(work);
  studies = await ingestCorpus(t.gateway, corpus, ['radiology', 'radiology', 'psychiatry']);
  // Study 0 full, study 1 masked, study 2 (psychiatry, level 5) denied.
  rad = await t.signedIn('rad', ['radiologist'], { departments: ['radiology'], careFor: [studies[0]!.patientRef] });
  clin = await t.signedIn('clin', ['clinician'], { departments: ['radiology'] });
});
after(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

interface Ids {
  readonly study: string;
  readonly series: string;
  readonly instance: string;
}
const ids = (n: number): Ids => {
  const image = studies[n]!.instances.find((instance) => instance.hasPixels)!;
  return { study: studies[n]!.studyUid, series: image.seriesUid, instance: image.sopInstanceUid };
};
const NOWHERE: Ids = { study: '1.2.3.4', series: '1.2.3.4.5', instance: '1.2.3.4.5.6' };

/** Every read endpoint, for the UIDs it names. */
const ENDPOINTS: Array<(u: Ids) => string> = [
  (u) => `/dicom-web/studies/${u.study}/series`,
  (u) => `/dicom-web/studies/${u.study}/instances`,
  (u) => `/dicom-web/studies/${u.study}/series/${u.series}/instances`,
  (u) => `/dicom-web/studies?StudyInstanceUID=${u.study}`,
  (u) => `/dicom-web/series?SeriesInstanceUID=${u.series}`,
  (u) => `/dicom-web/instances?SOPInstanceUID=${u.instance}`,
  (u) => `/dicom-web/studies/${u.study}`,
  (u) => `/dicom-web/studies/${u.study}/metadata`,
  (u) => `/dicom-web/studies/${u.study}/series/${u.series}`,
  (u) => `/dicom-web/studies/${u.study}/series/${u.series}/metadata`,
  (u) => `/dicom-web/studies/${u.study}/series/${u.series}/instances/${u.instance}`,
  (u) => `/dicom-web/studies/${u.study}/series/${u.series}/instances/${u.instance}/metadata`,
  (u) => `/dicom-web/studies/${u.study}/series/${u.series}/instances/${u.instance}/frames/1`,
  (u) => `/dicom-web/studies/${u.study}/series/${u.series}/instances/${u.instance}/bulkdata/7FE00010`,
  (u) => `/dicom-web/studies/${u.study}/series/${u.series}/instances/${u.instance}/rendered`,
  (u) => `/dicom-web/studies/${u.study}/series/${u.series}/instances/${u.instance}/thumbnail`,
  (u) => `/dicom-web/studies/${u.study}/series/${u.series}/instances/${u.instance}/frames/1/rendered`,
  (u) => `/wado?requestType=WADO&studyUID=${u.study}&seriesUID=${u.series}&objectUID=${u.instance}&contentType=application%2Fdicom`,
];

async function get(authorization: string, url: string) {
  return t.app.inject({ method: 'GET', url, headers: { authorization } });
}

/** What a client can compare between two answers. */
const visible = (response: Awaited<ReturnType<typeof get>>) => [response.statusCode, response.headers['content-type'], response.headers.warning, response.body];

describe('refusals on the DICOMweb routes (acceptance 4)', () => {
  test('a foreign study UID is answered on every endpoint exactly as a study that does not exist, and audited', async () => {
    for (const endpoint of ENDPOINTS) {
      t.events.length = 0;
      const forbidden = await get(rad, endpoint(ids(2)));
      const forbiddenEvents = t.events.length;
      const missing = await get(rad, endpoint(NOWHERE));
      assert.deepEqual(visible(forbidden), visible(missing), endpoint(ids(2)));
      assert.ok([204, 404].includes(forbidden.statusCode), `${endpoint(ids(2))}: ${forbidden.statusCode}`);
      assert.ok(forbiddenEvents >= 1, `${endpoint(ids(2))} left no event`);
      assert.ok(t.events.slice(0, forbiddenEvents).every((e) => e.type === 'deny' || (e.type === 'query' && e.detail?.returned === '0')), endpoint(ids(2)));
    }
  });

  test('a series of a forbidden study named under an allowed study UID is not found, as a series that does not exist', async () => {
    const mixed: Ids = { study: ids(0).study, series: ids(2).series, instance: ids(2).instance };
    const nowhere: Ids = { study: ids(0).study, series: NOWHERE.series, instance: NOWHERE.instance };
    for (const endpoint of ENDPOINTS.filter((e) => e(mixed).includes(mixed.series))) {
      t.events.length = 0;
      const forbidden = await get(rad, endpoint(mixed));
      assert.ok(t.events.length >= 1, endpoint(mixed));
      assert.deepEqual(visible(forbidden), visible(await get(rad, endpoint(nowhere))), endpoint(mixed));
      assert.ok([204, 404].includes(forbidden.statusCode), endpoint(mixed));
    }
  });

  // Dot segments are resolved by app.inject itself (it parses the URL); test/dicomweb-client.test.ts
  // sends them as they are to the real server.
  test('encoded and double-encoded separators, case tricks and malformed UIDs are refused and audited as denials', async () => {
    const a = ids(0);
    const f = ids(2);
    const cases: Array<[string, number]> = [
      [`/dicom-web/studies/${a.study}%2Fseries%2F${f.series}/metadata`, 400],
      [`/dicom-web/studies/${a.study}%252Fseries%252F${f.series}/metadata`, 400],
      [`/dicom-web/studies/${a.study}/series/..%2F..%2Fstudies%2F${f.study}/metadata`, 400],
      [`/dicom-web/studies/${a.study}/series/${f.series}%00/metadata`, 400],
      [`/dicom-web/studies/${a.study}/series/${f.series}%20/metadata`, 400],
      [`/dicom-web/studies/${f.study}.0/metadata`, 404],
      [`/dicom-web/studies/0${f.study}/metadata`, 400],
      [`/dicom-web/studies/${f.study.slice(0, 20)}*/metadata`, 400],
      [`/DICOM-WEB/studies/${f.study}/metadata`, 404],
      [`/dicom-web/STUDIES/${f.study}/metadata`, 404],
      [`/dicom-web/studies/${f.study}/METADATA`, 404],
      [`/dicom-web/studies/${f.study}/metadata/`, 404],
      [`/dicom-web//studies/${f.study}/metadata`, 404],
      [`/dicom-web/studies/${a.study}/series/${a.series}/instances/${a.instance}/bulkdata/7fe00010`, 400],
      [`/dicom-web/studies/${a.study}/series/${a.series}/instances/${a.instance}/bulkdata/..%2F..%2F${f.instance}`, 400],
      [`/wado?requestType=WADO&studyUID=${a.study}%2F${f.study}&seriesUID=${f.series}&objectUID=${f.instance}&contentType=application%2Fdicom`, 400],
      [`/wado?requestType=WADO&studyUID=${a.study}&studyUID=${f.study}&seriesUID=${f.series}&objectUID=${f.instance}&contentType=application%2Fdicom`, 400],
      [`/wado?REQUESTTYPE=WADO&studyUID=${f.study}&seriesUID=${f.series}&objectUID=${f.instance}&contentType=application%2Fdicom`, 400],
    ];
    for (const [url, status] of cases) {
      t.events.length = 0;
      const response = await get(rad, url);
      assert.equal(response.statusCode, status, `${url}: ${response.body}`);
      assert.equal(response.rawPayload.includes(Buffer.from('DICM')), false, url);
      assert.equal(t.events.length, 1, url);
      const event = t.events[0]!;
      assert.ok(event.type === 'deny' || event.detail?.reason === 'invalid-query', `${url}: ${event.type} ${event.detail?.reason}`);
    }
  });

  test('QIDO-RS wild cards, exact keys and offsets aimed at a forbidden study never reach it, and each search is audited', async () => {
    const token = (place: string) => corpus.tokens.find((t) => t.place === place)!.text;
    const queries = [
      `PatientName=${token('patient2/PatientName family')}*`,
      `PatientName=${token('patient2/PatientName family').slice(0, 4)}*`,
      `PatientID=${token('patient2/PatientID')}`,
      'PatientName=*',
      'AccessionNumber=*',
      `StudyInstanceUID=${ids(2).study}`,
      `StudyInstanceUID=${ids(0).study},${ids(2).study}`,
      'ModalitiesInStudy=*',
      'StudyDate=19000101-20991231',
    ];
    for (const query of queries) {
      t.events.length = 0;
      const response = await get(rad, `/dicom-web/studies?${query}`);
      assert.ok([200, 204].includes(response.statusCode), query);
      assert.equal(response.body.includes(ids(2).study), false, query);
      assert.deepEqual(t.events.map((e) => [e.type, e.detail?.via]), [['query', 'qido-rs']], query);
    }
    // A masked study is not found through what its masked view hides (docs/query.md).
    const masked = await get(clin, `/dicom-web/studies?PatientName=${token('patient1/PatientName family').slice(0, 3)}*`);
    assert.equal(masked.body.includes(ids(1).study), false);
    // Paging one by one walks the visible studies only.
    const walked: string[] = [];
    for (let offset = 0; offset < 5; offset++) {
      const page = await get(rad, `/dicom-web/studies?limit=1&offset=${offset}`);
      if (page.statusCode === 204) continue;
      walked.push(...page.json<Array<Record<string, { Value: string[] }>>>().map((study) => study['0020000D']!.Value[0]!));
    }
    assert.deepEqual(walked, [ids(0).study, ids(1).study]);
    // A wild card on a UID is refused, never used to enumerate.
    t.events.length = 0;
    assert.equal((await get(rad, `/dicom-web/studies?StudyInstanceUID=${ids(2).study.slice(0, 10)}*`)).statusCode, 400);
    assert.deepEqual(t.events.map((e) => [e.type, e.outcome]), [['query', 'minor-failure']]);
  });

  test('an API token reads no more than its owner (a technician of another department: nothing), and a refused credential is audited', async () => {
    const token = await t.apiToken(['dicomweb:read'], { departments: ['cardiology'] });
    assert.equal((await get(token, '/dicom-web/studies')).statusCode, 204);
    assert.equal((await get(token, ENDPOINTS[10]!(ids(0)))).statusCode, 404);
    t.events.length = 0;
    assert.equal((await get('Bearer mv_' + 'A'.repeat(43), '/dicom-web/studies')).statusCode, 401);
    assert.deepEqual(t.events.map((e) => [e.type, e.detail?.reason]), [['deny', 'unknown-api-token']]);
  });
});
