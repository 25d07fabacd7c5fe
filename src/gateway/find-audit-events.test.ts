import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditLog } from '../audit/log/audit-log.js';
import { SqliteAuditEventIndex } from '../storage/adapters/sqlite-audit-event-index.js';
import { SqliteAuditStore } from '../storage/adapters/sqlite-audit-store.js';
import type { AuditTrailDeps } from './audit-trail-deps.js';
import { findAuditEvents } from './find-audit-events.js';

const T0 = Date.UTC(2025, 4, 1);
const EVENTS = 10_000;

/** A log of EVENTS events over 50 users and 200 patients, and a store that counts the events read from it. */
async function bigLog(): Promise<{ store: SqliteAuditStore; log: AuditLog; read: { events: number; largest: number } }> {
  const store = new SqliteAuditStore(':memory:');
  let now = T0;
  const log = await AuditLog.open({ store, origin: 'hospital.example/audit', clock: { now: () => now++ } });
  await Promise.all(
    Array.from({ length: EVENTS }, (_, i) =>
      log.append({ type: i % 2 === 0 ? 'view' : 'query', outcome: 'success', actor: { user: `user${i % 50}` }, objects: [{ patient: `MV-p${i % 200}` }] }),
    ),
  );
  const read = { events: 0, largest: 0 };
  const readEvents = store.readEvents.bind(store);
  store.readEvents = async (start, end) => {
    read.events += end - start;
    read.largest = Math.max(read.largest, end - start);
    return readEvents(start, end);
  };
  return { store, log, read };
}

function deps(store: SqliteAuditStore, index: SqliteAuditEventIndex): AuditTrailDeps {
  return { store, index, origin: 'hospital.example/audit', logKeys: [], witnessKeys: [] };
}

test('findAuditEvents() indexes the log once, in bounded chunks, and then reads no more events than the page it answers', async () => {
  const { store, log, read } = await bigLog();
  const index = new SqliteAuditEventIndex(':memory:');
  const first = await findAuditEvents(deps(store, index), { patient: 'MV-p7', limit: 10 });
  assert.equal(read.events, EVENTS + first.length, 'the catch-up read every event once, then the page');
  assert.ok(read.largest <= 1024, `one read of ${read.largest} events`);
  const want = Array.from({ length: EVENTS }, (_, i) => i).filter((i) => i % 200 === 7).reverse().slice(0, 10);
  assert.deepEqual(first.map((entry) => entry.index), want);

  read.events = 0;
  const page = await findAuditEvents(deps(store, index), { user: 'user3', type: 'query', limit: 25, before: 5000 });
  assert.equal(read.events, page.length);
  assert.deepEqual(page.map((entry) => entry.index), Array.from({ length: 5000 }, (_, i) => i).filter((i) => i % 50 === 3 && i % 2 === 1).reverse().slice(0, 25));
  assert.ok(page.every((entry) => 'event' in entry && entry.event.actor.user === 'user3'));
  await log.close();
  await index.close();
});

test('concurrent searches on a new index agree, and a deleted index rebuilt from the log gives the same answers', async () => {
  const { store, log } = await bigLog();
  const filters = [{ patient: 'MV-p42', limit: 100 }, { user: 'user9', limit: 100 }, { type: 'view', limit: 30, before: 9000 }];
  const index = new SqliteAuditEventIndex(':memory:');
  const answers = await Promise.all(filters.map((filter) => findAuditEvents(deps(store, index), filter)));
  assert.equal(await index.indexedSize(), EVENTS);
  const rebuilt = new SqliteAuditEventIndex(':memory:');
  for (const [i, filter] of filters.entries()) {
    assert.deepEqual((await findAuditEvents(deps(store, rebuilt), filter)).map((e) => e.index), answers[i]!.map((e) => e.index));
    assert.ok(answers[i]!.length > 0);
  }
  await log.close();
  await index.close();
  await rebuilt.close();
});

test('an event the log holds but that is not a valid audit event is listed with its problem, never with made-up fields, and matches no filter', async () => {
  const store = new SqliteAuditStore(':memory:');
  const log = await AuditLog.open({ store, origin: 'hospital.example/audit', clock: { now: () => T0 } });
  for (let i = 0; i < 8; i++) await log.append({ type: 'view', outcome: 'success', actor: { user: 'user1' } });
  // What a hand-edited database would hand back for event 5: no longer canonical JSON.
  const readEvents = store.readEvents.bind(store);
  store.readEvents = async (start, end) =>
    (await readEvents(start, end)).map((item) => (item.index === 5 ? { index: 5, data: new TextEncoder().encode(` ${new TextDecoder().decode(item.data)}`) } : item));
  const index = new SqliteAuditEventIndex(':memory:');
  const [damaged] = await findAuditEvents(deps(store, index), { before: 6, limit: 1 });
  assert.equal(damaged!.index, 5);
  assert.ok('problem' in damaged!);
  assert.match(damaged.problem, /not in canonical JSON form.*medveil audit verify/);
  assert.deepEqual((await findAuditEvents(deps(store, index), { user: 'user1', limit: 10 })).map((e) => e.index), [7, 6, 4, 3, 2, 1, 0]);
  await log.close();
  await index.close();
});
