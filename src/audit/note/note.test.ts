import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sm2PublicKeyToPem } from '../../crypto/sm2.js';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import { generateLogKeys, parseSecretKeyFile, parseVerifierKeys, formatSecretKeyFile, formatPublicKeyFile } from './log-keys.js';
import { openNote } from './open-note.js';
import { parseNote } from './parse-note.js';
import { signNote } from './sign-note.js';
import { generateSignerKey, parseSignerKey, verifierKeyOfSigner } from './signer-key.js';
import { decodeBase64Strict } from './strict-base64.js';
import { parseVerifierKey } from './verifier-key.js';

// Vectors of golang.org/x/mod/sumdb/note (note_test.go), an independent implementation.
const peterSecret = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const peterVkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const enochVkey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const peterSig = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const enochSig = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

test('signNote() produces byte for byte the signed note of the Go note package', () => {
  assert.equal(signNote(text, [parseSignerKey(peterSecret)]), `${text}\n${peterSig}`);
  assert.equal(verifierKeyOfSigner(peterSecret), peterVkey);
});

test('openNote() verifies the signed-note spec example with its vkey', () => {
  const verifier = parseVerifierKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
  const note = 'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
  const opened = openNote(note, [verifier]);
  assert.equal(opened.body, 'This is an example message.\n');
  assert.deepEqual(opened.verified, [verifier]);
});

test('parseVerifierKey() refuses every truncation and every single-character change of a vkey', () => {
  assert.equal(parseVerifierKey(peterVkey).keyId, 0xc74f20a3);
  for (let i = 0; i < peterVkey.length; i++) {
    for (const piece of [peterVkey.slice(0, i), peterVkey.slice(i + 1)]) {
      if (piece.trim() === peterVkey) continue;
      assert.throws(() => parseVerifierKey(piece), { code: 'key' }, `accepted ${piece}`);
    }
    const code = peterVkey.charCodeAt(i) + 1;
    const changed = peterVkey.slice(0, i) + String.fromCharCode(code) + peterVkey.slice(i + 1);
    assert.throws(() => parseVerifierKey(changed), { code: 'key' }, `accepted ${changed}`);
  }
});

test('openNote() verifies known keys, passes on unknown ones and needs at least one', () => {
  const peter = parseVerifierKey(peterVkey);
  const enoch = parseVerifierKey(enochVkey);
  const one = openNote(`${text}\n${peterSig}${enochSig}`, [peter]);
  assert.equal(one.body, text);
  assert.deepEqual(one.verified, [peter]);
  assert.deepEqual(one.unverifiedLines, [enochSig]);
  const both = openNote(`${text}\n${peterSig}${enochSig}`, [peter, enoch]);
  assert.deepEqual(both.verified, [peter, enoch]);
  assert.throws(() => openNote(`${text}\n${peterSig}${enochSig}`, []), { code: 'audit-verify', message: /no signature from a trusted key/ });
  const dup = openNote(`${text}\n${peterSig}${peterSig}${enochSig}${enochSig}`, [peter]);
  assert.deepEqual(dup.verified, [peter]);
  assert.deepEqual(dup.unverifiedLines, [enochSig]);
});

test('openNote() rejects the whole note when a known key\'s signature is bad', () => {
  const peter = parseVerifierKey(peterVkey);
  const broken = peterSig.slice(0, 60) + 'ABCD' + peterSig.slice(60);
  assert.throws(() => openNote(`${text}\n${broken}`, [peter]), { code: 'audit-verify', message: /invalid signature by PeterNeumann/ });
  assert.throws(() => openNote(`${text.replace('problem', 'Problem')}\n${peterSig}`, [peter]), /invalid signature/);
});

test('parseNote() rejects malformed notes', () => {
  const bad: [string, string | Uint8Array][] = [
    ['no signatures', text],
    ['blank line only', `${text}\n`],
    ['no final newline', `${text}\n${peterSig.slice(0, -1)}`],
    ['control character', `\u0001${text}\n${peterSig}`],
    ['invalid UTF-8', Uint8Array.from([0xff, ...Buffer.from(`${text}\n${peterSig}`)])],
    ['space in name', `${text}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`],
    ['trailing text line', `${text}\n${peterSig}Unexpected line.\n`],
    ['101 signatures', `${text}\n${peterSig.repeat(101)}`],
    ['non-canonical base64', `${text}\n${peterSig.replace('AM=', 'AN=')}`],
    ['signature shorter than key ID', `${text}\n\u2014 PeterNeumann AAAA\n`],
  ];
  for (const [name, input] of bad) assert.throws(() => parseNote(input), { code: 'audit-verify' }, name);
});

