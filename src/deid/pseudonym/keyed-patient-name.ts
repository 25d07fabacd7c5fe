/**
 * Keyed Patient's Name for a patient, derived from the original Patient ID (not from the name,
 * which is spelled differently from one system to the next): family name "MV", given name 8
 * Crockford Base32 characters (40 bits), e.g. "MV^3K7Q9ZD1". Nothing in it looks like a real name,
 * so nobody mistakes it for one, and it fits PN (64 characters per component group).
 */
import type { KeyObject } from 'node:crypto';
import { crockfordBase32 } from './crockford-base32.js';
import { PSEUDONYM_CONTEXT, keyedDigest } from './keyed-digest.js';
import { normaliseText } from './normalise-text.js';

/** An empty Patient ID gives an empty name, for the reason given at `keyedPatientId`. */
export function keyedPatientName(key: KeyObject, originalPatientId: string): string {
  const original = normaliseText(originalPatientId);
  if (original === '') return '';
  return `MV^${crockfordBase32(keyedDigest(key, PSEUDONYM_CONTEXT.patientName, original), 8)}`;
}
