/**
 * Authenticated encryption with associated data, one construction per crypto suite:
 *
 * - `intl`: AES-256-GCM (NIST SP 800-38D), 16-byte tag.
 * - `gm`: SM4 in counter mode (GB/T 32907, NIST SP 800-38A CTR) then HMAC-SM3 (GB/T 32905,
 *   RFC 2104) over the associated data, nonce and ciphertext, 32-byte tag (encrypt-then-MAC).
 *   Node's OpenSSL has no SM4-GCM, and sm-crypto-v2's pure JavaScript SM4-GCM ran at 22 to 36
 *   MB/s against about 100 MB/s for this construction (docs/decisions/encryption-at-rest.md).
 *
 * Both take a 32-byte key and a 12-byte nonce that must never repeat under one key; callers
 * derive a fresh key per object (envelope-format.ts), so nonces are simple counters there.
 */
import { MedVeilError } from '../errors.js';
import type { CryptoSuite } from './suite.js';
import { AEAD_KEY_BYTES, type Aead } from './aead-contract.js';
import { aes256GcmAead } from './aead-aes-256-gcm.js';
import { sm4CtrHmacSm3Aead } from './aead-sm4-ctr-hmac-sm3.js';

export { AEAD_KEY_BYTES, AEAD_NONCE_BYTES, type Aead } from './aead-contract.js';

/** The AEAD of `suite` under a 32-byte `key`. */
export function aeadFor(suite: CryptoSuite, key: Uint8Array): Aead {
  if (key.length !== AEAD_KEY_BYTES) throw new MedVeilError('internal', `an AEAD key has ${AEAD_KEY_BYTES} bytes, not ${key.length}`);
  return suite === 'intl' ? aes256GcmAead(key) : sm4CtrHmacSm3Aead(key);
}

/** Tag length of `suite`'s AEAD, for sizing sealed data before a key is at hand. */
export function aeadTagBytes(suite: CryptoSuite): number {
  return suite === 'intl' ? 16 : 32;
}
