/**
 * The keyed pseudonymizer that the de-identification engine calls for UIDs, patient identity,
 * free text and the per-patient date offset. Every value is a pure function of (key, kind,
 * input): the same key gives the same pseudonyms in every file, run, process and machine, with
 * no map kept in memory, so memory stays bounded over millions of files. `onMapping` hands each
 * original/pseudonym pair to a caller that was asked to record them (`--mapping`); it is called
 * on every call, not once per value, and deduplicating is the receiver's business.
 */
import type { KeyObject } from 'node:crypto';
import type { Pseudonymizer } from '../pseudonymizer.js';
import { DEFAULT_MAX_SHIFT_DAYS, checkMaxShiftDays, keyedDateOffset } from './keyed-date-offset.js';
import { importPseudonymKey } from './keyed-digest.js';
import { keyedPatientId } from './keyed-patient-id.js';
import { keyedPatientName } from './keyed-patient-name.js';
import { keyedText } from './keyed-text.js';
import { keyedUid } from './keyed-uid.js';
import { normaliseText } from './normalise-text.js';
import { normaliseUid } from './normalise-uid.js';
import { isWellKnownUid } from './well-known-uid.js';

export type MappingKind = 'uid' | 'patientId';

export interface PseudonymizerOptions {
  /** Receives (kind, normalised original, pseudonym) for every UID and Patient ID replaced. */
  onMapping?: (kind: MappingKind, original: string, pseudonym: string) => void;
  /** Offsets are drawn from [-maxShiftDays, -1]; default 3650 (about ten years). */
  maxShiftDays?: number;
}

export class KeyedPseudonymizer implements Pseudonymizer {
  readonly #key: KeyObject;
  readonly #onMapping: PseudonymizerOptions['onMapping'];
  readonly #maxShiftDays: number;

  constructor(key: Uint8Array, options: PseudonymizerOptions = {}) {
    this.#key = importPseudonymKey(key);
    this.#onMapping = options.onMapping;
    this.#maxShiftDays = checkMaxShiftDays(options.maxShiftDays ?? DEFAULT_MAX_SHIFT_DAYS);
  }

  /** "2.25." + a keyed UUID; registry UIDs and empty values come back unchanged (normalised). */
  uid(original: string): string {
    const uid = normaliseUid(original);
    if (uid === '' || isWellKnownUid(uid)) return uid;
    const pseudonym = keyedUid(this.#key, uid);
    this.#onMapping?.('uid', uid, pseudonym);
    return pseudonym;
  }

  isWellKnownUid(uid: string): boolean {
    return isWellKnownUid(uid);
  }

  /** "MV" + 13 Base32 characters; an empty ID stays empty. */
  patientId(original: string): string {
    const pseudonym = keyedPatientId(this.#key, original);
    if (pseudonym !== '') this.#onMapping?.('patientId', normaliseText(original), pseudonym);
    return pseudonym;
  }

  /** "MV^" + 8 Base32 characters, derived from the original Patient ID; empty for an empty ID. */
  patientName(originalPatientId: string): string {
    return keyedPatientName(this.#key, originalPatientId);
  }

  /** A Base32 token of min(maxLength, 16) characters, keyed by kind and value; empty stays empty. */
  text(kind: string, original: string, maxLength: number): string {
    return keyedText(this.#key, kind, original, maxLength);
  }

  /** Whole days in [-maxShiftDays, -1], the same for every value of one patient. */
  dateOffsetDays(patientKey: string): number {
    return keyedDateOffset(this.#key, patientKey, this.#maxShiftDays);
  }
}

/** Throws MedVeilError('key') for a key shorter than 32 bytes or of one repeated byte. */
export function createPseudonymizer(key: Uint8Array, options?: PseudonymizerOptions): KeyedPseudonymizer {
  return new KeyedPseudonymizer(key, options);
}
