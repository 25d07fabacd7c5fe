import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MedVeilError } from '../../errors.js';
import type { AuditBatch, AuditStore } from '../../storage/audit-store.js';
import { SqliteAuditStore } from '../../storage/adapters/sqlite-audit-store.js';
import type { Clock } from '../clock.js';
import { decodeAuditEvent } from '../event/encode-audit-event.js';
import { verifyConsistency, verifyInclusion } from '../merkle/verify.js';
import { cosign, generateLogKeys, generateWitnessKeys, parseSecretKeyFile, parseVerifierKeys, signNote } from '../note/index.js';
import { AuditLog } from './audit-log.js';
import { verifyLog } from './verify-log.js';

const origin = 'medveil.test/audit';
const keys = generateLogKeys(origin, 'intl');
const signers = parseSecretKeyFile(keys.signerKeys.join('\n'));
const verifiers = parseVerifierKeys(keys.verifierKeys.join('\n'));
const sign = (body: string) => signNote(body, signers);

const dir = mkdtempSync(join(tmpdir(), 'medveil-audit-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const newStore = () => new SqliteAuditStore(join(dir, `log-${fileNo++}.sqlite`));

function fixedClock(start = Date.UTC(2025, 2, 1, 8, 0, 0, 0)): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

// A store whose listed methods are replaced, the rest forwarded to the real one.
function withOverrides(store: AuditStore, overrides: Partial<AuditStore>): AuditStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      const own = (overrides as Record<string | symbol, unknown>)[name];
      if (own !== undefined) return own;
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const viewBy = (user: string) => ({ type: 'view' as const, outcome: 'success' as const, actor: { user }, objects: [{ study: '1.2.3.4' }] });

test('concurrent appends share commits, resolve with contiguous indices and stamp the clock time', async () => {
  const store = newStore();
  const commits: number[] = [];
  const counting = withOverrides(store, {
    appendBatch: (batch: AuditBatch) => {
      commits.push(batch.leaves.length);
      return store.appendBatch(batch);
    },
  });
  const clock = fixedClock();
  const log = await AuditLog.open({ store: counting, origin, clock });
  const results = await Promise.all(Array.from({ length: 500 }, (_, i) => log.append(viewBy(`user${i}`))));
  assert.deepEqual(results.map((r) => r.index), Array.from({ length: 500 }, (_, i) => i));
  assert.ok(commits.length < 500 / 10, `500 appends took ${commits.length} commits`);
  assert.equal(log.size(), 500);
  const event = decodeAuditEvent((await log.readEvent(7))!);
  assert.equal(event.time, '2025-03-01T08:00:00.000Z');
  assert.equal(event.actor.user, 'user7');
  await log.close();
});

test('an invalid event is refused before anything is written', async () => {
  const log = await AuditLog.open({ store: newStore(), origin, clock: fixedClock() });
  await assert.rejects(log.append({ type: 'view', outcome: 'success', actor: { user: 'x' }, objects: [{ patient: 'Doe^Jane' }] }), /pseudonymous/);
  assert.equal(log.size(), 0);
  await log.close();
});

test('a failed commit rejects every append of its batch, writes nothing, and the next append takes the same index', async () => {
  const store = newStore();
  let failNext = true;
  const flaky = withOverrides(store, {
    appendBatch: (batch: AuditBatch) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('disk full'));
      }
      return store.appendBatch(batch);
    },
  });
  const log = await AuditLog.open({ store: flaky, origin, clock: fixedClock() });
  const outcomes = await Promise.allSettled([log.append(viewBy('a')), log.append(viewBy('b'))]);
  assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected']);
  assert.equal(((outcomes[0] as PromiseRejectedResult).reason as MedVeilError).code, 'audit');
  assert.equal(await store.size(), 0);
  assert.deepEqual(await log.append(viewBy('c')), { index: 0 });
  await log.close();
});

