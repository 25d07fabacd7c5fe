import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_REQUEST_POLICY } from '../../access/requests/access-request.js';
import { syntheticCorpus } from '../../samples/synthetic-corpus.js';
import { ingestCorpus, type IngestedStudy } from '../../../test/support/retrieve-instance-test-gateway.js';
import { testRequestApp, type TestRequestApp } from '../../../test/support/testing-request-app.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-request-routes-'));
const corpus = syntheticCorpus({ patients: 3, imagesPerPatient: 1, imageSize: 16, seed: 'request-routes' });
let t: TestRequestApp;
let studies: IngestedStudy[];
interface Person {
  authorization: string;
  totpSecret?: string;
}
let cleo: Person;
let dana: Person;
let dirk: Person;
let nina: Person;

before(async () => {
  t = await testRequestApp(work);
  studies = await ingestCorpus(t.gateway, corpus, ['radiology', 'radiology', 'neurology']);
  cleo = await t.signedIn('cleo', ['clinician'], { departments: ['radiology', 'neurology'] });
  dana = await t.signedIn('dana', ['dso'], { totp: true });
  dirk = await t.signedIn('dirk', ['director'], { departments: ['radiology'], directorOf: ['radiology'], totp: true });
  nina = await t.signedIn('nina', ['director'], { departments: ['neurology'], directorOf: ['neurology'], totp: true });
});
after(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

/** A fresh TOTP code: the clock moves one 30-second step first, so no code is reused by accident. */
async function freshCode(person: Person): Promise<string> {
  t.accounts.setNow(t.accounts.now() + 30_000);
  return t.accounts.code(person.totpSecret!);
}

function send(person: Person, method: 'GET' | 'POST', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: { authorization: person.authorization }, ...(payload === undefined ? {} : { payload }) });
}

async function createRequest(studyUids: string[], extra: object = {}): Promise<string> {
  const created = await send(cleo, 'POST', '/api/requests', { kind: 'full', scope: { kind: 'studies', studyUids }, purpose: 'treatment', justification: 'tumour board on Friday', ...extra });
  assert.equal(created.statusCode, 201, created.body);
  return created.json<{ id: string }>().id;
}

/** Cleo's view of a study: `full`, `masked` or the status, as the retrieve's audit event says. */
async function cleoView(studyUid: string): Promise<{ type: string | undefined; grant: string | undefined; purpose?: string }> {
  t.events.length = 0;
  const response = await send(cleo, 'GET', `/dicom-web/studies/${studyUid}/metadata`);
  assert.equal(response.statusCode, 200, response.body);
  const view = t.events.find((e) => e.type === 'view' || e.type === 'view-masked');
  return { type: view?.type, grant: view?.detail?.grant, ...(view?.purpose === undefined ? {} : { purpose: view.purpose }) };
}

