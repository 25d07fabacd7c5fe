import { createCipheriv, createHmac, getCiphers, getHashes, hkdfSync, timingSafeEqual } from 'node:crypto';
import { MedVeilError } from '../errors.js';
import { checkNonce, type Aead } from './aead-contract.js';

/*
 * SM4-CTR + HMAC-SM3, encrypt-then-MAC. From the 32-byte key K:
 *
 *     enc (16 bytes) || mac (32 bytes) = HKDF-SM3(IKM = K, salt = empty, info = "MedVeil SM4-CTR+HMAC-SM3 v1", L = 48)   (RFC 5869)
 *     counter block  = nonce (12 bytes) || 0x00000000, incremented as a 128-bit big-endian integer   (SP 800-38A B.1)
 *     ciphertext     = SM4-CTR(enc, counter block, plaintext)
 *     tag (32 bytes) = HMAC-SM3(mac, uint64be(len(ad)) || ad || nonce || ciphertext)
 *
 * The length prefix keeps the split between associated data and nonce unambiguous; the nonce
 * has a fixed length and the ciphertext is the rest. A plaintext stays under 2^32 blocks
 * (64 GiB), so the counter never carries into the nonce: our segments hold at most 16 MiB.
 */
const INFO = new TextEncoder().encode('MedVeil SM4-CTR+HMAC-SM3 v1');
const TAG_BYTES = 32;
const MAX_PLAINTEXT_BYTES = 2 ** 32 * 16 - 1;

let available: boolean | undefined;

function requireOpenSslSm(): void {
  available ??= getCiphers().includes('sm4-ctr') && getHashes().includes('sm3');
  if (!available) {
    throw new MedVeilError('crypto', 'the gm suite needs SM4 and SM3, and the OpenSSL of this Node.js has neither or only one', {
      hint: 'run MedVeil on a Node.js built with an OpenSSL that includes SM4 and SM3 (the official builds do), or use the intl suite',
    });
  }
}

export function sm4CtrHmacSm3Aead(key: Uint8Array): Aead {
  requireOpenSslSm();
  const keys = Buffer.from(hkdfSync('sm3', key, new Uint8Array(0), INFO, 48));
  const encKey = keys.subarray(0, 16);
  const macKey = keys.subarray(16);
  const tagOf = (nonce: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array): Buffer => {
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(associatedData.length));
    return createHmac('sm3', macKey).update(length).update(associatedData).update(nonce).update(ciphertext).digest();
  };
  return {
    suite: 'gm',
    name: 'SM4-CTR+HMAC-SM3',
    tagBytes: TAG_BYTES,
    seal(nonce, plaintext, associatedData) {
      checkNonce(nonce);
      if (plaintext.length > MAX_PLAINTEXT_BYTES) throw new MedVeilError('internal', 'SM4-CTR plaintext longer than 2^32 blocks');
      const ciphertext = sm4Ctr(encKey, counterBlock(nonce), plaintext);
      return { ciphertext, tag: tagOf(nonce, ciphertext, associatedData) };
    },
    open(nonce, ciphertext, tag, associatedData) {
      checkNonce(nonce);
      if (tag.length !== TAG_BYTES || ciphertext.length > MAX_PLAINTEXT_BYTES) return undefined;
      if (!timingSafeEqual(tagOf(nonce, ciphertext, associatedData), tag)) return undefined;
      return sm4Ctr(encKey, counterBlock(nonce), ciphertext);
    },
  };
}

function counterBlock(nonce: Uint8Array): Buffer {
  const block = Buffer.alloc(16);
  block.set(nonce, 0);
  return block;
}

/** SM4 in counter mode from the 16-byte `initialCounter` (exported for the RFC 8998 keystream test). */
export function sm4Ctr(key: Uint8Array, initialCounter: Uint8Array, data: Uint8Array): Buffer {
  requireOpenSslSm();
  const cipher = createCipheriv('sm4-ctr', key, initialCounter);
  const head = cipher.update(data);
  const tail = cipher.final();
  return tail.length === 0 ? head : Buffer.concat([head, tail]);
}
