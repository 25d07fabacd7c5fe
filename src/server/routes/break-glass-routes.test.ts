/**
 * Issue 6, acceptance 3 (and 5 for break-glass), through the HTTP app: break-glass without a
 * reason is refused and audited; with one, a clinician's masked view of the patient's study
 * becomes full; export and C-MOVE to another AE stay refused; the DSO and the department's
 * director are told at once through a local SMTP sink and a local webhook receiver, whose
 * signature verifies; an unreviewed session escalates after 24 hours on the fake clock, also
 * across a restart of the store; a DSO reviews with a fresh TOTP code.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decideAccess } from '../../access/decide-access.js';
import { actorForUser } from '../../gateway/actor-for-user.js';
import { Dataset } from '../../dicom/dataset.js';
import { Tag } from '../../dicom/tag.js';
import type { AssociationInfo } from '../../dimse/dimse-handlers.js';
import { syntheticCorpus } from '../../samples/synthetic-corpus.js';
import { SqliteBreakGlassStore } from '../../storage/adapters/sqlite-break-glass-store.js';
import { studyFacts } from '../../storage/index-store.js';
import { dimseServices } from '../dimse-services.js';
import { ingestCorpus, type IngestedStudy } from '../../../test/support/retrieve-instance-test-gateway.js';
import { TEST_WEBHOOK_SECRET, testBreakGlassApp, type TestBreakGlassApp } from '../../../test/support/testing-break-glass-app.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-break-glass-'));
const corpus = syntheticCorpus({ patients: 3, imagesPerPatient: 2, imageSize: 16, seed: 'break-glass' });
/** Names, IDs and dates planted in the corpus: none may reach a notification. */
const plantedTokens = corpus.tokens.filter((token) => !token.text.startsWith('2.25.')).map((token) => token.text);
const REASON_TEXT = 'Patient brought in after a collision, intubated; need prior chest films now';
const HOUR = 3_600_000;

let t: TestBreakGlassApp;
let studies: IngestedStudy[];
const auth: Record<string, string> = {};
let dsoTotp = '';

type Json = Record<string, { vr: string; Value?: unknown[] }>;
const image = (study: number) => studies[study]!.instances.find((instance) => instance.hasPixels)!;
const metadataUrl = (study: number) => `/dicom-web/studies/${studies[study]!.studyUid}/series/${image(study).seriesUid}/instances/${image(study).sopInstanceUid}/metadata`;
const family = (patient: number) => corpus.tokens.find((token) => token.place === `patient${patient}/PatientName family`)!.text;

async function signInAgain(name: string): Promise<void> {
  const login = await t.app.inject({ method: 'POST', url: '/api/login', payload: { userName: name, password: 'quietly drawn ferns on the stair' } });
  assert.equal(login.statusCode, 200, login.body);
  auth[name] = `Bearer ${login.json<{ token: string }>().token}`;
}

function post(who: string, url: string, payload?: object) {
  return t.app.inject({ method: 'POST', url, headers: { authorization: auth[who]! }, ...(payload === undefined ? {} : { payload }) });
}

