import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEvent } from '../event/audit-event.js';
import { encodeAuditEvent } from '../event/encode-audit-event.js';
import { CompactRange } from '../merkle/compact-range.js';
import { leafHash } from '../merkle/hash.js';
import type { HashReader } from '../merkle/hash-reader.js';
import { formatCheckpoint } from '../note/checkpoint.js';
import { cosign } from '../note/cosignature.js';
import { generateLogKeys, generateWitnessKeys } from '../note/log-keys.js';
import { parseNote } from '../note/parse-note.js';
import { signNote } from '../note/sign-note.js';
import { parseSignerKey } from '../note/signer-key.js';
import { parseVerifierKey } from '../note/verifier-key.js';
import { buildReceipt } from './build-receipt.js';
import { formatReceipt, parseReceipt } from './receipt.js';
import { verifyReceipt } from './verify-receipt.js';

const origin = 'hospital.example/audit';
const logKeys = generateLogKeys(origin, 'gm');
const witnessKeys = generateWitnessKeys('regulator.example/witness');
const [edKey, smKey] = logKeys.verifierKeys.map(parseVerifierKey) as [ReturnType<typeof parseVerifierKey>, ReturnType<typeof parseVerifierKey>];
const witnessKey = parseVerifierKey(witnessKeys.verifierKeys[0]!);

function event(i: number): AuditEvent {
  return {
    v: 1,
    time: new Date(Date.UTC(2025, 2, 1, 8, 0, 0, i)).toISOString(),
    type: i % 2 === 0 ? 'view' : 'view-masked',
    outcome: 'success',
    actor: { user: `user${i}`, role: 'radiologist' },
    objects: [{ study: `1.2.840.99.${i + 1}`, patient: `MV-pseudo-${i}` }],
  };
}

/** 37 events in a tree, a checkpoint signed by both gm keys and cosigned by one witness. */
async function fixture() {
  const stored: Uint8Array[] = [];
  const range = CompactRange.empty();
  const leaves = Array.from({ length: 37 }, (_, i) => encodeAuditEvent(event(i)));
  for (const leaf of leaves) stored.push(...range.append(leafHash(leaf)));
  const reader: HashReader = { readHashes: (indexes) => indexes.map((i) => stored[i]!) };
  const body = formatCheckpoint({ origin, size: leaves.length, rootHash: range.root() });
  const checkpoint = signNote(body, logKeys.signerKeys.map((k) => parseSignerKey(k))) +
    cosign(body, parseSignerKey(witnessKeys.signerKeys[0]!, { now: () => 1_740_000_000_000 }));
  return { leaves, reader, checkpoint };
}

test('a receipt verifies offline with only the public keys, and says what it proves', async () => {
  const { leaves, reader, checkpoint } = await fixture();
  for (const index of [0, 1, 17, 31, 32, 36]) {
    const text = await buildReceipt({ index, leaf: leaves[index]!, checkpoint, reader });
    const verified = verifyReceipt(text, { keys: [edKey, smKey, witnessKey] });
    assert.equal(verified.index, index);
    assert.deepEqual(verified.event, event(index));
    assert.equal(verified.checkpoint.size, 37);
    assert.deepEqual(verified.witnesses, [{ name: 'regulator.example/witness', timestamp: 1_740_000_000 }]);
  }
});

test('verifyReceipt() refuses a tampered receipt at the step that fails', async () => {
  const { leaves, reader, checkpoint } = await fixture();
  const good = parseReceipt(await buildReceipt({ index: 5, leaf: leaves[5]!, checkpoint, reader }));
  const keys = [edKey, smKey, witnessKey];
  const cases: [string, string, RegExp][] = [
    ['another event', formatReceipt({ ...good, leaf: leaves[6]! }), /inclusion proof/],
    ['another index', formatReceipt({ ...good, index: 4 }), /inclusion proof/],
    ['index beyond the tree', formatReceipt({ ...good, index: 37 }), /outside the checkpointed tree/],
    ['changed proof hash', formatReceipt({ ...good, inclusionProof: good.inclusionProof.map((h, i) => (i === 2 ? new Uint8Array(32) : h)) }), /inclusion proof/],
    ['dropped proof hash', formatReceipt({ ...good, inclusionProof: good.inclusionProof.slice(1) }), /proof/],
    ['changed checkpoint size', formatReceipt({ ...good, checkpoint: good.checkpoint.replace('\n37\n', '\n38\n') }), /invalid signature/],
    ['SM2 line removed', formatReceipt({ ...good, checkpoint: good.checkpoint.replace(parseNote(good.checkpoint).signatures[1]!.line, '') }), /lacks a valid signature/],
    ['witness line removed', formatReceipt({ ...good, checkpoint: good.checkpoint.replace(parseNote(good.checkpoint).signatures[2]!.line, '') }), /witness cosignature/],
    ['bad header', formatReceipt(good).replace('tlog-proof@v1', 'tlog-proof@v2'), /malformed receipt/],
    ['non-canonical event', formatReceipt({ ...good, leaf: new TextEncoder().encode(JSON.stringify(event(5))) }), /inclusion proof/],
  ];
  for (const [name, text, message] of cases) {
    assert.throws(() => verifyReceipt(text, { keys }), { code: 'audit-verify', message }, name);
  }
});

test('verifyReceipt() trusts no key it was not given', async () => {
  const { leaves, reader, checkpoint } = await fixture();
  const text = await buildReceipt({ index: 3, leaf: leaves[3]!, checkpoint, reader });
  const stranger = parseVerifierKey(generateLogKeys(origin, 'intl').verifierKeys[0]!);
  assert.throws(() => verifyReceipt(text, { keys: [stranger] }), { code: 'audit-verify', message: /no signature from a trusted key/ });
  assert.throws(() => verifyReceipt(text, { keys: [edKey], origin: 'other.example/log' }), { code: 'audit-verify', message: /expected "other.example\/log"/ });
  assert.throws(() => verifyReceipt(text, { keys: [witnessKey] }), { code: 'usage' });
  assert.equal(verifyReceipt(text, { keys: [smKey] }).index, 3);
  assert.throws(() => verifyReceipt(text, { keys: [edKey], minWitnesses: 1 }), { code: 'audit-verify', message: /policy needs 1/ });
});

test('buildReceipt() refuses an index the checkpoint does not cover', async () => {
  const { leaves, reader, checkpoint } = await fixture();
  await assert.rejects(buildReceipt({ index: 37, leaf: leaves[0]!, checkpoint, reader }), { code: 'audit' });
});
