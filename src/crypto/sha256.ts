import { createHash } from 'node:crypto';

/** SHA-256 (FIPS 180-4) of `data`, 32 bytes. */
export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}
