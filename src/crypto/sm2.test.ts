import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeSm2Signature,
  encodeSm2Signature,
  generateSm2KeyPair,
  signSm2,
  sm2PublicKey,
  sm2PublicKeyFromPem,
  sm2PublicKeyToPem,
  verifySm2,
} from './sm2.js';

const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// GB/T 32918.2-2016 / GM/T 0003.2-2012 worked example on the recommended curve
// (GB/T 32918.5 parameters): private key, nonce, message and ID, with the expected r and s.
const example = {
  d: '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8',
  publicKey:
    '04' +
    '09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' +
    'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
  k: '59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21',
  message: 'message digest',
  id: '1234567812345678',
  r: 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3',
  s: 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
};

test('signSm2() reproduces the standard example: public key, r and s', () => {
  assert.equal(hex(sm2PublicKey(bytes(example.d))), example.publicKey);
  const message = new TextEncoder().encode(example.message);
  const sig = signSm2(bytes(example.d), message, { id: example.id, testNonce: bytes(example.k) });
  assert.equal(hex(decodeSm2Signature(sig)!), example.r + example.s);
  assert.equal(verifySm2(bytes(example.publicKey), message, sig, { id: example.id }), true);
  assert.equal(verifySm2(bytes(example.publicKey), message, sig, { id: 'ALICE123@YAHOO.COM' }), false);
});

test('decodeSm2Signature() accepts only strict DER', () => {
  const rs = bytes(example.r + example.s);
  const der = encodeSm2Signature(rs);
  assert.deepEqual(decodeSm2Signature(der), rs);
  const cases: [string, Uint8Array][] = [
    ['trailing byte', Uint8Array.from([...der, 0])],
    ['wrong outer length', Uint8Array.from([0x30, der[1]! + 1, ...der.subarray(2)])],
    ['empty', new Uint8Array()],
    ['negative r', bytes('3006020180020101')],
    ['padded r', bytes('300702020001020101')],
    ['zero r', bytes('3006020100020101')],
  ];
  for (const [name, input] of cases) assert.equal(decodeSm2Signature(input), undefined, name);
  const small = bytes('3006020101020101');
  assert.equal(hex(decodeSm2Signature(small)!), '00'.repeat(31) + '01' + '00'.repeat(31) + '01');
});

function openssl(args: string[], input?: Uint8Array): { status: number | null; stdout: Buffer; stderr: string } {
  const run = spawnSync('openssl', args, input === undefined ? {} : { input });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.toString() };
}

test('OpenSSL verifies our SM2 signature with ID 1234567812345678 and rejects it with another ID', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medveil-sm2-'));
  try {
    const pair = generateSm2KeyPair();
    const message = new TextEncoder().encode('example.org/log\n42\nabc=\n');
    writeFileSync(join(dir, 'pub.pem'), sm2PublicKeyToPem(pair.publicKey));
    writeFileSync(join(dir, 'msg'), message);
    writeFileSync(join(dir, 'sig'), signSm2(pair.privateKey, message));
    const verifyWith = (id: string) =>
      openssl(['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'pub.pem'), '-rawin', '-digest', 'sm3',
        '-pkeyopt', `distid:${id}`, '-in', join(dir, 'msg'), '-sigfile', join(dir, 'sig')]);
    const good = verifyWith('1234567812345678');
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stdout.toString(), /Signature Verified Successfully/);
    assert.notEqual(verifyWith('1234567812345679').status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('verifySm2() accepts a signature made by OpenSSL, and only with the same ID', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medveil-sm2-'));
  try {
    const key = join(dir, 'key.pem');
    assert.equal(openssl(['genpkey', '-algorithm', 'SM2', '-out', key]).status, 0);
    const pem = openssl(['pkey', '-in', key, '-pubout']);
    assert.equal(pem.status, 0, pem.stderr);
    const publicKey = sm2PublicKeyFromPem(pem.stdout.toString());
    const message = new TextEncoder().encode('signed by openssl\n');
    writeFileSync(join(dir, 'msg'), message);
    const signed = openssl(['pkeyutl', '-sign', '-inkey', key, '-rawin', '-digest', 'sm3',
      '-pkeyopt', 'distid:1234567812345678', '-in', join(dir, 'msg'), '-out', join(dir, 'sig')]);
    assert.equal(signed.status, 0, signed.stderr);
    const sig = new Uint8Array(readFileSync(join(dir, 'sig')));
    assert.equal(verifySm2(publicKey, message, sig), true);
    assert.equal(verifySm2(publicKey, message, sig, { id: 'another-id' }), false);
    assert.equal(verifySm2(publicKey, new TextEncoder().encode('signed by openssl!\n'), sig), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sm2PublicKeyFromPem() reads what sm2PublicKeyToPem() writes and refuses an Ed25519 key', () => {
  const pair = generateSm2KeyPair();
  assert.deepEqual(sm2PublicKeyFromPem(sm2PublicKeyToPem(pair.publicKey)), pair.publicKey);
  const ed = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n';
  assert.throws(() => sm2PublicKeyFromPem(ed), { code: 'key' });
});
