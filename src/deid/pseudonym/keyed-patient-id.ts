/**
 * Keyed Patient ID: "MV" and 13 Crockford Base32 characters (the first 65 bits of the keyed
 * digest), 15 characters in all, so it fits LO (64) and even SH (16). Collisions are unlikely
 * until about 2^32 distinct patients under one key.
 */
import type { KeyObject } from 'node:crypto';
import { crockfordBase32 } from './crockford-base32.js';
import { PSEUDONYM_CONTEXT, keyedDigest } from './keyed-digest.js';
import { normaliseText } from './normalise-text.js';

export const PATIENT_ID_PREFIX = 'MV';

/** An empty ID stays empty: giving every patient without an ID one shared pseudonym would link them falsely. */
export function keyedPatientId(key: KeyObject, patientId: string): string {
  const original = normaliseText(patientId);
  if (original === '') return '';
  return PATIENT_ID_PREFIX + crockfordBase32(keyedDigest(key, PSEUDONYM_CONTEXT.patientId, original), 13);
}
