import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactRange } from '../merkle/compact-range.js';
import { consistencyProof } from '../merkle/consistency-proof.js';
import { leafHash } from '../merkle/hash.js';
import type { HashReader } from '../merkle/hash-reader.js';
import { formatCheckpoint } from '../note/checkpoint.js';
import { parseSignerKey, generateSignerKey } from '../note/signer-key.js';
import { parseVerifierKey } from '../note/verifier-key.js';
import { signNote } from '../note/sign-note.js';
import { openNote } from '../note/open-note.js';
import { addCheckpoint, originHash, type WitnessConfig } from './add-checkpoint.js';
import { formatAddCheckpointRequest } from './add-checkpoint-request.js';
import { buildWitnessApp } from './witness-app.js';
import { witnessCheckpoint } from './witness-client.js';
import { MemoryWitnessStateStore, type WitnessStateStore } from './witness-state.js';
import { SqliteWitnessStateStore } from './sqlite-witness-state.js';

const origin = 'hospital.example/audit';

/** A log in memory: leaves, stored hashes, signed checkpoints and consistency proofs. */
class TestLog implements HashReader {
  readonly stored: Uint8Array[] = [];
  readonly range = CompactRange.empty();
  size = 0;
  readonly key = generateSignerKey(origin, 'ed25519');
  constructor(readonly seed: string) {}
  readHashes(indexes: number[]): Uint8Array[] {
    return indexes.map((i) => this.stored[i]!);
  }
  append(count: number): void {
    for (let i = 0; i < count; i++) this.stored.push(...this.range.append(leafHash(new TextEncoder().encode(`${this.seed} ${this.size++}`))));
  }
  checkpoint(signerKey = this.key.signerKey): string {
    return signNote(formatCheckpoint({ origin, size: this.size, rootHash: this.range.root() }), [parseSignerKey(signerKey)]);
  }
  proof(oldSize: number): Promise<Uint8Array[]> {
    return consistencyProof(oldSize, this.size, this);
  }
}

function witnessFor(log: TestLog, store: WitnessStateStore = new MemoryWitnessStateStore()) {
  const key = generateSignerKey('witness.example/w1', 'cosignature/v1');
  const refusals: { status: number; reason: string }[] = [];
  const config: WitnessConfig = {
    cosigners: [parseSignerKey(key.signerKey)],
    logs: new Map([[origin, [parseVerifierKey(log.key.verifierKey)]]]),
    store,
    onRefusal: (r) => refusals.push(r),
  };
  return { config, verifier: parseVerifierKey(key.verifierKey), refusals };
}

const post = (config: WitnessConfig, oldSize: number, proof: Uint8Array[], checkpoint: string) =>
  addCheckpoint(config, new TextEncoder().encode(formatAddCheckpointRequest({ oldSize, consistencyProof: proof, checkpoint })));

test('addCheckpoint() cosigns a first checkpoint and then consistent growth, and stores the latest', async () => {
  const log = new TestLog('a');
  log.append(5);
  const { config, verifier } = witnessFor(log);
  const first = await post(config, 0, [], log.checkpoint());
  assert.equal(first.status, 200, first.body);
  const cosigned = openNote(log.checkpoint() + first.body, [verifier]);
  assert.equal(cosigned.verified[0]!.kind, 'cosignature/v1');
  log.append(8);
  const second = await post(config, 5, await log.proof(5), log.checkpoint());
  assert.equal(second.status, 200, second.body);
  assert.equal((await config.store.latest(origin))!.size, 13);
  const same = await post(config, 13, [], log.checkpoint());
  assert.equal(same.status, 200, same.body);
});

test('addCheckpoint() answers 409 with the recorded size when the old size is not the latest cosigned', async () => {
  const log = new TestLog('a');
  log.append(4);
  const { config, refusals } = witnessFor(log);
  assert.equal((await post(config, 0, [], log.checkpoint())).status, 200);
  log.append(3);
  const stale = await post(config, 0, [], log.checkpoint());
  assert.deepEqual(stale, { status: 409, contentType: 'text/x.tlog.size', body: '4\n' });
  assert.equal(refusals.at(-1)!.status, 409);
});

