/**
 * Keyed replacement UIDs under the UUID root 2.25 (PS3.5 B.2, ITU-T X.667).
 *
 * The 128-bit integer is an RFC 9562 version 8 UUID whose 122 free bits are the first bits of
 * HMAC-SHA-256(key, context || 0 || uid): setting the version and variant bits makes it a real
 * UUID, as the 2.25 root requires, and RFC 9562 B.2 names v8 for hash-derived UUIDs. Without the
 * key nobody can recompute it from the original UID, unlike the MD5 UIDs of CTP.
 *
 * Result: "2.25." followed by at most 39 digits (2^128 < 10^39), so at most 44 characters, within
 * the 64 of PS3.5 9.1; the decimal form of a bigint never has a leading zero.
 */
import type { KeyObject } from 'node:crypto';
import { PSEUDONYM_CONTEXT, keyedDigest } from './keyed-digest.js';
import { normaliseUid } from './normalise-uid.js';

export function keyedUid(key: KeyObject, uid: string): string {
  const bytes = keyedDigest(key, PSEUDONYM_CONTEXT.uid, normaliseUid(uid)).subarray(0, 16);
  return `2.25.${uuidV8Integer(bytes)}`;
}

/** RFC 9562 5.8: version 0b1000 in the high nibble of octet 6, variant 0b10 in the top bits of octet 8. */
export function uuidV8Integer(sixteenBytes: Uint8Array): bigint {
  const uuid = Uint8Array.from(sixteenBytes);
  uuid[6] = (uuid[6]! & 0x0f) | 0x80;
  uuid[8] = (uuid[8]! & 0x3f) | 0x80;
  return BigInt(`0x${Buffer.from(uuid).toString('hex')}`);
}