test('inclusion and consistency proofs from the store verify against signed checkpoints', async () => {
  const clock = fixedClock();
  const path = join(dir, 'proofs.sqlite');
  const log = await AuditLog.open({ store: new SqliteAuditStore(path), origin, clock, signer: sign });
  for (let i = 0; i < 37; i++) await log.append(viewBy(`u${i}`));
  const first = await log.checkpoint();
  assert.equal(first.size, 37);
  assert.deepEqual(await log.checkpoint(), first, 'no new checkpoint without new events');
  await Promise.all(Array.from({ length: 100 }, (_, i) => log.append(viewBy(`v${i}`))));
  const second = await log.checkpoint();
  assert.equal(second.size, 137);
  assert.ok(second.note.startsWith(`${origin}\n137\n`));

  const proof = await log.proveInclusion(20, 137);
  verifyInclusion(proof.leafHash, 20, 137, proof.proof, proof.rootHash);
  assert.deepEqual(proof.rootHash, log.rootHash());
  const consistency = await log.proveConsistency(37, 137);
  verifyConsistency(37, 137, consistency, await log.rootAt(37), log.rootHash());
  await assert.rejects(log.proveInclusion(137), MedVeilError);

  const report = await verifyLog(new SqliteAuditStore(path), verifiers);
  assert.equal(report.ok, true, JSON.stringify(report.problems));
  assert.equal(report.checkpointsChecked, 2);
  await log.close();
});

test('reopening the log continues the same tree', async () => {
  const path = join(dir, 'reopen.sqlite');
  const clock = fixedClock();
  let log = await AuditLog.open({ store: new SqliteAuditStore(path), origin, clock, signer: sign });
  for (let i = 0; i < 11; i++) await log.append(viewBy(`a${i}`));
  await log.checkpoint();
  await log.close();
  log = await AuditLog.open({ store: new SqliteAuditStore(path), origin, clock, signer: sign });
  assert.equal(log.size(), 11);
  for (let i = 0; i < 6; i++) await log.append(viewBy(`b${i}`));
  await log.checkpoint();
  const report = await verifyLog(new SqliteAuditStore(path), verifiers);
  assert.equal(report.ok, true, JSON.stringify(report.problems));
  assert.equal(report.size, 17);
  assert.deepEqual(report.rootHash, log.rootHash());
  await log.close();
  await assert.rejects(AuditLog.open({ store: new SqliteAuditStore(path), origin: 'other.test/log', clock }), /belongs to log/);
});

test('a witness refusal is stored and appended to the log as an event', async () => {
  const store = newStore();
  const log = await AuditLog.open({ store, origin, clock: fixedClock(), signer: sign });
  await log.append(viewBy('a'));
  const checkpoint = await log.checkpoint();
  const { index } = await log.recordWitnessRefusal({ size: checkpoint.size, witness: 'w1.test', status: 409, message: 'conflict:\n3' });
  const event = decodeAuditEvent((await log.readEvent(index))!);
  assert.equal(event.type, 'witness-refusal');
  assert.equal(event.detail?.status, '409');
  assert.equal(event.detail?.message, 'conflict: 3');
  assert.equal((await store.witnessRefusals()).length, 1);
  await log.close();
});

test('the SQLite store refuses UPDATE and DELETE through its triggers', async () => {
  const path = join(dir, 'triggers.sqlite');
  const log = await AuditLog.open({ store: new SqliteAuditStore(path), origin, clock: fixedClock() });
  await log.append(viewBy('a'));
  await log.close();
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path);
  assert.throws(() => db.prepare('UPDATE audit_events SET data = x\'00\' WHERE idx = 0').run(), /append-only/);
  assert.throws(() => db.prepare('DELETE FROM audit_hashes').run(), /append-only/);
  db.close();
});

test('when a commit fails, the commits queued behind it fail too, and appends resume at the first unwritten index', async () => {
  const store = newStore();
  let calls = 0;
  const flaky = withOverrides(store, {
    appendBatch: (batch: AuditBatch) => (calls++ === 0 ? Promise.reject(new Error('I/O error')) : store.appendBatch(batch)),
  });
  const log = await AuditLog.open({ store: flaky, origin, clock: fixedClock(), maxBatch: 1, maxInFlight: 2 });
  const outcomes = await Promise.allSettled([log.append(viewBy('a')), log.append(viewBy('b')), log.append(viewBy('c'))]);
  // a fails; b was queued behind it and is refused by the store because it does not continue the log.
  assert.deepEqual(outcomes.slice(0, 2).map((o) => o.status), ['rejected', 'rejected']);
  assert.match(String(((outcomes[1] as PromiseRejectedResult).reason as Error).cause), /does not continue/);
  // c waited for the failed commits to settle and was written first.
  assert.deepEqual(outcomes[2], { status: 'fulfilled', value: { index: 0 } });
  assert.deepEqual(await log.append(viewBy('d')), { index: 1 });
  assert.equal(await store.size(), 2);
  await log.close();
});

