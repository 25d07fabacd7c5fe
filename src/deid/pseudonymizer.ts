/**
 * Keyed replacements the de-identification engine needs. Implemented in `./pseudonym/`; the
 * engine depends only on this interface so that tests can pass a fake and the key never
 * reaches this module. Shifting a DA or DT by those days is a pure function that needs no key
 * (`shiftDA`, `shiftDT` in `./pseudonym/date-shift.ts`).
 */
export interface Pseudonymizer {
  /** A keyed `2.25.` UID: the same original always maps to the same UID under one key. */
  uid(original: string): string;
  /** Whether a UID is a standard one (root 1.2.840.10008.) that must never be remapped. */
  isWellKnownUid(uid: string): boolean;
  /** A keyed replacement Patient ID. */
  patientId(original: string): string;
  /** A keyed dummy Patient's Name, derived from the original Patient ID. */
  patientName(originalPatientId: string): string;
  /** Keyed dummy text of at most `maxLength` characters; `kind` names what it replaces (a keyword). */
  text(kind: string, original: string, maxLength: number): string;
  /** The per-patient date shift in days (PS3.15 E.3.6 Modified Dates), keyed on the original Patient ID. */
  dateOffsetDays(patientKey: string): number;
}
