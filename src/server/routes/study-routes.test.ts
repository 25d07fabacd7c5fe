import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Role } from '../../access/role.js';
import { syntheticCorpus } from '../../samples/synthetic-corpus.js';
import { ingestCorpus, type IngestedStudy } from '../../../test/support/retrieve-instance-test-gateway.js';
import { TEST_PASSWORD, testDicomwebApp, type TestDicomwebApp } from '../../../test/support/testing-dicomweb-app.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-study-level-'));
const corpus = syntheticCorpus({ patients: 2, imagesPerPatient: 1, imageSize: 16, seed: 'study-level' });
let t: TestDicomwebApp;
let studies: IngestedStudy[];
let rad: string;

before(async () => {
  t = await testDicomwebApp(work);
  studies = await ingestCorpus(t.gateway, corpus, ['radiology', 'radiology']);
  rad = await t.signedIn('rad', ['radiologist'], { departments: ['radiology'], careFor: [studies[0]!.patientRef] });
});
after(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

/** A person whose role needs a second factor, signed in with both. */
async function withMfa(name: string, roles: Role[]): Promise<string> {
  const { totpSecret } = await t.accounts.addUser(name, roles, { password: TEST_PASSWORD, totp: true });
  const login = await t.app.inject({ method: 'POST', url: '/api/login', payload: { userName: name, password: TEST_PASSWORD, totp: await t.accounts.code(totpSecret!) } });
  assert.equal(login.statusCode, 200, login.body);
  return `Bearer ${login.json<{ token: string }>().token}`;
}

function putLevel(authorization: string, studyUid: string, payload: object) {
  return t.app.inject({ method: 'PUT', url: `/api/studies/${studyUid}/level`, headers: { authorization }, payload });
}

describe('PUT /api/studies/:study/level', () => {
  test('a DSO raises a level; the next request of a radiologist with a care relationship is decided by it', async () => {
    const study = studies[0]!.studyUid;
    const metadata = () => t.app.inject({ method: 'GET', url: `/dicom-web/studies/${study}/metadata`, headers: { authorization: rad, accept: 'application/dicom+json' } });
    assert.equal((await metadata()).statusCode, 200, 'before: full access through the care relationship');
    const before = (await t.gateway.index.getStudy({ studyUid: study }))!.level;

    const dso = await withMfa('dana', ['dso']);
    t.events.length = 0;
    const changed = await putLevel(dso, study, { level: 5, reason: 'sensitive-finding' });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual(changed.json(), { studyUid: study, level: 5, previousLevel: before });
    assert.deepEqual(
      t.events.map((e) => [e.type, e.outcome, e.actor.user, e.objects, e.detail?.action, e.detail?.previousLevel, e.detail?.level, e.detail?.reason]),
      [['policy-change', 'success', 'dana', [{ study }], 'set-study-level', String(before), '5', 'sensitive-finding']],
    );

    assert.equal((await metadata()).statusCode, 404, 'after: level 5 is above every row of the policy');
    const search = await t.app.inject({ method: 'GET', url: `/dicom-web/studies?StudyInstanceUID=${study}`, headers: { authorization: rad, accept: 'application/dicom+json' } });
    assert.equal(search.statusCode, 204);

    assert.equal((await putLevel(dso, study, { level: before, reason: 'misclassified' })).statusCode, 200);
    assert.equal((await metadata()).statusCode, 200, 'lowered again, the care relationship counts again');
  });

  test('everyone but a DSO is refused alike for a study that exists and one that does not; each refusal is a deny event', async () => {
    const callers: Array<[string, () => Promise<string>]> = [
      ['an administrator', () => withMfa('ada', ['admin'])],
      ['a director', () => withMfa('dora', ['director'])],
      ['a radiologist with a care relationship', async () => rad],
      ['a technician', () => t.signedIn('tec', ['technician'], { departments: ['radiology'] })],
    ];
    for (const [who, signIn] of callers) {
      const authorization = await signIn();
      const answers = [];
      for (const studyUid of [studies[1]!.studyUid, '1.2.3.4.5']) {
        t.events.length = 0;
        const response = await putLevel(authorization, studyUid, { level: 1, reason: 'misclassified' });
        answers.push([response.statusCode, response.body]);
        assert.deepEqual(t.events.map((e) => [e.type, e.detail?.reason, e.objects]), [['deny', 'not-dso', undefined]], who);
      }
      assert.deepEqual(answers[0], answers[1], `${who}: the answer does not tell whether the study exists`);
      assert.equal(answers[0]![0], 403, who);
    }
    assert.notEqual((await t.gateway.index.getStudy({ studyUid: studies[1]!.studyUid }))!.level, 1);
  });

  test('a DSO without a second factor, an API token and no credentials are refused before the use case', async () => {
    await t.accounts.addUser('dan', ['dso'], { password: TEST_PASSWORD });
    const login = await t.app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'dan', password: TEST_PASSWORD } });
    const passwordOnly = `Bearer ${login.json<{ token: string }>().token}`;
    for (const [who, authorization, status] of [['a DSO with a password only', passwordOnly, 403], ['nobody', '', 401]] as const) {
      t.events.length = 0;
      const response = await putLevel(authorization, studies[1]!.studyUid, { level: 1, reason: 'misclassified' });
      assert.equal(response.statusCode, status, who);
      assert.deepEqual(t.events.map((e) => e.type), ['deny'], who);
    }
  });

  test('the route is in the OpenAPI document, for signed-in people, with its fixed reasons', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { 'x-medveil-access': string; requestBody: { content: { 'application/json': { schema: { properties: { reason: { enum: string[] } } } } } } }>>;
    }>();
    const operation = document.paths['/api/studies/{study}/level']!.put!;
    assert.equal(operation['x-medveil-access'], 'session');
    assert.deepEqual(operation.requestBody.content['application/json'].schema.properties.reason.enum, ['misclassified', 'sensitive-finding', 'patient-request', 'legal-hold', 'unlabeled', 'review']);
  });

  test('a DSO is told about an unknown study, a bad level, a typed reason and a malformed UID; each is audited', async () => {
    const dso = await withMfa('dina', ['dso']);
    const cases: Array<[string, string, object, number]> = [
      ['unknown study', '1.2.3.4.5', { level: 2, reason: 'misclassified' }, 404],
      ['level 6', studies[1]!.studyUid, { level: 6, reason: 'misclassified' }, 400],
      ['a typed reason', studies[1]!.studyUid, { level: 2, reason: 'asked by Jane Doe' }, 400],
      ['no reason', studies[1]!.studyUid, { level: 2 }, 400],
      ['a UID with a dot segment', '1.2..3', { level: 2, reason: 'misclassified' }, 400],
    ];
    for (const [label, studyUid, payload, status] of cases) {
      t.events.length = 0;
      const response = await putLevel(dso, studyUid, payload);
      assert.equal(response.statusCode, status, label);
      assert.equal(t.events.length, 1, label);
      assert.doesNotMatch(JSON.stringify(t.events), /Jane/, label);
    }
  });
});