test('a forked log is refused: 409 when it sends its own history, 422 when its proof must match the cosigned tree', async () => {
  const honest = new TestLog('a');
  honest.append(6);
  const { config, refusals } = witnessFor(honest);
  assert.equal((await post(config, 0, [], honest.checkpoint())).status, 200);
  // Same key, same first 3 leaves, then different events: a split view.
  const fork = new TestLog('a');
  Object.assign(fork, { key: honest.key });
  fork.append(3);
  const forkSeed = new TestLog('b');
  for (let i = 0; i < 5; i++) fork.stored.push(...fork.range.append(leafHash(new TextEncoder().encode(`${forkSeed.seed} ${i}`))));
  fork.size += 5;
  const asFork = await post(config, 3, await fork.proof(3), fork.checkpoint());
  assert.equal(asFork.status, 409);
  assert.equal(asFork.body, '6\n');
  const fromWitnessSize = await post(config, 6, await fork.proof(6), fork.checkpoint());
  assert.equal(fromWitnessSize.status, 422, fromWitnessSize.body);
  // Same size, other root.
  const sameSize = new TestLog('c');
  Object.assign(sameSize, { key: honest.key });
  sameSize.append(6);
  assert.equal((await post(config, 6, [], sameSize.checkpoint())).status, 422);
  assert.ok(refusals.some((r) => r.status === 422));
  assert.equal((await config.store.latest(origin))!.size, 6);
});

test('a rolled-back checkpoint is refused and the recorded size does not move', async () => {
  const log = new TestLog('a');
  log.append(10);
  const { config } = witnessFor(log);
  assert.equal((await post(config, 0, [], log.checkpoint())).status, 200);
  const older = new TestLog('a');
  Object.assign(older, { key: log.key });
  older.append(7);
  assert.equal((await post(config, 10, [], older.checkpoint())).status, 400);
  assert.equal((await post(config, 7, [], older.checkpoint())).status, 409);
  assert.equal((await config.store.latest(origin))!.size, 10);
});

test('addCheckpoint() answers 404 for an unknown origin, 403 for unsigned or badly signed, 400 for malformed, 422 for bad proofs', async () => {
  const log = new TestLog('a');
  log.append(3);
  const { config } = witnessFor(log);
  const stranger = generateSignerKey('other.example/log', 'ed25519');
  const otherOrigin = signNote(formatCheckpoint({ origin: 'other.example/log', size: 1, rootHash: new Uint8Array(32) }), [parseSignerKey(stranger.signerKey)]);
  assert.equal((await post(config, 0, [], otherOrigin)).status, 404);
  const impostor = generateSignerKey(origin, 'ed25519');
  assert.equal((await post(config, 0, [], log.checkpoint(impostor.signerKey))).status, 403);
  const good = log.checkpoint();
  const forged = good.replace(/ (\S{10})(\S+)\n$/, (_m, a: string, b: string) => ` ${a}${b[0] === 'A' ? 'B' : 'A'}${b.slice(1)}\n`);
  assert.equal((await post(config, 0, [], forged)).status, 403);
  assert.equal((await addCheckpoint(config, new TextEncoder().encode(`old 0\n${good}`))).status, 400);
  assert.equal((await addCheckpoint(config, new TextEncoder().encode(`old 00\n\n${good}`))).status, 400);
  assert.equal((await addCheckpoint(config, Uint8Array.of(0xff, 0x0a, 0x0a))).status, 400);
  assert.equal((await post(config, 0, [new Uint8Array(32)], good)).status, 422);
  assert.equal((await post(config, 5, [], good)).status, 400);
  assert.equal((await post(config, 0, [], good)).status, 200);
  log.append(2);
  const badProof = (await log.proof(3)).map((h, i) => (i === 0 ? new Uint8Array(32) : h));
  assert.equal((await post(config, 3, badProof, log.checkpoint())).status, 422);
  assert.equal((await post(config, 3, await log.proof(3), log.checkpoint())).status, 200);
});

