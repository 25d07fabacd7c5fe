/**
 * The pseudonymous patient reference: how studies, care relationships, grants and audit events
 * name a patient without a name or a medical record number. A keyed hash (HMAC-SHA256) of the
 * Issuer of Patient ID and the Patient ID, so the same patient always gets the same reference
 * within one hospital's key, and nobody without the key can compute or reverse one.
 *
 * Format: `MVP-` and 20 characters of Crockford base32 (100 bits), e.g. `MVP-7Q2KD0N4XH8MZ3B5RT1E`.
 */
import { createHmac } from 'node:crypto';
import { encodeCrockford } from '../crypto/crockford-base32.js';

const LABEL = 'MedVeil patient reference v1\0';
export const PATIENT_REFERENCE_PATTERN = /^MVP-[0-9A-HJKMNP-TV-Z]{20}$/;

export interface PatientIdentity {
  /** Patient ID (0010,0020), padding removed. */
  readonly patientId: string;
  /** Issuer of Patient ID (0010,0021), padding removed; empty when absent. */
  readonly issuer?: string;
}

/** The reference of a patient, or undefined when the Patient ID is empty (then no patient can be named). */
export function patientReference(key: Uint8Array, identity: PatientIdentity): string | undefined {
  const patientId = identity.patientId.trim();
  if (patientId === '') return undefined;
  const mac = createHmac('sha256', key).update(LABEL).update(identity.issuer?.trim() ?? '').update('\0').update(patientId).digest();
  // The first 100 bits: 13 bytes give 20 characters and 4 bits that are dropped.
  const out = encodeCrockford(mac.subarray(0, 13));
  return `MVP-${out}`;
}
