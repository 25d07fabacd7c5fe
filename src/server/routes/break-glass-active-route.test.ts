/**
 * GET /api/break-glass: the console shows a user their own open break-glass session so that
 * they can end it. Only their own, only while it is active (not ended, not past its end).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { syntheticCorpus } from '../../samples/synthetic-corpus.js';
import { ingestCorpus, type IngestedStudy } from '../../../test/support/retrieve-instance-test-gateway.js';
import { testBreakGlassApp, type TestBreakGlassApp } from '../../../test/support/testing-break-glass-app.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-break-glass-active-'));
const corpus = syntheticCorpus({ patients: 2, imagesPerPatient: 1, imageSize: 16, seed: 'break-glass-active' });
const MINUTE = 60_000;

let t: TestBreakGlassApp;
let studies: IngestedStudy[];
const auth: Record<string, string> = {};

const active = async (who: string) => {
  const answer = await t.app.inject({ method: 'GET', url: '/api/break-glass', headers: { authorization: auth[who]! } });
  assert.equal(answer.statusCode, 200, answer.body);
  return answer.json<{ sessions: Array<{ id: string; user: string; reasonText?: string }> }>().sessions;
};
const start = async (who: string, study: number, durationMinutes: number) => {
  const answer = await t.app.inject({
    method: 'POST',
    url: '/api/break-glass',
    headers: { authorization: auth[who]! },
    payload: { studyUid: studies[study]!.studyUid, reasonCode: 'emergency-treatment', reasonText: 'trauma bay, prior films needed', durationMinutes },
  });
  assert.equal(answer.statusCode, 201, answer.body);
  return answer.json<{ id: string }>().id;
};

before(async () => {
  t = await testBreakGlassApp(work);
  studies = await ingestCorpus(t.gateway, corpus, ['radiology', 'radiology']);
  auth.clin = (await t.signedIn('clin', ['clinician'], { departments: ['radiology'] })).authorization;
  auth.rad = (await t.signedIn('rad', ['radiologist'], { departments: ['radiology'] })).authorization;
  auth.dso = (await t.signedIn('dso', ['dso'], { totp: true })).authorization;
});
after(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

test('GET /api/break-glass lists only the caller\'s own sessions, while they are active: not after ending, not past their end, never another\'s', async () => {
  assert.deepEqual(await active('clin'), []);
  const first = await start('clin', 0, 1);
  const second = await start('clin', 1, 60);
  const mine = await active('clin');
  assert.deepEqual(mine.map((session) => [session.id, session.user]), [[first, 'clin'], [second, 'clin']]);
  assert.equal(mine[0]!.reasonText, undefined, 'the typed words stay with the reviewer');
  assert.deepEqual(await active('rad'), []);
  assert.deepEqual(await active('dso'), [], 'a DSO sees their own sessions here, not everyone\'s');

  const ended = await t.app.inject({ method: 'POST', url: `/api/break-glass/${second}/end`, headers: { authorization: auth.clin! } });
  assert.equal(ended.statusCode, 200, ended.body);
  assert.deepEqual((await active('clin')).map((session) => session.id), [first]);

  t.accounts.setNow(t.accounts.now() + MINUTE - 1);
  assert.deepEqual((await active('clin')).map((session) => session.id), [first], 'at its end minus 1 ms it is still active');
  t.accounts.setNow(t.accounts.now() + 1);
  assert.deepEqual(await active('clin'), []);
});
