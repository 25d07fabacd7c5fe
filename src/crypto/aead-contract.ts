/** What every AEAD of aead.ts provides; apart from aead.ts so that its implementations need not import it. */
import { MedVeilError } from '../errors.js';
import type { CryptoSuite } from './suite.js';

export const AEAD_KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 12;

export interface Aead {
  readonly suite: CryptoSuite;
  /** For messages and documents: "AES-256-GCM", "SM4-CTR+HMAC-SM3". */
  readonly name: string;
  readonly tagBytes: number;
  /** Encrypts `plaintext`; the caller stores the ciphertext (same length) followed by the tag. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): { ciphertext: Buffer; tag: Buffer };
  /**
   * The plaintext, or undefined when the tag does not verify. Attacker-controlled input: no
   * plaintext leaves before the whole tag has been checked, in constant time.
   */
  open(nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, associatedData: Uint8Array): Buffer | undefined;
}

export function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== AEAD_NONCE_BYTES) throw new MedVeilError('internal', `an AEAD nonce has ${AEAD_NONCE_BYTES} bytes, not ${nonce.length}`);
}
