import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ed25519PrivateKeyObject,
  ed25519PublicKey,
  ed25519PublicKeyObject,
  generateEd25519KeyPair,
  signEd25519,
  verifyEd25519,
} from './ed25519.js';

const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

test('signEd25519() reproduces RFC 8032 7.1 TEST 1 and TEST 2', () => {
  const cases = [
    {
      seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      msg: '',
      sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    },
    {
      seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
      pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
      msg: '72',
      sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
    },
  ];
  for (const c of cases) {
    assert.equal(Buffer.from(ed25519PublicKey(bytes(c.seed))).toString('hex'), c.pub);
    const sig = signEd25519(ed25519PrivateKeyObject(bytes(c.seed)), bytes(c.msg));
    assert.equal(Buffer.from(sig).toString('hex'), c.sig);
    assert.equal(verifyEd25519(ed25519PublicKeyObject(bytes(c.pub)), bytes(c.msg), sig), true);
  }
});

test('verifyEd25519() rejects a changed message, a flipped bit and a short signature without throwing', () => {
  const pair = generateEd25519KeyPair();
  const pub = ed25519PublicKeyObject(pair.publicKey);
  const msg = new TextEncoder().encode('checkpoint');
  const sig = signEd25519(ed25519PrivateKeyObject(pair.seed), msg);
  assert.equal(verifyEd25519(pub, msg, sig), true);
  assert.equal(verifyEd25519(pub, new TextEncoder().encode('checkpoinT'), sig), false);
  const flipped = sig.slice();
  flipped[10]! ^= 1;
  assert.equal(verifyEd25519(pub, msg, flipped), false);
  assert.equal(verifyEd25519(pub, msg, sig.subarray(0, 63)), false);
});
