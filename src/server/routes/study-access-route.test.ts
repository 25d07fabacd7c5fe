import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { syntheticCorpus } from '../../samples/synthetic-corpus.js';
import { ingestCorpus, type IngestedStudy } from '../../../test/support/retrieve-instance-test-gateway.js';
import { testRequestApp, type TestRequestApp } from '../../../test/support/testing-request-app.js';

type Person = { authorization: string; totpSecret?: string };
interface Access { studyUid: string; known: boolean; view?: string; export?: string; requestable?: boolean; reasons?: string[]; grantId?: string }

let dir: string;
let t: TestRequestApp;
let studies: IngestedStudy[];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'study-access-route-'));
  t = await testRequestApp(dir);
  studies = await ingestCorpus(t.gateway, syntheticCorpus({ patients: 2, imagesPerPatient: 1, imageSize: 16, seed: 'study-access' }), ['radiology', 'oncology']);
});
after(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

function ask(person: Person, studyUids: unknown) {
  return t.app.inject({ method: 'POST', url: '/api/studies/access', headers: { authorization: person.authorization }, payload: { studyUids } });
}

test('POST /api/studies/access: masked and requestable for a clinician of the department, unknown for a study hidden from them or absent, full once a grant is issued', async () => {
  const [radiology, oncology] = [studies.find((s) => s.department === 'radiology')!, studies.find((s) => s.department === 'oncology')!];
  const cleo = await t.signedIn('cleo', ['clinician'], { departments: ['radiology'] });
  const missing = '1.2.3.4.5.6.7.8.9';
  t.events.length = 0;
  const before = await ask(cleo, [radiology.studyUid, oncology.studyUid, missing]);
  assert.equal(before.statusCode, 200, before.body);
  assert.deepEqual(before.json<{ studies: Access[] }>().studies, [
    { studyUid: radiology.studyUid, known: true, view: 'masked', export: 'denied', requestable: true, reasons: ['same-department'] },
    { studyUid: oncology.studyUid, known: false },
    { studyUid: missing, known: false },
  ]);
  assert.deepEqual(t.events.map((e) => [e.type, e.actor.user, e.objects?.map((o) => o.study)]), [['query', 'cleo', [radiology.studyUid]]], 'one event, naming only what the caller may know of');

  const dana = await t.signedIn('dana', ['dso'], { totp: true });
  const dirk = await t.signedIn('dirk', ['director'], { departments: ['radiology'], directorOf: ['radiology'], totp: true });
  const created = await t.app.inject({ method: 'POST', url: '/api/requests', headers: { authorization: cleo.authorization }, payload: { kind: 'full', scope: { kind: 'studies', studyUids: [radiology.studyUid] }, purpose: 'treatment', justification: 'tumour board' } });
  assert.equal(created.statusCode, 201, created.body);
  for (const approver of [dana, dirk]) {
    t.accounts.setNow(t.accounts.now() + 30_000);
    const approved = await t.app.inject({ method: 'POST', url: `/api/requests/${created.json<{ id: string }>().id}/approve`, headers: { authorization: approver.authorization }, payload: { totp: await t.accounts.code(approver.totpSecret!) } });
    assert.equal(approved.statusCode, 200, approved.body);
  }
  const granted = (await ask(cleo, [radiology.studyUid])).json<{ studies: Access[] }>().studies[0]!;
  assert.deepEqual([granted.view, granted.requestable, typeof granted.grantId], ['full', false, 'string']);
});

test('POST /api/studies/access refuses what is not a list of 1 to 100 UIDs, and an auditor learns nothing', async () => {
  const cleo = await t.signedIn('cleo2', ['clinician'], { departments: ['radiology'] });
  for (const bad of [[], ['not a uid'], Array.from({ length: 101 }, (_, i) => `1.2.${i}`), 'x']) assert.equal((await ask(cleo, bad)).statusCode, 400, JSON.stringify(bad).slice(0, 40));
  const audrey = await t.signedIn('audrey', ['auditor'], { totp: true });
  const asked = await ask(audrey, [studies[0]!.studyUid]);
  assert.equal(asked.statusCode, 200, asked.body);
  assert.deepEqual(asked.json<{ studies: Access[] }>().studies, [{ studyUid: studies[0]!.studyUid, known: false }]);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/studies/access', payload: { studyUids: [studies[0]!.studyUid] } })).statusCode, 401);
});
