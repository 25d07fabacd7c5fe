/**
 * An API token on the DICOMweb routes acts for its owner (gateway/create-api-token.ts): it sees
 * what the owner sees signed in, no more, and stops with the owner's account.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ingestCorpus, type IngestedStudy } from '../../test/support/retrieve-instance-test-gateway.js';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import { TEST_PASSWORD, testDicomwebApp, type TestDicomwebApp } from '../../test/support/testing-dicomweb-app.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-dicomweb-token-'));
const corpus = syntheticCorpus({ patients: 3, imagesPerPatient: 1, imageSize: 16, seed: 'dicomweb-api-token' });
let t: TestDicomwebApp;
let studies: IngestedStudy[];

before(async () => {
  t = await testDicomwebApp(work);
  studies = await ingestCorpus(t.gateway, corpus, ['radiology', 'radiology', 'cardiology']);
});
after(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

const search = (authorization: string, url: string) => t.app.inject({ method: 'GET', url, headers: { authorization, accept: 'application/dicom+json' } });

test("a radiologist's token finds and reads exactly what the radiologist does, and its events carry the owner's role", async () => {
  const token = await t.apiToken(['dicomweb:read'], { roles: ['radiologist'], departments: ['radiology'] });
  const owner = (await t.accounts.accounts.listApiTokens()).at(-1)!.owner!;
  await t.accounts.accounts.insertCareRelationship({ userName: owner, patientRef: studies[0]!.patientRef, createdAt: t.accounts.now(), createdBy: 'test' });
  const login = await t.app.inject({ method: 'POST', url: '/api/login', payload: { userName: owner, password: TEST_PASSWORD } });
  const session = `Bearer ${login.json<{ token: string }>().token}`;

  for (const url of ['/dicom-web/studies', `/dicom-web/studies/${studies[0]!.studyUid}/metadata`, `/dicom-web/studies/${studies[1]!.studyUid}/metadata`, `/dicom-web/studies/${studies[2]!.studyUid}/metadata`]) {
    const [byToken, bySession] = [await search(token, url), await search(session, url)];
    assert.deepEqual([byToken.statusCode, byToken.body], [bySession.statusCode, bySession.body], url);
  }
  assert.equal((await search(token, '/dicom-web/studies')).json<unknown[]>().length, 2, 'the two radiology studies, not cardiology');
  t.events.length = 0;
  await search(token, `/dicom-web/studies/${studies[0]!.studyUid}/metadata`);
  assert.ok(t.events.length > 0 && t.events.every((e) => /^api-token:/.test(e.actor.user) && e.actor.role === 'radiologist'));

  await t.accounts.accounts.updateUser(owner, { disabled: true }, t.accounts.now());
  assert.equal((await search(token, '/dicom-web/studies')).statusCode, 401, 'a disabled owner ends the token');
});
