/**
 * The one keyed function behind every pseudonym: HMAC-SHA-256 (RFC 2104, FIPS 180-4) under the
 * hospital's secret, with a context string per kind of value (domain separation), so that a UID,
 * a patient ID and a text value equal as strings never share a digest.
 *
 * Message layout, fixed forever for version 1 (changing it changes every pseudonym):
 *
 *     HMAC-SHA-256(key, UTF-8(context) || 0x00 || UTF-8(input))
 *
 * Contexts contain no NUL byte, so the layout is injective for every input string.
 */
import { type KeyObject, createHmac, createSecretKey } from 'node:crypto';
import { MedVeilError } from '../../errors.js';

export const PSEUDONYM_CONTEXT = {
  uid: 'MedVeil deid v1 uid',
  patientId: 'MedVeil deid v1 patient-id',
  patientName: 'MedVeil deid v1 patient-name',
  text: 'MedVeil deid v1 text',
  dateOffset: 'MedVeil deid v1 date-offset',
} as const;
export type PseudonymContext = (typeof PSEUDONYM_CONTEXT)[keyof typeof PSEUDONYM_CONTEXT];

/** 256 bits, the size of the key files written by `medveil keygen`. */
export const PSEUDONYM_KEY_BYTES = 32;

const SEPARATOR = Buffer.from([0]);

/**
 * Checks and imports the secret. Short keys and keys of one repeated byte (all zeros, a typical
 * placeholder) are refused: a guessable key makes every pseudonym recomputable, which is the
 * weakness of unkeyed schemes this module exists to avoid.
 */
export function importPseudonymKey(key: Uint8Array): KeyObject {
  const hint = 'run `medveil keygen --out <file>` and pass that key file';
  if (key.length < PSEUDONYM_KEY_BYTES) {
    throw new MedVeilError('key', `de-identification key is ${key.length} bytes; at least ${PSEUDONYM_KEY_BYTES} are required`, { hint });
  }
  if (key.every((byte) => byte === key[0])) {
    throw new MedVeilError('key', 'de-identification key is one repeated byte, not a random secret', { hint });
  }
  // createSecretKey copies the bytes, so a caller that later wipes or reuses its buffer changes nothing here.
  return createSecretKey(Buffer.from(key));
}

export function keyedDigest(key: KeyObject, context: PseudonymContext, input: string): Buffer {
  return createHmac('sha256', key).update(context, 'utf8').update(SEPARATOR).update(input, 'utf8').digest();
}
