import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { sm3 as smCryptoSm3, sm4 as smCryptoSm4 } from 'sm-crypto-v2';
import { aeadFor } from './aead.js';
import { sm4Ctr } from './aead-sm4-ctr-hmac-sm3.js';
import { cryptoSuites } from './suite.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// NIST SP 800-38D / McGrew and Viega, "The Galois/Counter Mode of Operation", test cases 13, 14, 16.
const GCM_KEY_16 = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
const aesGcmVectors = [
  { name: 'test case 13 (empty)', key: '00'.repeat(32), nonce: '00'.repeat(12), ad: '', plaintext: '', ciphertext: '', tag: '530f8afbc74536b9a963b4f1c4cb738b' },
  {
    name: 'test case 14 (one zero block)',
    key: '00'.repeat(32),
    nonce: '00'.repeat(12),
    ad: '',
    plaintext: '00'.repeat(16),
    ciphertext: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  {
    name: 'test case 16 (associated data, partial block)',
    key: GCM_KEY_16,
    nonce: 'cafebabefacedbaddecaf888',
    ad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    plaintext:
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    ciphertext:
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
];

for (const vector of aesGcmVectors) {
  test(`intl AEAD is AES-256-GCM: ${vector.name} seals and opens as published`, () => {
    const aead = aeadFor('intl', hex(vector.key));
    const sealed = aead.seal(hex(vector.nonce), hex(vector.plaintext), hex(vector.ad));
    assert.equal(sealed.ciphertext.toString('hex'), vector.ciphertext);
    assert.equal(sealed.tag.toString('hex'), vector.tag);
    assert.deepEqual(aead.open(hex(vector.nonce), hex(vector.ciphertext), hex(vector.tag), hex(vector.ad)), hex(vector.plaintext));
  });
}

// RFC 8998 Appendix A.1 (SM4-GCM), and GB/T 32907-2016 Appendix A example 1 (one SM4 block).
const RFC8998 = {
  key: '0123456789ABCDEFFEDCBA9876543210',
  iv: '00001234567800000000ABCD',
  ad: 'FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2',
  plaintext: 'AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFF EEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA',
  ciphertext: '17F399F08C67D5EE19D0DC9969C4BB7D 5FD46FD3756489069157B282BB200735 D82710CA5C22F0CCFA7CBF93D496AC15 A56834CBCF98C397B4024A2691233B8D',
  tag: '83DE3541E4C2B58177E065A9BF7B62EC',
};

test('the SM4 block cipher under our SM4-CTR gives GB/T 32907 example 1 (E_K(P) as the keystream of counter P)', () => {
  const key = hex('0123456789abcdeffedcba9876543210');
  assert.equal(sm4Ctr(key, key, Buffer.alloc(16)).toString('hex'), '681edf34d206965e86b3e94f536e4246');
});

test('our SM4-CTR reproduces the RFC 8998 A.1 ciphertext (GCM encrypts with CTR from IV || 2)', () => {
  const counter = Buffer.concat([hex(RFC8998.iv), hex('00000002')]);
  assert.deepEqual(sm4Ctr(hex(RFC8998.key), counter, hex(RFC8998.plaintext)), hex(RFC8998.ciphertext));
});

test("sm-crypto-v2's SM4-GCM, the measured alternative, matches RFC 8998 A.1", () => {
  const result = smCryptoSm4.encrypt(hex(RFC8998.plaintext), hex(RFC8998.key), {
    mode: 'gcm',
    iv: hex(RFC8998.iv),
    associatedData: hex(RFC8998.ad),
    output: 'array',
    outputTag: true,
    padding: 'none',
  });
  assert.deepEqual(Buffer.from(result.output), hex(RFC8998.ciphertext));
  assert.deepEqual(Buffer.from(result.tag!), hex(RFC8998.tag));
});

/** HMAC-SM3 and HKDF-SM3 (RFC 5869) from sm-crypto-v2: an implementation independent of OpenSSL. */
function referenceHmacSm3(key: Uint8Array, data: Uint8Array): Buffer {
  return Buffer.from(smCryptoSm3(data, { key, mode: 'hmac' }), 'hex');
}

function referenceHkdfSm3(ikm: Uint8Array, info: Uint8Array, length: number): Buffer {
  const prk = referenceHmacSm3(Buffer.alloc(32), ikm);
  const blocks: Buffer[] = [];
  let previous: Buffer = Buffer.alloc(0);
  for (let i = 1; blocks.length * 32 < length; i++) {
    previous = referenceHmacSm3(prk, Buffer.concat([previous, info, Buffer.from([i])]));
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** The gm construction as documented in aead-sm4-ctr-hmac-sm3.ts, from sm-crypto-v2's SM4 blocks and HMAC. */
function referenceGmSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Buffer {
  const keys = referenceHkdfSm3(key, Buffer.from('MedVeil SM4-CTR+HMAC-SM3 v1'), 48);
  const blocks = Math.ceil(plaintext.length / 16);
  const counters = Buffer.alloc(blocks * 16);
  for (let i = 0; i < blocks; i++) {
    counters.set(nonce, i * 16);
    counters.writeUInt32BE(i, i * 16 + 12);
  }
  const stream = Buffer.from(smCryptoSm4.encrypt(counters, keys.subarray(0, 16), { mode: 'ecb', padding: 'none', output: 'array' }));
  const ciphertext = Buffer.from(plaintext.map((byte, i) => byte ^ stream[i]!));
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(ad.length));
  return Buffer.concat([ciphertext, referenceHmacSm3(keys.subarray(16), Buffer.concat([length, ad, nonce, ciphertext]))]);
}

test('Node HMAC-SM3 agrees with sm-crypto-v2 HMAC-SM3 for keys and messages of several lengths', () => {
  for (const [keyLength, messageLength] of [[16, 0], [32, 3], [64, 64], [65, 1000]] as const) {
    const key = randomBytes(keyLength);
    const message = randomBytes(messageLength);
    assert.deepEqual(createHmac('sm3', key).update(message).digest(), referenceHmacSm3(key, message), `${keyLength}/${messageLength}`);
  }
});

test('gm AEAD output equals the documented construction computed with an independent SM4 and HMAC-SM3', () => {
  for (const length of [0, 1, 15, 16, 17, 100]) {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const ad = randomBytes(length % 7);
    const plaintext = randomBytes(length);
    const sealed = aeadFor('gm', key).seal(nonce, plaintext, ad);
    assert.deepEqual(Buffer.concat([sealed.ciphertext, sealed.tag]), referenceGmSeal(key, nonce, plaintext, ad), `length ${length}`);
  }
});

for (const suite of cryptoSuites) {
  test(`${suite} AEAD: every flipped bit of nonce, ciphertext, tag or associated data is refused`, () => {
    const key = randomBytes(32);
    const aead = aeadFor(suite, key);
    const nonce = randomBytes(12);
    const ad = Buffer.from('object identity');
    const plaintext = Buffer.from('a short secret');
    const { ciphertext, tag } = aead.seal(nonce, plaintext, ad);
    assert.deepEqual(aead.open(nonce, ciphertext, tag, ad), plaintext);
    const parts = { nonce, ciphertext, tag, ad } as Record<string, Buffer>;
    for (const [name, part] of Object.entries(parts)) {
      for (let bit = 0; bit < part.length * 8; bit++) {
        const flipped = Buffer.from(part);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        const attempt = { ...parts, [name]: flipped };
        assert.equal(aead.open(attempt.nonce!, attempt.ciphertext!, attempt.tag!, attempt.ad!), undefined, `${name} bit ${bit}`);
      }
    }
    assert.equal(aead.open(nonce, ciphertext, tag.subarray(1), ad), undefined, 'short tag');
    assert.equal(aead.open(nonce, ciphertext.subarray(1), tag, ad), undefined, 'short ciphertext');
    assert.equal(aeadFor(suite, randomBytes(32)).open(nonce, ciphertext, tag, ad), undefined, 'other key');
  });

  test(`${suite} AEAD round-trips and its ciphertext differs from the plaintext`, () => {
    const aead = aeadFor(suite, randomBytes(32));
    for (const length of [0, 1, 16, 1000, 1 << 20]) {
      const plaintext = randomBytes(length);
      const nonce = randomBytes(12);
      const { ciphertext, tag } = aead.seal(nonce, plaintext, Buffer.alloc(0));
      assert.equal(ciphertext.length, length);
      assert.equal(tag.length, aead.tagBytes);
      if (length >= 16) assert.notDeepEqual(ciphertext.subarray(0, 16), plaintext.subarray(0, 16));
      assert.deepEqual(aead.open(nonce, ciphertext, tag, Buffer.alloc(0)), plaintext);
    }
  });
}