before(async () => {
  t = await testBreakGlassApp(work);
  studies = await ingestCorpus(t.gateway, corpus, ['radiology', 'cardiology', 'radiology']);
  auth.clin = (await t.signedIn('clin', ['clinician'], { departments: ['radiology'] })).authorization;
  auth.rad = (await t.signedIn('rad', ['radiologist'], { departments: ['radiology'] })).authorization;
  auth.tech = (await t.signedIn('tech', ['technician'], { departments: ['radiology'] })).authorization;
  const dso = await t.signedIn('dso', ['dso'], { totp: true });
  auth.dso = dso.authorization;
  dsoTotp = dso.totpSecret!;
  await t.signedIn('director-radiology', ['director'], { departments: ['radiology'], directorOf: ['radiology'], totp: true });
  await t.signedIn('director-cardiology', ['director'], { departments: ['cardiology'], directorOf: ['cardiology'], totp: true });
  t.events.length = 0;
});
after(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

describe('break-glass (issue 6, acceptance 3)', () => {
  let sessionId = '';
  let radSessionId = '';

  test('without a reason text or a reason code, break-glass is refused with 400 and the refusal is audited with actor, purpose and outcome', async () => {
    const cases: [string, object][] = [
      ['no text', { studyUid: studies[0]!.studyUid, reasonCode: 'emergency-treatment' }],
      ['blank text', { studyUid: studies[0]!.studyUid, reasonCode: 'emergency-treatment', reasonText: '   ' }],
      ['no code', { studyUid: studies[0]!.studyUid, reasonText: REASON_TEXT }],
      ['an unknown code', { studyUid: studies[0]!.studyUid, reasonCode: 'curiosity', reasonText: REASON_TEXT }],
    ];
    for (const [name, payload] of cases) {
      t.events.length = 0;
      const response = await post('clin', '/api/break-glass', payload);
      assert.equal(response.statusCode, 400, name);
      assert.equal(response.json<{ error: string }>().error, 'invalid-break-glass-reason', name);
      assert.equal(t.events.length, 1, name);
      const [event] = t.events;
      assert.equal(event!.type, 'deny', name);
      assert.equal(event!.outcome, 'success', name);
      assert.equal(event!.actor.user, 'clin', name);
      assert.equal(event!.purpose, 'BTG', name);
      assert.equal(event!.detail?.action, 'break-glass-start', name);
      assert.equal(event!.detail?.reason, 'invalid-break-glass-reason', name);
    }
    assert.deepEqual(await t.store.unreviewed(), [], 'no session was stored');
  });

  test('a role that may not break the glass is refused with 403, audited', async () => {
    t.events.length = 0;
    const response = await post('tech', '/api/break-glass', { studyUid: studies[0]!.studyUid, reasonCode: 'emergency-treatment', reasonText: REASON_TEXT });
    assert.equal(response.statusCode, 403);
    assert.equal(response.json<{ error: string }>().error, 'break-glass-role');
    assert.deepEqual(t.events.map((e) => [e.type, e.actor.user, e.purpose, e.detail?.reason]), [['deny', 'tech', 'BTG', 'break-glass-role']]);
  });

  test("with a reason, the clinician's masked view of the patient's study becomes full, and the start is audited", async () => {
    const before = await t.app.inject({ method: 'GET', url: metadataUrl(0), headers: { authorization: auth.clin! } });
    assert.equal(before.statusCode, 200);
    assert.equal(before.body.includes(family(0)), false, 'masked before break-glass');

    t.events.length = 0;
    const started = await post('clin', '/api/break-glass', { studyUid: studies[0]!.studyUid, reasonCode: 'unconscious-patient', reasonText: REASON_TEXT, durationMinutes: 60 });
    assert.equal(started.statusCode, 201, started.body);
    const session = started.json<{ id: string; patientRef: string; endsAt: string; reasonText?: string }>();
    sessionId = session.id;
    assert.equal(session.patientRef, studies[0]!.patientRef);
    assert.equal(session.endsAt, new Date(t.accounts.now() + HOUR).toISOString());
    assert.equal(session.reasonText, undefined, 'the reason text is for the reviewer only');
    const [start] = t.events.filter((e) => e.type === 'break-glass');
    assert.equal(start!.actor.user, 'clin');
    assert.equal(start!.outcome, 'success');
    assert.equal(start!.purpose, 'BTG');
    assert.equal(start!.detail?.reasonCode, 'unconscious-patient');
    assert.equal(start!.detail?.session, sessionId);
    assert.deepEqual(start!.objects, [{ patient: studies[0]!.patientRef }, { study: studies[0]!.studyUid }]);
    assert.equal(JSON.stringify(t.events).includes(REASON_TEXT), false, 'the typed reason never reaches the audit log');

    t.events.length = 0;
    const during = await t.app.inject({ method: 'GET', url: metadataUrl(0), headers: { authorization: auth.clin! } });
    assert.equal(during.statusCode, 200);
    assert.ok(during.body.includes(family(0)), 'full during break-glass');
    assert.equal(during.json<Json[]>()[0]!['00100010']!.Value !== undefined, true);
    const view = t.events.find((e) => e.type === 'view');
    assert.equal(view?.detail?.breakGlass, sessionId, 'the view names the session that allowed it');

    const search = await t.app.inject({ method: 'GET', url: '/dicom-web/studies?includefield=all', headers: { authorization: auth.clin!, accept: 'application/dicom+json' } });
    assert.ok(search.body.includes(family(0)), 'QIDO-RS shows the patient in full too');
    assert.equal(search.body.includes(family(2)), false);

    // The other patient of the same department stays masked: break-glass opens one patient.
    const other = await t.app.inject({ method: 'GET', url: metadataUrl(2), headers: { authorization: auth.clin! } });
    assert.equal(other.body.includes(family(2)), false);
  });

  test('under break-glass, export is refused by the decision and C-MOVE to another AE plans nothing, while C-MOVE to the caller itself is a view', async () => {
    const found = await actorForUser({ accounts: t.accounts.accounts, grants: async () => [], breakGlass: t.services.source }, 'clin');
    assert.equal(found.outcome, 'found');
    const who = (found as Extract<typeof found, { outcome: 'found' }>).user;
    const sessions = await t.services.source('clin');
    const study = studyFacts((await t.gateway.index.getStudy({ studyUid: studies[0]!.studyUid }))!);
    const now = t.accounts.now();
    const exportDecision = decideAccess({ actor: who.actor, action: 'export', resource: { kind: 'study', study }, grants: [], breakGlass: sessions, now });
    assert.equal(exportDecision.effect, 'denied');
    assert.ok(exportDecision.reasons.includes('break-glass-export-refused'));
    assert.equal(decideAccess({ actor: who.actor, action: 'view', resource: { kind: 'study', study }, grants: [], breakGlass: sessions, now }).effect, 'full');

    const services = dimseServices({
      ...t.gateway.deps,
      accounts: t.accounts.accounts,
      clock: t.accounts.deps.clock,
      breakGlass: t.services.source,
      peers: [{ aeTitle: 'CLINWS', user: 'clin' }],
      moveDestinations: [
        { aeTitle: 'CLINWS', host: '127.0.0.1', port: 104 },
        { aeTitle: 'VENDOR', host: '127.0.0.1', port: 105 },
      ],
    });
    const association: AssociationInfo = { callingAeTitle: 'CLINWS', calledAeTitle: 'MEDVEIL', peerAddress: '127.0.0.1' };
    const identifier = new Dataset();
    identifier.setString(Tag.QueryRetrieveLevel, 'STUDY');
    identifier.setString(Tag.StudyInstanceUID, studies[0]!.studyUid);
    const move = (aeTitle: string) =>
      services.handlers.move!({ association, sopClassUid: '1.2.840.10008.5.1.4.1.2.2.2', priority: 0, identifier, signal: new AbortController().signal, destination: services.moveDestinations(aeTitle)! });
    t.gateway.events.length = 0;
    const toVendor = await move('VENDOR');
    assert.deepEqual(toVendor.matches, [], 'C-MOVE to another AE is an export: nothing is planned');
    assert.ok(t.gateway.events.some((e) => e.type === 'deny' && e.detail?.action === 'export'), 'the refused move is recorded');
    const toSelf = await move('CLINWS');
    assert.equal(toSelf.matches.length, studies[0]!.instances.length, 'C-MOVE back to the caller is a view, which break-glass allows');
  });

  test('the DSO and the director of the study\'s department are notified at once, by a signed webhook and e-mail, with no PHI beyond the patient reference', async () => {
    await t.services.jobs.run();
    assert.deepEqual(t.jobErrors, []);
    assert.equal(t.webhook.hooks.length, 1);
    const hook = t.webhook.hooks[0]!;
    const timestamp = String(hook.headers['x-medveil-timestamp']);
    const expected = `sha256=${createHmac('sha256', TEST_WEBHOOK_SECRET).update(`${timestamp}.${hook.body}`).digest('hex')}`;
    assert.equal(hook.headers['x-medveil-signature'], expected, 'the signature verifies with the shared secret');
    const forged = `sha256=${createHmac('sha256', 'another secret of the same length, not ours!!').update(`${timestamp}.${hook.body}`).digest('hex')}`;
    assert.notEqual(hook.headers['x-medveil-signature'], forged);
    const body = JSON.parse(hook.body) as Record<string, unknown>;
    assert.equal(body.event, 'break-glass.started');
    assert.equal(body.session, sessionId);
    assert.equal(body.patient, studies[0]!.patientRef);
    assert.equal(body.reasonCode, 'unconscious-patient');
    assert.deepEqual(body.departments, ['radiology']);
    assert.deepEqual(body.notify, ['director-radiology', 'dso']);

    assert.deepEqual(t.smtp.mails.map((mail) => mail.to).flat().sort(), ['director.radiology@hospital.test', 'dso@hospital.test']);
    for (const mail of t.smtp.mails) {
      assert.equal(mail.from, 'medveil@hospital.test');
      assert.match(mail.data, /^Subject: MedVeil break-glass: clin opened patient /m);
      assert.ok(mail.data.includes(sessionId));
      assert.ok(mail.data.includes(studies[0]!.patientRef));
    }
    for (const text of [hook.body, ...t.smtp.mails.map((mail) => mail.data)]) {
      assert.equal(text.includes(REASON_TEXT), false, 'the typed reason stays with the reviewer');
      assert.deepEqual(plantedTokens.filter((token) => text.includes(token)), [], 'no name, ID or date of the patient');
    }
    const sent = t.events.filter((e) => e.type === 'break-glass' && e.detail?.step === 'notification-sent');
    assert.deepEqual(sent.map((e) => e.detail?.channel).sort(), ['email', 'email', 'webhook']);
    assert.ok(sent.every((e) => e.purpose === 'BTG' && e.outcome === 'success' && e.detail?.reasonCode === 'unconscious-patient'));
  });

  test('a failed delivery is retried later and recorded each time, and never held up the access', async () => {
    t.webhook.failNext(1);
    t.smtp.failNext(1);
    const hooksBefore = t.webhook.hooks.length;
    const mailsBefore = t.smtp.mails.length;
    t.events.length = 0;
    const started = await post('rad', '/api/break-glass', { patientRef: studies[2]!.patientRef, reasonCode: 'emergency-treatment', reasonText: 'trauma bay, prior imaging needed' });
    assert.equal(started.statusCode, 201, started.body);
    radSessionId = started.json<{ id: string }>().id;
    await t.services.jobs.run();
    const failed = t.events.filter((e) => e.detail?.step === 'notification-failed');
    assert.deepEqual(failed.map((e) => [e.detail?.channel, e.outcome, e.detail?.attempt]).sort(), [['email', 'minor-failure', '1'], ['webhook', 'minor-failure', '1']]);
    assert.ok(failed.every((e) => e.detail?.retryAt === new Date(t.accounts.now() + 60_000).toISOString()));
    assert.equal(t.webhook.hooks.length, hooksBefore);
    assert.equal(t.smtp.mails.length, mailsBefore + 1, 'the second address got its e-mail');
    // Access does not wait for the notifications.
    const view = await t.app.inject({ method: 'GET', url: metadataUrl(2), headers: { authorization: auth.rad! } });
    assert.ok(view.body.includes(family(2)));

    t.accounts.setNow(t.accounts.now() + 60_000);
    await t.services.jobs.run();
    assert.equal(t.webhook.hooks.length, hooksBefore + 1);
    assert.equal(t.smtp.mails.length, mailsBefore + 2);
    assert.deepEqual(t.events.filter((e) => e.detail?.step === 'notification-sent').map((e) => e.detail?.attempt).sort(), ['1', '2', '2']);
  });

  test('a session ended early gives no more than the policy table', async () => {
    t.events.length = 0;
    const ended = await post('clin', `/api/break-glass/${sessionId}/end`);
    assert.equal(ended.statusCode, 200, ended.body);
    assert.deepEqual(
      t.events.map((e) => [e.type, e.actor.user, e.purpose, e.outcome, e.detail?.step, e.detail?.session, e.detail?.reasonCode]),
      [['break-glass', 'clin', 'BTG', 'success', 'end', sessionId, 'unconscious-patient']],
    );
    const after = await t.app.inject({ method: 'GET', url: metadataUrl(0), headers: { authorization: auth.clin! } });
    assert.equal(after.body.includes(family(0)), false, 'masked again');
    assert.equal((await post('clin', `/api/break-glass/${sessionId}/end`)).statusCode, 409);
    assert.equal((await post('rad', `/api/break-glass/${sessionId}/end`)).statusCode, 404, "another user's session is not theirs to end");
  });

  test('the rate limit refuses the next session with 429 and a retry time, audited', async () => {
    const payload = { patientRef: studies[0]!.patientRef, reasonCode: 'system-downtime', reasonText: 'request system down' };
    assert.equal((await post('clin', '/api/break-glass', payload)).statusCode, 201);
    assert.equal((await post('clin', '/api/break-glass', payload)).statusCode, 201);
    await t.services.jobs.run();
    t.events.length = 0;
    const refused = await post('clin', '/api/break-glass', payload);
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json<{ error: string }>().error, 'break-glass-rate-limit');
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.deepEqual(t.events.map((e) => [e.type, e.actor.user, e.purpose, e.detail?.reason, e.detail?.reasonCode]), [['deny', 'clin', 'BTG', 'break-glass-rate-limit', 'system-downtime']]);
  });

  test('an unreviewed session escalates 24 hours after it started, once, and the escalation survives a restart', async () => {
    const first = (await t.store.findSession(sessionId))!;
    t.events.length = 0;
    const hooksBefore = t.webhook.hooks.length;
    t.accounts.setNow(first.startedAt + 24 * HOUR - 1);
    await t.services.jobs.run();
    assert.equal(t.events.filter((e) => e.detail?.step === 'escalation').length, 0, 'not before the deadline');

    t.accounts.setNow(first.startedAt + 24 * HOUR);
    await t.services.jobs.run();
    const escalations = t.events.filter((e) => e.detail?.step === 'escalation');
    // The two sessions started at that time escalate; those started a minute later are not due yet.
    assert.deepEqual(escalations.map((e) => e.detail?.session).sort(), [sessionId, radSessionId].sort());
    assert.equal(escalations[0]!.purpose, 'BTG');
    assert.equal(escalations[0]!.actor.user, 'medveil');
    const escalationHooks = t.webhook.hooks.slice(hooksBefore).map((hook) => JSON.parse(hook.body) as { event: string; session: string });
    assert.deepEqual(escalationHooks.map((hook) => [hook.event, hook.session]).sort(), [['break-glass.escalated', sessionId], ['break-glass.escalated', radSessionId]].sort());
    assert.ok(t.smtp.mails.some((mail) => /^Subject: MedVeil break-glass NOT REVIEWED/m.test(mail.data) && mail.data.includes(sessionId)));

    // A second process opening the same file sees the escalation and does not repeat it.
    const reopened = SqliteBreakGlassStore.open(join(work, 'break-glass.sqlite'));
    try {
      assert.equal((await reopened.findSession(sessionId))!.escalatedAt, first.startedAt + 24 * HOUR);
      assert.deepEqual((await reopened.dueForEscalation(t.accounts.now())).map((s) => s.id), []);
      assert.equal((await reopened.dueForEscalation(t.accounts.now() + 60_000)).length, 2, 'the sessions started a minute later are due a minute later');
    } finally {
      await reopened.close();
    }
    t.events.length = 0;
    await t.services.jobs.run();
    assert.equal(t.events.filter((e) => e.detail?.step === 'escalation').length, 0);
  });

  test('a DSO reviews from the queue with a fresh TOTP code; nobody else reads the queue; a review is final', async () => {
    await signInAgain('clin');
    const dsoLogin = await t.app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'dso', password: 'quietly drawn ferns on the stair', totp: await t.accounts.code(dsoTotp) } });
    assert.equal(dsoLogin.statusCode, 200, dsoLogin.body);
    auth.dso = `Bearer ${dsoLogin.json<{ token: string }>().token}`;

    t.events.length = 0;
    const notDso = await t.app.inject({ method: 'GET', url: '/api/break-glass/reviews', headers: { authorization: auth.clin! } });
    assert.equal(notDso.statusCode, 403);
    assert.deepEqual(t.events.map((e) => [e.type, e.actor.user, e.detail?.reason]), [['deny', 'clin', 'not-dso']]);

    const queue = await t.app.inject({ method: 'GET', url: '/api/break-glass/reviews', headers: { authorization: auth.dso! } });
    assert.equal(queue.statusCode, 200);
    const sessions = queue.json<{ sessions: { id: string; reasonText: string; escalatedAt?: string }[] }>().sessions;
    const mine = sessions.find((s) => s.id === sessionId)!;
    assert.equal(mine.reasonText, REASON_TEXT, 'the reviewer reads the user\'s own words');
    assert.ok(mine.escalatedAt !== undefined);

    t.events.length = 0;
    const wrong = await post('dso', `/api/break-glass/${sessionId}/review`, { totp: await t.accounts.wrongCode(dsoTotp), outcome: 'justified', note: 'checked with the ED' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(t.events[0]?.detail?.reason, 'totp-invalid');

    t.accounts.setNow(t.accounts.now() + 30_000);
    t.events.length = 0;
    const reviewed = await post('dso', `/api/break-glass/${sessionId}/review`, { totp: await t.accounts.code(dsoTotp), outcome: 'justified', note: 'checked with the ED' });
    assert.equal(reviewed.statusCode, 200, reviewed.body);
    const review = t.events.find((e) => e.type === 'break-glass' && e.detail?.step === 'review')!;
    assert.equal(review.actor.user, 'dso');
    assert.equal(review.purpose, 'BTG');
    assert.equal(review.outcome, 'success');
    assert.equal(review.detail?.review, 'justified');
    assert.equal(review.detail?.escalated, 'true');

    const again = await t.app.inject({ method: 'GET', url: '/api/break-glass/reviews', headers: { authorization: auth.dso! } });
    assert.equal(again.json<{ sessions: { id: string }[] }>().sessions.some((s) => s.id === sessionId), false);
    t.accounts.setNow(t.accounts.now() + 30_000);
    const twice = await post('dso', `/api/break-glass/${sessionId}/review`, { totp: await t.accounts.code(dsoTotp), outcome: 'unjustified', note: 'second look' });
    assert.equal(twice.statusCode, 409);
  });
});