test('an empty checkpoint must carry the empty tree hash', async () => {
  const log = new TestLog('a');
  const { config } = witnessFor(log);
  assert.equal((await post(config, 0, [], log.checkpoint())).status, 200);
  const wrong = signNote(formatCheckpoint({ origin, size: 0, rootHash: new Uint8Array(32) }), [parseSignerKey(log.key.signerKey)]);
  assert.equal((await post(config, 0, [], wrong)).status, 422);
});

test('concurrent add-checkpoint calls never roll the recorded size back (SQLite state)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medveil-witness-'));
  try {
    const store = new SqliteWitnessStateStore(join(dir, 'witness.sqlite'));
    const log = new TestLog('a');
    log.append(2);
    const { config } = witnessFor(log, store);
    assert.equal((await post(config, 0, [], log.checkpoint())).status, 200);
    const requests: Promise<{ status: number }>[] = [];
    for (let grow = 1; grow <= 12; grow++) {
      log.append(1);
      requests.push(post(config, 2, await log.proof(2), log.checkpoint()));
    }
    const answers = await Promise.all(requests);
    assert.equal(answers.filter((a) => a.status === 200).length, 1);
    assert.ok(answers.every((a) => a.status === 200 || a.status === 409));
    const winner = answers.findIndex((a) => a.status === 200);
    assert.equal(store.latest(origin)!.size, 3 + winner);
    store.close();
    const reopened = new SqliteWitnessStateStore(join(dir, 'witness.sqlite'));
    assert.equal(reopened.latest(origin)!.size, 3 + winner);
    reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('over real HTTP the log collects cosignatures, catches up after 409, and reports a rollback as a refusal', async () => {
  const log = new TestLog('a');
  log.append(20);
  const { config, verifier } = witnessFor(log);
  const app = buildWitnessApp(config);
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const witnesses = [{ url, verifier }];
    const first = await witnessCheckpoint({ checkpoint: log.checkpoint(), size: 20, witnesses, proofFrom: (n) => log.proof(n) });
    assert.deepEqual(first.refusals, []);
    assert.equal(first.cosignatures.length, 1);
    assert.equal(openNote(first.note, [verifier, parseVerifierKey(log.key.verifierKey)]).verified.length, 2);

    log.append(5);
    // The log forgot what the witness holds (knownSizes empty): 409, then a retry from 20.
    const second = await witnessCheckpoint({ checkpoint: log.checkpoint(), size: 25, witnesses, proofFrom: (n) => log.proof(n) });
    assert.deepEqual(second.refusals, []);
    assert.equal(second.witnessSizes.get(url), 25);

    const monitor = await fetch(`${url}/${originHash(origin)}/checkpoint`);
    assert.equal(monitor.status, 200);
    assert.equal(openNote(await monitor.text(), [verifier]).body.split('\n')[1], '25');
    assert.equal((await fetch(`${url}/${'0'.repeat(64)}/checkpoint`)).status, 404);

    const rolledBack = new TestLog('a');
    Object.assign(rolledBack, { key: log.key });
    rolledBack.append(22);
    const third = await witnessCheckpoint({ checkpoint: rolledBack.checkpoint(), size: 22, witnesses, proofFrom: (n) => rolledBack.proof(n) });
    assert.equal(third.cosignatures.length, 0);
    assert.equal(third.refusals.length, 1);
    assert.match(third.refusals[0]!.message, /rolled back or forked/);

    const unreachable = await witnessCheckpoint({
      checkpoint: log.checkpoint(), size: 25, witnesses: [{ url: 'http://127.0.0.1:1', verifier }], proofFrom: (n) => log.proof(n),
    });
    assert.equal(unreachable.refusals[0]!.status, 0);
  } finally {
    await app.close();
  }
});