test('witness() stores cosignatures that verifyLog checks, and logs a refusal as an event', async () => {
  const path = join(dir, 'witnessed.sqlite');
  const witnessKeys = generateWitnessKeys('witness.test');
  const [cosigner] = parseSecretKeyFile(witnessKeys.signerKeys.join('\n'));
  const witnessVerifiers = parseVerifierKeys(witnessKeys.verifierKeys.join('\n'));
  const requests: number[] = [];
  const log: AuditLog = await AuditLog.open({
    store: new SqliteAuditStore(path),
    origin,
    clock: fixedClock(),
    signer: sign,
    witnessing: async ({ checkpoint, size, proofFrom }) => {
      // As a witness that last saw size 3 would: check the proof it is given.
      verifyConsistency(3, size, await proofFrom(3), await log.rootAt(3), await log.rootAt(size));
      requests.push(size);
      const body = checkpoint.slice(0, checkpoint.indexOf('\n\n') + 1);
      return {
        cosignatures: [{ witness: 'witness.test', line: cosign(body, cosigner!) }],
        refusals: [{ witness: 'other.test', status: 409, message: 'witness has cosigned size 99' }],
      };
    },
  });
  for (let i = 0; i < 9; i++) await log.append(viewBy(`w${i}`));
  const checkpoint = await log.checkpoint();
  const outcome = await log.witness();
  assert.equal(outcome.cosignatures.length, 1);
  assert.deepEqual(requests, [9]);
  assert.equal((await log.cosignatures(9)).length, 1);
  assert.equal(log.size(), 10, 'the refusal became event 9');
  const refusal = decodeAuditEvent((await log.readEvent(9))!);
  assert.deepEqual([refusal.type, refusal.outcome, refusal.detail?.witness], ['witness-refusal', 'major-failure', 'other.test']);
  await log.close();

  const report = await verifyLog(new SqliteAuditStore(path), verifiers, { witnesses: witnessVerifiers });
  assert.deepEqual(report.problems, []);
  assert.equal(report.cosignaturesChecked, 1);
  assert.equal(checkpoint.size, 9);
});

test('under the gm suite every checkpoint must carry both the Ed25519 and the SM2 signature', async () => {
  const gmKeys = generateLogKeys(origin, 'gm');
  const gmSigners = parseSecretKeyFile(gmKeys.signerKeys.join('\n'));
  const gmVerifiers = parseVerifierKeys(gmKeys.verifierKeys.join('\n'));
  assert.deepEqual(gmVerifiers.map((v) => v.kind).sort(), ['ed25519', 'sm2']);
  const path = join(dir, 'gm.sqlite');
  let signWith = gmSigners;
  const log = await AuditLog.open({ store: new SqliteAuditStore(path), origin, clock: fixedClock(), signer: (body) => signNote(body, signWith) });
  await log.append(viewBy('a'));
  await log.checkpoint();
  await log.append(viewBy('b'));
  signWith = gmSigners.filter((s) => s.kind === 'ed25519');
  await log.checkpoint();
  await log.close();
  const report = await verifyLog(new SqliteAuditStore(path), gmVerifiers);
  assert.deepEqual(report.problems.map((p) => [p.kind, p.checkpointSize]), [['checkpoint-signature', 2]]);
  assert.match(report.problems[0]!.message, /not signed by .*sm2/);
});

test('startCheckpointing() issues a checkpoint on each interval once new events arrived, and stops on close', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const store = newStore();
  const log = await AuditLog.open({ store, origin, clock: fixedClock(), signer: sign });
  const errors: unknown[] = [];
  log.startCheckpointing(60_000, (error) => errors.push(error));
  const settle = async (size: number): Promise<void> => {
    for (let i = 0; i < 1000 && (await log.latestCheckpoint())?.size !== size; i++) await new Promise((r) => setImmediate(r));
  };
  await log.append(viewBy('before-first-tick'));
  assert.equal(await log.latestCheckpoint(), undefined, 'nothing is issued before the interval elapses');
  t.mock.timers.tick(60_000);
  await settle(1);
  assert.equal((await log.latestCheckpoint())?.size, 1);
  await Promise.all([log.append(viewBy('a')), log.append(viewBy('b'))]);
  t.mock.timers.tick(60_000);
  await settle(3);
  assert.equal((await log.latestCheckpoint())?.size, 3);
  await log.close();
  // A tick after close would reach the closed store and report an error if the timer still ran.
  t.mock.timers.tick(60_000);
  for (let i = 0; i < 100; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(errors, []);
});
