import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCheckpoint } from './checkpoint.js';
import { cosign, cosignatureTimestamp, verifyCosignature } from './cosignature.js';
import { generateSignerKey, parseSignerKey } from './signer-key.js';
import { parseVerifierKey } from './verifier-key.js';
import { openNote } from './open-note.js';
import { signNote } from './sign-note.js';
import { parseNote } from './parse-note.js';
import { decodeBase64Strict } from './strict-base64.js';
import { ed25519PublicKeyObject, verifyEd25519 } from '../../crypto/ed25519.js';

const body = formatCheckpoint({ origin: 'example.com/behind-the-sofa', size: 20852163, rootHash: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64') });

test('cosign() signs "cosignature/v1\\ntime <t>\\n" + checkpoint with a 0x04 key ID and an 8-byte timestamp', () => {
  const key = generateSignerKey('witness.example/w1', 'cosignature/v1');
  const line = cosign(body, parseSignerKey(key.signerKey, { now: () => 1679315147_999 }));
  const [sig] = parseNote(`${body}\n${line}`).signatures;
  assert.equal(sig!.signature.length, 72);
  assert.equal(cosignatureTimestamp(sig!.signature), 1679315147);
  // Check the signed message independently of our verifier: the raw Ed25519 key inside the vkey.
  const raw = decodeBase64Strict(key.verifierKey.split('+').slice(2).join('+'))!;
  assert.equal(raw[0], 0x04);
  const message = Buffer.from(`cosignature/v1\ntime 1679315147\n${body}`);
  assert.equal(verifyEd25519(ed25519PublicKeyObject(raw.subarray(1)), message, sig!.signature.subarray(8)), true);
  assert.deepEqual(verifyCosignature(body, line, parseVerifierKey(key.verifierKey)), { timestamp: 1679315147 });
});

test('verifyCosignature() rejects a changed timestamp, another checkpoint and another witness', () => {
  const key = generateSignerKey('witness.example/w1', 'cosignature/v1');
  const other = generateSignerKey('witness.example/w2', 'cosignature/v1');
  const verifier = parseVerifierKey(key.verifierKey);
  const line = cosign(body, parseSignerKey(key.signerKey, { now: () => 1_700_000_000_000 }));
  const raw = decodeBase64Strict(line.trim().split(' ')[2]!)!;
  raw[11]! ^= 1; // inside the timestamp
  const changedTime = `\u2014 witness.example/w1 ${Buffer.from(raw).toString('base64')}\n`;
  assert.throws(() => verifyCosignature(body, changedTime, verifier), { code: 'audit-verify' });
  assert.throws(() => verifyCosignature(body.replace('20852163', '20852164'), line, verifier), { code: 'audit-verify' });
  assert.throws(() => verifyCosignature(body, line, parseVerifierKey(other.verifierKey)), { code: 'audit-verify' });
});

test('a log signature and a witness cosignature on one note verify together, and a log key is not a cosigner', () => {
  const log = generateSignerKey('example.com/behind-the-sofa', 'ed25519');
  const witness = generateSignerKey('witness.example/w1', 'cosignature/v1');
  const note = signNote(body, [parseSignerKey(log.signerKey)]) + cosign(body, parseSignerKey(witness.signerKey));
  const opened = openNote(note, [parseVerifierKey(log.verifierKey), parseVerifierKey(witness.verifierKey)]);
  assert.deepEqual(opened.verified.map((v) => v.kind), ['ed25519', 'cosignature/v1']);
  assert.throws(() => cosign(body, parseSignerKey(log.signerKey)), { code: 'key' });
});
