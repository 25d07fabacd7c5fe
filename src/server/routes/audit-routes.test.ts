import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0 } from '../../../test/support/testing-account-deps.js';
import { AUDIT_TEST_ORIGIN, testAuditApp, type TestAuditApp } from '../../../test/support/testing-audit-app.js';
import type { AuditEventInput } from '../../audit/event/audit-event.js';
import { parseVerifierKey } from '../../audit/note/verifier-key.js';
import { verifyReceipt } from '../../audit/receipt/verify-receipt.js';
import { verifyReceiptWeb } from '../../audit/receipt/verify-receipt-web.js';

const MINUTE = 60_000;

interface EventView {
  index: number;
  time?: string;
  type?: string;
  actor?: { user: string };
  objects?: { study?: string; patient?: string }[];
  detail?: Record<string, string>;
}

/** 30 events an hour before the tests sign anyone in, one a minute, over 3 users, 4 patients, 5 studies and 3 types. */
function seededEvents(): AuditEventInput[] {
  return Array.from({ length: 30 }, (_, i) => ({
    time: new Date(T0 - 60 * MINUTE + i * MINUTE).toISOString(),
    type: (['view', 'view-masked', 'export'] as const)[i % 3]!,
    outcome: 'success' as const,
    actor: { user: `clin${i % 3}`, role: 'clinician' },
    objects: [{ study: `1.2.840.99.${i % 5}`, patient: `MV-patient-${i % 4}` }],
    detail: { note: `seeded ${i}` },
  }));
}

async function seeded(): Promise<{ audit: TestAuditApp; indexes: number[]; events: AuditEventInput[] }> {
  const audit = await testAuditApp();
  const events = seededEvents();
  const indexes = await audit.append(events);
  return { audit, indexes, events };
}

async function search(audit: TestAuditApp, authorization: string, query: string) {
  return audit.app.inject({ method: 'GET', url: `/api/audit/events${query}`, headers: { authorization } });
}

test('only auditors and data security officers read the audit trail; anyone else is refused and recorded as a deny', async () => {
  const { audit } = await seeded();
  const auditor = await audit.signedIn('aud', ['auditor']);
  const dso = await audit.signedIn('dora', ['dso']);
  const clinician = await audit.signedIn('cli', ['clinician']);
  const auditorToken = await audit.apiToken(auditor, ['audit:read']);
  const readOnlyToken = await audit.apiToken(auditor, ['dicomweb:read']);
  const technicianToken = await audit.apiToken(await audit.signedIn('tec', ['technician']), ['audit:read']);
  const cases: [string, string | undefined, number, string | undefined][] = [
    ['an auditor', auditor, 200, undefined],
    ['a data security officer with a second factor', dso, 200, undefined],
    ["an auditor's token with audit:read", auditorToken, 200, undefined],
    ['a clinician', clinician, 403, 'not-auditor'],
    ["a technician's token with audit:read", technicianToken, 403, 'not-auditor'],
    ["an auditor's token without audit:read", readOnlyToken, 403, 'api-token-scope'],
    ['nobody signed in', undefined, 401, 'no-credentials'],
  ];
  for (const [who, authorization, status, reason] of cases) {
    for (const url of ['/api/audit/events', '/api/audit/events/0', '/api/audit/keys', '/api/audit/events?colour=red&patient=Doe%5EJohn']) {
      const response = await audit.app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });
      // Event 0 has no checkpoint yet and the last query is malformed: a reader gets 409 and 400,
      // past the role check; anyone else learns nothing of either.
      const readerStatus = url === '/api/audit/events/0' ? 409 : url.includes('colour') ? 400 : 200;
      assert.equal(response.statusCode, status === 200 ? readerStatus : status, `${who} ${url}: ${response.body}`);
      const last = await audit.eventAt(audit.log.size() - 1);
      if (reason === undefined) continue;
      assert.equal(last.type, 'deny', `${who} ${url}`);
      assert.equal((last.detail as Record<string, string>).reason, reason, `${who} ${url}`);
    }
  }
  await audit.close();
});

