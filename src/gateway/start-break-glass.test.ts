import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BREAK_GLASS_MAX_MS } from '../access/break-glass.js';
import { MedVeilError } from '../errors.js';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import type { UserRecord } from '../storage/account-store.js';
import { SqliteBreakGlassStore } from '../storage/adapters/sqlite-break-glass-store.js';
import { ingestCorpus, openTestGateway, type IngestedStudy, type TestGateway } from '../../test/support/retrieve-instance-test-gateway.js';
import type { BreakGlassDeps } from './break-glass-deps.js';
import { breakGlassSource } from './break-glass-source.js';
import { startBreakGlass } from './start-break-glass.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-start-break-glass-'));
let gateway: TestGateway;
let store: SqliteBreakGlassStore;
let studies: IngestedStudy[];
let now = Date.UTC(2025, 5, 2, 10, 0, 0);
let auditBroken = false;
const events: string[] = [];

before(async () => {
  gateway = await openTestGateway(work);
  studies = await ingestCorpus(gateway, syntheticCorpus({ patients: 2, imagesPerPatient: 1, imageSize: 8, seed: 'start-break-glass' }), ['radiology', 'oncology']);
  await gateway.addUser('clin', ['clinician'], { departments: ['radiology'] });
  await gateway.addUser('dso', ['dso']);
  await gateway.addUser('dir-onc', ['director'], { directorOf: ['oncology'] });
  await gateway.addUser('dir-rad', ['director'], { directorOf: ['radiology'] });
  await gateway.addUser('dir-old', ['director'], { directorOf: ['oncology'], disabled: true });
  store = SqliteBreakGlassStore.open(':memory:');
});
after(async () => {
  await store.close();
  await gateway.close();
  rmSync(work, { recursive: true, force: true });
});

function deps(): BreakGlassDeps {
  return {
    store,
    accounts: gateway.accounts,
    index: gateway.index,
    audit: {
      append: async (event) => {
        if (auditBroken) throw new MedVeilError('audit', 'audit append failed; 1 events were not recorded');
        events.push(`${event.type}:${event.detail?.step ?? event.detail?.reason ?? ''}`);
        return { index: events.length - 1 };
      },
    },
    clock: { now: () => now },
    policy: { maxDurationMs: BREAK_GLASS_MAX_MS, maxSessionsPerUser: 5, rateWindowMs: 24 * 3_600_000, reviewWithinMs: 24 * 3_600_000 },
    channels: { webhookUrl: 'https://pager.test/hook', email: true, addresses: new Map([['dso', 'dso@h.test'], ['dir-onc', 'onc@h.test'], ['dir-old', 'old@h.test']]) },
  };
}

const clin = async () => (await gateway.accounts.findUser('clin')) as UserRecord;

test('when the start cannot be recorded, no session is stored and no message is queued: the access never opens', async () => {
  auditBroken = true;
  await assert.rejects(startBreakGlass(deps(), { by: await clin(), patientRef: studies[1]!.patientRef, reasonCode: 'emergency-treatment', reasonText: 'bleeding' }), /audit/);
  auditBroken = false;
  assert.deepEqual(await store.sessionsOf('clin', 0), []);
  assert.deepEqual(await store.dueNotifications(now, 10), []);
  assert.deepEqual(await breakGlassSource(store, { now: () => now })('clin'), []);
});

test("the DSOs and the live directors of the patient's departments are told, e-mail going to those with an address", async () => {
  const result = await startBreakGlass(deps(), { by: await clin(), patientRef: studies[1]!.patientRef, reasonCode: 'emergency-treatment', reasonText: 'bleeding' });
  assert.equal(result.outcome, 'started');
  const queued = await store.dueNotifications(now, 10);
  assert.deepEqual(queued.map((n) => [n.channel, n.recipient]), [['webhook', 'https://pager.test/hook'], ['email', 'onc@h.test'], ['email', 'dso@h.test']]);
  assert.deepEqual(JSON.parse(queued[0]!.body).notify, ['dir-onc', 'dso'], 'the radiology director is not told of an oncology patient; the disabled director is not told');
  assert.ok(queued.every((n) => !n.body.includes('bleeding')));
});

test('a study UID that is unknown, a patient without studies, a duration over the maximum, and naming both patient and study are refused', async () => {
  const by = await clin();
  const base = { by, reasonCode: 'emergency-treatment', reasonText: 'x' };
  const cases: [object, string][] = [
    [{ studyUid: '1.2.3.4' }, 'unknown-study'],
    [{ patientRef: 'pt:no-such-patient' }, 'unknown-patient'],
    [{ patientRef: 'a b' }, 'invalid-break-glass-request'],
    [{ patientRef: studies[0]!.patientRef, durationMinutes: 241 }, 'invalid-break-glass-request'],
    [{ patientRef: studies[0]!.patientRef, durationMinutes: 0 }, 'invalid-break-glass-request'],
    [{ patientRef: studies[0]!.patientRef, studyUid: studies[0]!.studyUid }, 'invalid-break-glass-request'],
    [{}, 'invalid-break-glass-request'],
  ];
  for (const [input, reason] of cases) {
    events.length = 0;
    const result = await startBreakGlass(deps(), { ...base, ...input });
    assert.equal(result.outcome === 'refused' ? result.reason : result.outcome, reason, JSON.stringify(input));
    assert.deepEqual(events, [`deny:${reason}`], JSON.stringify(input));
  }
});

test('breakGlassSource() gives the user the sessions that may still be open, and no one else\'s', async () => {
  const source = breakGlassSource(store, { now: () => now });
  const [session] = await source('clin');
  assert.equal(session!.patientRef, studies[1]!.patientRef);
  assert.equal(session!.endsAt - session!.startedAt, BREAK_GLASS_MAX_MS);
  assert.deepEqual(Object.keys(session!).sort(), ['endsAt', 'id', 'patientRef', 'startedAt', 'userId'], 'the decision gets no reason text');
  assert.deepEqual(await source('dso'), []);
  assert.deepEqual(await breakGlassSource(store, { now: () => now + BREAK_GLASS_MAX_MS + 1 })('clin'), [], 'past four hours the session cannot be open');
});