describe('access requests over HTTP (issue 6, acceptance 1, 2 and 5)', () => {
  test('a clinician requests; the DSO and the director approve with TOTP; the masked view becomes full; the DSO revokes and the next request is masked; every step is audited', async () => {
    const study = studies[0]!.studyUid;
    assert.deepEqual(await cleoView(study), { type: 'view-masked', grant: undefined }, 'before: same department, masked');

    t.events.length = 0;
    const id = await createRequest([study]);
    const approveByDana = await send(dana, 'POST', `/api/requests/${id}/approve`, { totp: await freshCode(dana) });
    assert.equal(approveByDana.statusCode, 200, approveByDana.body);
    assert.equal(approveByDana.json<{ status: string }>().status, 'pending');
    assert.equal((await cleoView(study)).type, 'view-masked', 'one approval grants nothing');

    t.events.length = 0;
    const approveByDirk = await send(dirk, 'POST', `/api/requests/${id}/approve`, { totp: await freshCode(dirk) });
    assert.equal(approveByDirk.statusCode, 200, approveByDirk.body);
    const grant = approveByDirk.json<{ status: string; grant: { id: string; validUntil: string } }>();
    assert.equal(grant.status, 'granted');
    assert.equal(Date.parse(grant.grant.validUntil), t.accounts.now() + 72 * 3_600_000);
    assert.deepEqual(
      t.events.map((e) => [e.type, e.outcome, e.actor.user, e.purpose, e.detail?.action]),
      [
        ['approve', 'success', 'dirk', 'TREAT', 'approve'],
        ['grant', 'success', 'dirk', 'TREAT', 'issue'],
      ],
    );
    assert.equal(t.events[1]!.detail?.subject, 'cleo');

    assert.deepEqual(await cleoView(study), { type: 'view', grant: id, purpose: 'TREAT' }, 'after both approvals: full, under the grant, for its purpose');
    assert.equal((await cleoView(studies[1]!.studyUid)).type, 'view-masked', 'a study outside the scope stays masked');

    const grants = await send(cleo, 'GET', '/api/grants');
    assert.deepEqual(grants.json<{ grants: Array<{ id: string }> }>().grants.map((g) => g.id), [id]);

    t.events.length = 0;
    const revoked = await send(dana, 'POST', `/api/grants/${id}/revoke`, { reason: 'purpose-ended' });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.deepEqual(
      t.events.map((e) => [e.type, e.outcome, e.actor.user, e.purpose, e.detail?.action, e.detail?.reason]),
      [['revoke', 'success', 'dana', 'TREAT', 'revoke-grant', 'purpose-ended']],
    );
    assert.deepEqual(await cleoView(study), { type: 'view-masked', grant: undefined }, 'the next request after the revocation is masked again');
  });

  test('the request event names the requester, the purpose and the studies; approvals name the approver and the role', async () => {
    t.events.length = 0;
    const id = await createRequest([studies[1]!.studyUid], { purpose: 'quality', durationHours: 24 });
    assert.deepEqual(
      t.events.map((e) => [e.type, e.outcome, e.actor.user, e.purpose, e.objects, e.detail?.accessRequest, e.detail?.action]),
      [['request', 'success', 'cleo', 'HQUALIMP', [{ study: studies[1]!.studyUid }], id, 'create']],
    );
    assert.doesNotMatch(JSON.stringify(t.events), /tumour board/, 'the justification is typed text and stays out of the audit log');
  });

  test('a scope names a patient or a study query, resolved to studies when the request is made; bad requests are refused with a reason', async () => {
    const byPatient = await send(cleo, 'POST', '/api/requests', { kind: 'export', scope: { kind: 'patient', patientRef: studies[2]!.patientRef }, purpose: 'research', justification: 'cohort 7' });
    assert.equal(byPatient.statusCode, 201, byPatient.body);
    assert.deepEqual(byPatient.json<{ studies: unknown }>().studies, [{ studyUid: studies[2]!.studyUid, department: 'neurology' }]);
    const byQuery = await send(cleo, 'POST', '/api/requests', { kind: 'full', scope: { kind: 'query', query: `StudyInstanceUID=${studies[0]!.studyUid}` }, purpose: 'quality', justification: 'peer review' });
    assert.equal(byQuery.statusCode, 201, byQuery.body);
    assert.deepEqual(byQuery.json<{ studies: Array<{ studyUid: string }> }>().studies.map((s) => s.studyUid), [studies[0]!.studyUid]);

    const refused: Array<[string, object, number, string]> = [
      ['a study that does not exist', { scope: { kind: 'studies', studyUids: ['1.2.3.4'] } }, 404, 'scope-unknown-study'],
      ['a patient with no study', { scope: { kind: 'patient', patientRef: 'nobody' } }, 400, 'scope-empty'],
      ['a malformed query', { scope: { kind: 'query', query: 'NoSuchKeyword=1' } }, 400, 'invalid-request'],
      ['a typed purpose', { purpose: 'curiosity' }, 400, 'invalid-request'],
      ['a duration above the maximum', { durationHours: 24 * 7 + 1 }, 400, 'duration-too-long'],
      ['a control character in the justification', { justification: 'a\u0000b' }, 400, 'invalid-request'],
    ];
    for (const [label, change, status, error] of refused) {
      const body = { kind: 'full', scope: { kind: 'studies', studyUids: [studies[0]!.studyUid] }, purpose: 'treatment', justification: 'tumour board', ...change };
      const response = await send(cleo, 'POST', '/api/requests', body);
      assert.deepEqual([response.statusCode, response.json<{ error: string }>().error], [status, error], label);
    }
  });

  test('refusals: self-approval, a non-approver, a director of another department (as for a request that does not exist), a reused TOTP code', async () => {
    const id = await createRequest([studies[0]!.studyUid]);
    const cases: Array<[string, Person, string, number, string]> = [
      ['the requester', cleo, id, 403, 'not-an-approver'],
      ['a director of another department', nina, id, 404, 'unknown-request'],
      ['a director, for a request that does not exist', nina, '00000000-0000-4000-8000-000000000000', 404, 'unknown-request'],
    ];
    for (const [who, person, requestId, status, error] of cases) {
      t.events.length = 0;
      const response = await send(person, 'POST', `/api/requests/${requestId}/approve`, { totp: person.totpSecret === undefined ? '123456' : await freshCode(person) });
      assert.deepEqual([response.statusCode, response.json<{ error: string }>().error], [status, error], who);
      assert.equal(t.events.length, 1, who);
    }
    const danaAsRequester = await t.signedIn('dora', ['dso', 'clinician'], { departments: ['radiology'], totp: true });
    const own = await send(danaAsRequester, 'POST', '/api/requests', { kind: 'export', scope: { kind: 'studies', studyUids: [studies[0]!.studyUid] }, purpose: 'research', justification: 'cohort 7' });
    assert.equal(own.statusCode, 201, own.body);
    const self = await send(danaAsRequester, 'POST', `/api/requests/${own.json<{ id: string }>().id}/approve`, { totp: await freshCode(danaAsRequester) });
    assert.deepEqual([self.statusCode, self.json<{ error: string }>().error], [403, 'self-approval']);

    const code = await freshCode(dana);
    assert.equal((await send(dana, 'POST', `/api/requests/${id}/approve`, { totp: code })).statusCode, 200);
    const reused = await send(dana, 'POST', `/api/requests/${id}/reject`, { totp: code, reason: 'changed my mind' });
    assert.deepEqual([reused.statusCode, reused.json<{ error: string }>().error], [403, 'totp-invalid'], 'a code already used is refused');

    const rejected = await send(dirk, 'POST', `/api/requests/${id}/reject`, { totp: await freshCode(dirk), reason: 'no care relationship' });
    assert.equal(rejected.json<{ status: string }>().status, 'rejected');
    const late = await send(dirk, 'POST', `/api/requests/${id}/approve`, { totp: await freshCode(dirk) });
    assert.deepEqual([late.statusCode, late.json<{ error: string }>().error], [409, 'request-rejected']);
  });

  test('a scope across two departments needs both directors', async () => {
    const id = await createRequest([studies[0]!.studyUid, studies[2]!.studyUid]);
    for (const person of [dana, dirk]) assert.equal((await send(person, 'POST', `/api/requests/${id}/approve`, { totp: await freshCode(person) })).json<{ status: string }>().status, 'pending');
    const last = await send(nina, 'POST', `/api/requests/${id}/approve`, { totp: await freshCode(nina) });
    assert.equal(last.json<{ status: string }>().status, 'granted');
  });

  test('who sees which requests: the requester their own, a director those of their department, a DSO all; anyone else gets "not found"', async () => {
    const id = await createRequest([studies[2]!.studyUid]);
    const ids = async (person: Person) => (await send(person, 'GET', '/api/requests')).json<{ requests: Array<{ id: string }> }>().requests.map((r) => r.id);
    assert.ok((await ids(cleo)).includes(id));
    assert.ok((await ids(dana)).includes(id));
    assert.ok((await ids(nina)).includes(id));
    assert.ok(!(await ids(dirk)).includes(id));
    assert.equal((await send(dirk, 'GET', `/api/requests/${id}`)).statusCode, 404);
    assert.equal((await send(nina, 'GET', `/api/requests/${id}`)).statusCode, 200);
  });

  test('an approver who lost the role before the grant: the completing approval issues nothing, the lost approval is audited as dropped, a new DSO completes it', async () => {
    const dina = await t.signedIn('dina', ['dso'], { totp: true });
    const id = await createRequest([studies[1]!.studyUid]);
    assert.equal((await send(dina, 'POST', `/api/requests/${id}/approve`, { totp: await freshCode(dina) })).statusCode, 200);
    assert.ok(await t.accounts.accounts.updateUser('dina', { roles: ['clinician'] }, t.accounts.now()));
    t.events.length = 0;
    const second = await send(dirk, 'POST', `/api/requests/${id}/approve`, { totp: await freshCode(dirk) });
    assert.equal(second.json<{ status: string }>().status, 'pending');
    assert.deepEqual(
      t.events.map((e) => [e.type, e.outcome, e.actor.user, e.purpose, e.detail?.action, e.detail?.approver]),
      [
        ['approve', 'minor-failure', 'medveil', 'TREAT', 'approval-role-lost', 'dina'],
        ['approve', 'success', 'dirk', 'TREAT', 'approve', undefined],
      ],
    );
    const third = await send(dana, 'POST', `/api/requests/${id}/approve`, { totp: await freshCode(dana) });
    assert.equal(third.json<{ status: string }>().status, 'granted');
    assert.equal((await send(dana, 'POST', `/api/grants/${id}/revoke`, { reason: 'purpose-ended' })).statusCode, 200);
  });

  test('an approval whose audit event cannot be appended does not happen', async () => {
    const id = await createRequest([studies[0]!.studyUid]);
    await send(dana, 'POST', `/api/requests/${id}/approve`, { totp: await freshCode(dana) });
    const code = await freshCode(dirk);
    t.breakAudit(true);
    const failed = await send(dirk, 'POST', `/api/requests/${id}/approve`, { totp: code });
    t.breakAudit(false);
    assert.equal(failed.statusCode, 500);
    const record = await t.requests.get(id);
    assert.deepEqual([record?.status, record?.approvals.map((a) => a.by), record?.grant], ['pending', ['dana'], undefined]);
  });

  test('concurrent approve and revoke end consistently: either no grant at all, or a grant that is already revoked; the audit agrees', async () => {
    const outcomes = new Set<number>();
    for (let round = 0; round < 6; round++) {
      const id = await createRequest([studies[1]!.studyUid]);
      await send(dana, 'POST', `/api/requests/${id}/approve`, { totp: await freshCode(dana) });
      const code = await freshCode(dirk);
      t.events.length = 0;
      const calls = [() => send(dirk, 'POST', `/api/requests/${id}/approve`, { totp: code }), () => send(dana, 'POST', `/api/grants/${id}/revoke`, { reason: 'security-incident' })];
      if (round % 2 === 1) calls.reverse();
      const [first, second] = await Promise.all(calls.map((call) => call()));
      const approve = round % 2 === 1 ? second! : first!;
      const revoke = round % 2 === 1 ? first! : second!;
      assert.equal(revoke.statusCode, 200, revoke.body);
      const record = (await t.requests.get(id))!;
      assert.equal(record.status, 'revoked');
      const types = t.events.filter((e) => e.detail?.accessRequest !== undefined).map((e) => [e.type, e.detail?.action]);
      outcomes.add(approve.statusCode);
      if (approve.statusCode === 200) {
        assert.ok(record.grant?.revokedAt !== undefined, 'granted, then revoked');
        assert.deepEqual(types, [['approve', 'approve'], ['grant', 'issue'], ['revoke', 'revoke-grant']]);
      } else {
        assert.deepEqual([approve.statusCode, approve.json<{ error: string }>().error, record.grant], [409, 'request-revoked', undefined]);
        assert.deepEqual(types, [['revoke', 'withdraw-request']]);
      }
      assert.equal((await cleoView(studies[1]!.studyUid)).type, 'view-masked', `round ${round}: no active grant`);
    }
  });
});