test('GET /api/audit/events filters by user, patient, study, type and time, newest first, reading each event back from the log', async () => {
  const { audit, indexes, events } = await seeded();
  const auditor = await audit.signedIn('aud', ['auditor']);
  const expected = (keep: (event: AuditEventInput) => boolean) =>
    indexes.filter((_, i) => keep(events[i]!)).reverse();
  const inRange = (event: AuditEventInput, from: number, to: number) => Date.parse(event.time!) >= from && Date.parse(event.time!) < to;
  const from = T0 - 50 * MINUTE;
  const to = T0 - 40 * MINUTE;
  const cases: [string, (event: AuditEventInput) => boolean][] = [
    ['?user=clin1', (e) => e.actor.user === 'clin1'],
    ['?patient=MV-patient-2', (e) => e.objects![0]!.patient === 'MV-patient-2'],
    ['?study=1.2.840.99.3', (e) => e.objects![0]!.study === '1.2.840.99.3'],
    ['?type=export', (e) => e.type === 'export'],
    [`?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`, (e) => inRange(e, from, to)],
    ['?patient=MV-patient-1&study=1.2.840.99.0', (e) => e.objects![0]!.patient === 'MV-patient-1' && e.objects![0]!.study === '1.2.840.99.0'],
    ['?user=clin0&type=view&limit=500', (e) => e.actor.user === 'clin0' && e.type === 'view'],
    [`?study=1.2.840.99.4&type=view-masked&to=${new Date(T0 - 45 * MINUTE).toISOString()}`, (e) => e.objects![0]!.study === '1.2.840.99.4' && e.type === 'view-masked' && Date.parse(e.time!) < T0 - 45 * MINUTE],
  ];
  for (const [query, keep] of cases) {
    const response = await search(audit, auditor, query);
    assert.equal(response.statusCode, 200, `${query}: ${response.body}`);
    const found = response.json<{ events: EventView[] }>().events;
    const want = expected(keep);
    assert.ok(want.length > 0, `${query} matches some seeded event`);
    assert.deepEqual(found.map((e) => e.index), want, query);
    for (const event of found) {
      const source = events[indexes.indexOf(event.index)]!;
      assert.deepEqual({ time: event.time, type: event.type, actor: event.actor, objects: event.objects, detail: event.detail }, { time: source.time, type: source.type, actor: source.actor, objects: source.objects, detail: source.detail }, query);
      assert.match(event.time!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  }
  const everything = (await search(audit, auditor, '?limit=500')).json<{ events: EventView[] }>().events.map((e) => e.index);
  assert.deepEqual(everything, [...everything].sort((a, b) => b - a), 'newest first');
  assert.ok(everything.includes(indexes[0]!) && everything.length > indexes.length, 'unfiltered, the seeded events and the requests since');
  await audit.close();
});

test('GET /api/audit/events pages by index with nextBefore, and sees events appended since the last search', async () => {
  const { audit, indexes, events } = await seeded();
  const auditor = await audit.signedIn('aud', ['auditor']);
  const want = indexes.filter((_, i) => events[i]!.actor.user === 'clin2').reverse();
  const pages: number[][] = [];
  let query = '?user=clin2&limit=4';
  for (;;) {
    const page = (await search(audit, auditor, query)).json<{ events: EventView[]; nextBefore?: number }>();
    pages.push(page.events.map((e) => e.index));
    if (page.nextBefore === undefined) break;
    assert.equal(page.nextBefore, page.events.at(-1)!.index);
    query = `?user=clin2&limit=4&before=${page.nextBefore}`;
  }
  assert.deepEqual(pages.flat(), want);
  assert.ok(pages.length >= 3 && pages.slice(0, -1).every((page) => page.length === 4));

  const [later] = await audit.append([{ ...seededEvents()[2]!, time: new Date(T0).toISOString() }]);
  const fresh = (await search(audit, auditor, '?user=clin2&limit=1')).json<{ events: EventView[] }>().events;
  assert.deepEqual(fresh.map((e) => e.index), [later]);
  await audit.close();
});

test('every read of the audit trail is itself a query event naming what was asked', async () => {
  const { audit } = await seeded();
  const auditor = await audit.signedIn('aud', ['auditor']);
  const response = await search(audit, auditor, '?patient=MV-patient-3&type=view&limit=2');
  assert.equal(response.statusCode, 200);
  const recorded = await audit.eventAt(audit.log.size() - 1);
  assert.equal(recorded.type, 'query');
  assert.deepEqual(recorded.actor, { user: 'aud', role: 'auditor', address: '127.0.0.1' });
  assert.deepEqual(recorded.objects, [{ patient: 'MV-patient-3' }]);
  const detail = recorded.detail as Record<string, string>;
  assert.deepEqual([detail.route, detail.status, detail.eventType, detail.limit, detail.found], ['/api/audit/events', '200', 'view', '2', '2']);

  await audit.checkpoint();
  const proved = await audit.app.inject({ method: 'GET', url: '/api/audit/events/3', headers: { authorization: auditor } });
  assert.equal(proved.statusCode, 200);
  const provedEvent = await audit.eventAt(audit.log.size() - 1);
  assert.deepEqual([provedEvent.type, (provedEvent.detail as Record<string, string>).index], ['query', '3']);
  await audit.app.inject({ method: 'GET', url: '/api/audit/keys', headers: { authorization: auditor } });
  assert.equal((await audit.eventAt(audit.log.size() - 1)).type, 'query');
  await audit.close();
});

test('GET /api/audit/events/:index answers 409 until a checkpoint covers the event, then its receipt verifies with the keys of GET /api/audit/keys', async () => {
  for (const suite of ['intl', 'gm'] as const) {
    const audit = await testAuditApp({ suite });
    const [first] = await audit.append(seededEvents().slice(0, 5));
    const auditor = await audit.signedIn('aud', ['auditor']);
    const early = await audit.app.inject({ method: 'GET', url: `/api/audit/events/${first}`, headers: { authorization: auditor } });
    assert.equal(early.statusCode, 409);
    assert.equal(early.json<{ error: string }>().error, 'not-checkpointed');
    assert.match(early.json<{ message: string }>().message, /no checkpoint yet/);

    const size = await audit.checkpoint();
    const keys = (await audit.app.inject({ method: 'GET', url: '/api/audit/keys', headers: { authorization: auditor } })).json<{ origin: string; logKeys: string[]; witnessKeys: string[] }>();
    assert.deepEqual(keys, { origin: AUDIT_TEST_ORIGIN, logKeys: audit.logKeys.verifierKeys, witnessKeys: audit.witnessKeys.verifierKeys });
    const response = await audit.app.inject({ method: 'GET', url: `/api/audit/events/${first}`, headers: { authorization: auditor } });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json<{ event: EventView; receipt: string; checkpoint: { size: number; cosignedBy: { witness: string }[] } }>();
    assert.equal(body.event.index, first);
    assert.deepEqual([body.checkpoint.size, body.checkpoint.cosignedBy.map((c) => c.witness)], [size, [audit.witnessKeys.name]]);
    const verified = verifyReceipt(body.receipt, { keys: [...keys.logKeys, ...keys.witnessKeys].map(parseVerifierKey) });
    assert.equal(verified.index, first);
    assert.deepEqual(verified.event, await audit.eventAt(first!));
    const inBrowser = await verifyReceiptWeb(body.receipt, [...keys.logKeys, ...keys.witnessKeys]);
    assert.equal(inBrowser.ok, true, inBrowser.reason);
    assert.deepEqual(inBrowser.logSignatures.map((s) => s.kind), suite === 'gm' ? ['ed25519', 'sm2'] : ['ed25519']);

    const beyond = audit.log.size() - 1;
    const uncovered = await audit.app.inject({ method: 'GET', url: `/api/audit/events/${beyond}`, headers: { authorization: auditor } });
    assert.equal(uncovered.statusCode, 409);
    assert.match(uncovered.json<{ message: string }>().message, new RegExp(`covers events 0 to ${size - 1}`));
    const unknown = await audit.app.inject({ method: 'GET', url: '/api/audit/events/100000', headers: { authorization: auditor } });
    assert.deepEqual([unknown.statusCode, unknown.json<{ error: string }>().error], [404, 'unknown-event']);
    await audit.close();
  }
});

test('GET /api/audit/events refuses malformed filters with 400 and a reason', async () => {
  const { audit } = await seeded();
  const auditor = await audit.signedIn('aud', ['auditor']);
  const cases: [string, RegExp][] = [
    ['?limit=0', /limit/],
    ['?limit=501', /at most 500/],
    ['?from=yesterday', /from/],
    ['?to=2025-02-30T25:00:00Z', /real times/],
    ['?patient=Doe%5EJohn', /patient/],
    ['?study=1.02.3', /study/],
    ['?type=coffee', /type/],
    ['?before=-1', /before/],
    ['?colour=red', /additional/],
  ];
  for (const [query, message] of cases) {
    const response = await search(audit, auditor, query);
    assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
    assert.match(response.json<{ message: string }>().message, message, query);
  }
  await audit.close();
});

test('/openapi.json documents the audit routes with their scope', async () => {
  const audit = await testAuditApp();
  const document = (await audit.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { 'x-medveil-access': string; parameters?: { name: string }[] }>> }>();
  for (const path of ['/api/audit/events', '/api/audit/events/{index}', '/api/audit/keys']) {
    assert.equal(document.paths[path]?.get?.['x-medveil-access'], 'scope:audit:read', path);
  }
  assert.deepEqual(document.paths['/api/audit/events']!.get!.parameters!.map((p) => p.name), ['user', 'patient', 'study', 'type', 'from', 'to', 'before', 'limit']);
  await audit.close();
});
