import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { proveAuditEvent } from '../../gateway/prove-audit-event.js';
import { SqliteAuditStore } from '../../storage/adapters/sqlite-audit-store.js';
import type { AuditEventInput } from '../event/audit-event.js';
import { AuditLog } from '../log/audit-log.js';
import { generateLogKeys, generateWitnessKeys } from '../note/log-keys.js';
import { signNote } from '../note/sign-note.js';
import { parseSignerKey } from '../note/signer-key.js';
import { parseVerifierKey } from '../note/verifier-key.js';
import { verifyReceipt } from '../receipt/verify-receipt.js';
import { MemoryWitnessStateStore } from './witness-state.js';
import { buildWitnessApp } from './witness-app.js';
import { checkpointWitnessing } from './checkpoint-witnessing.js';

const ORIGIN = 'hospital.example/audit';

test('a running log has each new checkpoint cosigned by a real witness over HTTP, and a receipt asked before any checkpoint gets one signed and cosigned at once', async () => {
  const logKeys = generateLogKeys(ORIGIN, 'intl');
  const witnessKeys = generateWitnessKeys('regulator.example/witness');
  const witness = buildWitnessApp({
    cosigners: witnessKeys.signerKeys.map((key) => parseSignerKey(key)),
    logs: new Map([[ORIGIN, logKeys.verifierKeys.map(parseVerifierKey)]]),
    store: new MemoryWitnessStateStore(),
  });
  await witness.listen({ host: '127.0.0.1', port: 0 });
  const store = new SqliteAuditStore(':memory:');
  const endpoints = [{ url: `http://127.0.0.1:${(witness.server.address() as AddressInfo).port}`, verifier: parseVerifierKey(witnessKeys.verifierKeys[0]!) }];
  const log = await AuditLog.open({
    store,
    origin: ORIGIN,
    clock: { now: () => Date.UTC(2026, 10, 23) },
    signer: (body) => signNote(body, logKeys.signerKeys.map((key) => parseSignerKey(key))),
    witnessing: checkpointWitnessing(store, endpoints),
  });
  try {
    const event: AuditEventInput = { type: 'view', outcome: 'success', actor: { user: 'cleo' }, objects: [{ study: '1.2.3' }] };
    for (let i = 0; i < 3; i++) await log.append(event);
    const checkpointNow = async () => void (await log.witness(await log.checkpoint()));
    const proved = await proveAuditEvent({ store, checkpointNow }, 2);
    assert.equal(proved.outcome, 'proved');
    if (proved.outcome !== 'proved') return;
    assert.deepEqual([proved.checkpoint.size, proved.checkpoint.cosignedBy.map((c) => c.witness)], [3, [witnessKeys.name]]);
    const keys = [...logKeys.verifierKeys, ...witnessKeys.verifierKeys].map(parseVerifierKey);
    assert.equal(verifyReceipt(proved.receipt, { keys, minWitnesses: 1 }).index, 2);

    // The witness last cosigned size 3: the next checkpoint goes with a consistency proof from there.
    for (let i = 0; i < 4; i++) await log.append(event);
    const again = await proveAuditEvent({ store, checkpointNow }, 6);
    assert.equal(again.outcome === 'proved' && again.checkpoint.size, 7);
    assert.deepEqual(await store.witnessRefusals(), []);
    assert.equal(verifyReceipt(again.outcome === 'proved' ? again.receipt : '', { keys, minWitnesses: 1 }).index, 6);
  } finally {
    await log.close();
    await witness.close();
  }
});