describe('lapse, with an approval lifetime of ten minutes', () => {
  test('an approval older than the lifetime is dropped and audited as lapsed; the grant waits for a new approval of that role', async () => {
    const folder = join(work, 'lapse');
    const lifetime = 10 * 60_000;
    const app = await testRequestApp(folder, { ...DEFAULT_REQUEST_POLICY, approvalLifetimeMs: lifetime });
    try {
      const [study] = await ingestCorpus(app.gateway, syntheticCorpus({ patients: 1, imagesPerPatient: 1, imageSize: 16, seed: 'lapse' }), ['radiology']);
      const requester = await app.signedIn('cleo', ['clinician'], { departments: ['radiology'] });
      const dso = await app.signedIn('dana', ['dso'], { totp: true });
      const director = await app.signedIn('dirk', ['director'], { departments: ['radiology'], directorOf: ['radiology'], totp: true });
      const call = (person: Person, url: string, payload: object) => app.app.inject({ method: 'POST', url, headers: { authorization: person.authorization }, payload });
      const code = async (person: Person, ms: number) => {
        app.accounts.setNow(app.accounts.now() + ms);
        return app.accounts.code(person.totpSecret!);
      };
      const created = await call(requester, '/api/requests', { kind: 'full', scope: { kind: 'studies', studyUids: [study!.studyUid] }, purpose: 'treatment', justification: 'review' });
      const id = created.json<{ id: string }>().id;
      assert.equal((await call(dso, `/api/requests/${id}/approve`, { totp: await code(dso, 30_000) })).statusCode, 200);
      app.events.length = 0;
      const late = await call(director, `/api/requests/${id}/approve`, { totp: await code(director, lifetime) });
      assert.equal(late.json<{ status: string }>().status, 'pending');
      assert.deepEqual(
        app.events.map((e) => [e.type, e.outcome, e.actor.user, e.purpose, e.detail?.action, e.detail?.approver]),
        [
          ['approve', 'minor-failure', 'medveil', 'TREAT', 'approval-lapsed', 'dana'],
          ['approve', 'success', 'dirk', 'TREAT', 'approve', undefined],
        ],
      );
      const again = await call(dso, `/api/requests/${id}/approve`, { totp: await code(dso, 30_000) });
      assert.equal(again.json<{ status: string }>().status, 'granted');
    } finally {
      await app.close();
    }
  });
});