test('decodeBase64Strict() refuses padding errors, whitespace and non-zero trailing bits', () => {
  assert.deepEqual(decodeBase64Strict('AQI='), Uint8Array.of(1, 2));
  for (const bad of ['AQI', 'AQJ=', 'AQ I=', 'AQI=\n', '====', 'A===', '-_8=']) assert.equal(decodeBase64Strict(bad), undefined, bad);
});

test('formatCheckpoint() and parseCheckpoint() read the tlog-checkpoint example and refuse variants', () => {
  const body = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
  const cp = parseCheckpoint(body);
  assert.equal(cp.origin, 'example.com/behind-the-sofa');
  assert.equal(cp.size, 20852163);
  assert.equal(Buffer.from(cp.rootHash).toString('base64'), 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
  assert.equal(formatCheckpoint(cp), body);
  const withExt = `${body}ext one\n`;
  assert.deepEqual(parseCheckpoint(withExt).extensions, ['ext one']);
  assert.equal(formatCheckpoint(parseCheckpoint(withExt)), withExt);
  const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
  for (const bad of [
    `o\n020852163\n${root}\n`,
    `o\n-1\n${root}\n`,
    `o\n1e3\n${root}\n`,
    `o\n99999999999999999\n${root}\n`,
    `\n1\n${root}\n`,
    'o\n1\nAAAA\n',
    `o\n1\n${root}`,
    `o\n1\n${root}\n\n`,
    'o\n1\n',
  ]) assert.throws(() => parseCheckpoint(bad), { code: 'audit-verify' }, JSON.stringify(bad));
});

test('a gm log signs checkpoints with Ed25519 and SM2 lines under one name; each key verifies its own line', () => {
  const keys = generateLogKeys('medveil.example/audit', 'gm');
  const signers = parseSecretKeyFile(formatSecretKeyFile(keys));
  const verifiers = parseVerifierKeys(formatPublicKeyFile(keys));
  assert.deepEqual(signers.map((s) => s.kind), ['ed25519', 'sm2']);
  const body = formatCheckpoint({ origin: 'medveil.example/audit', size: 3, rootHash: new Uint8Array(32).fill(7) });
  const note = signNote(body, signers);
  assert.equal(openNote(note, verifiers).verified.length, 2);
  const [ed, sm] = verifiers as [typeof verifiers[0], typeof verifiers[0]];
  assert.deepEqual(openNote(note, [sm]).verified, [sm]);
  assert.equal(openNote(note, [ed]).unverifiedLines.length, 1);
  assert.notEqual(ed.keyId, sm.keyId);
});

test('OpenSSL verifies the SM2 signature line of a checkpoint over the note text with ID 1234567812345678 only', () => {
  const secret = generateSignerKey('medveil.example/audit', 'sm2').signerKey;
  const body = formatCheckpoint({ origin: 'medveil.example/audit', size: 9, rootHash: new Uint8Array(32).fill(1) });
  const note = signNote(body, [parseSignerKey(secret)]);
  const [sig] = parseNote(note).signatures;
  const vkey = parseVerifierKey(verifierKeyOfSigner(secret)).vkey;
  const publicKey = decodeBase64Strict(vkey.split('+').slice(2).join('+'))!.subarray(16);
  const dir = mkdtempSync(join(tmpdir(), 'medveil-note-'));
  try {
    writeFileSync(join(dir, 'pub.pem'), sm2PublicKeyToPem(publicKey));
    writeFileSync(join(dir, 'body'), body);
    writeFileSync(join(dir, 'sig'), sig!.signature);
    const run = (id: string) => spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'pub.pem'),
      '-rawin', '-digest', 'sm3', '-pkeyopt', `distid:${id}`, '-in', join(dir, 'body'), '-sigfile', join(dir, 'sig')]).status;
    assert.equal(run('1234567812345678'), 0);
    assert.notEqual(run('8765432187654321'), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
