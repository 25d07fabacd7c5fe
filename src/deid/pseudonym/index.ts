/** Keyed pseudonyms and date shifting for de-identification; see `create-pseudonymizer.ts`. */
export { KeyedPseudonymizer, createPseudonymizer, type MappingKind, type PseudonymizerOptions } from './create-pseudonymizer.js';
export { shiftDA, shiftDT } from './date-shift.js';
export { isWellKnownUid } from './well-known-uid.js';
export { normaliseUid } from './normalise-uid.js';
export { DEFAULT_MAX_SHIFT_DAYS } from './keyed-date-offset.js';
export { PSEUDONYM_KEY_BYTES } from './keyed-digest.js';
