import { createCipheriv, createDecipheriv } from 'node:crypto';
import { checkNonce, type Aead } from './aead-contract.js';

const TAG_BYTES = 16;

/** AES-256-GCM (NIST SP 800-38D) with a 96-bit nonce and a 128-bit tag, through OpenSSL. */
export function aes256GcmAead(key: Uint8Array): Aead {
  return {
    suite: 'intl',
    name: 'AES-256-GCM',
    tagBytes: TAG_BYTES,
    seal(nonce, plaintext, associatedData) {
      checkNonce(nonce);
      const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData);
      const head = cipher.update(plaintext);
      const tail = cipher.final();
      return { ciphertext: tail.length === 0 ? head : Buffer.concat([head, tail]), tag: cipher.getAuthTag() };
    },
    open(nonce, ciphertext, tag, associatedData) {
      checkNonce(nonce);
      if (tag.length !== TAG_BYTES) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData);
      decipher.setAuthTag(tag);
      const head = decipher.update(ciphertext);
      try {
        // OpenSSL compares the tag in constant time here and refuses on mismatch.
        const tail = decipher.final();
        return tail.length === 0 ? head : Buffer.concat([head, tail]);
      } catch {
        head.fill(0);
        return undefined;
      }
    },
  };
}
