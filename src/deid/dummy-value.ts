/**
 * The value action D writes (PS3.15 E.1.1: "replace with a non-zero length value that may be a
 * dummy value and consistent with the VR"). Fixed values for dates, times, numbers and names, so
 * nothing about the original survives; keyed text for identifiers and free text, so the same
 * original maps to the same dummy across files without revealing it.
 */
import { MAX_VALUE_LENGTH, type VR, numericWidth } from '../dicom/vr.js';
import type { Pseudonymizer } from './pseudonymizer.js';

const FIXED: Partial<Record<VR, string>> = {
  PN: 'ANONYMOUS',
  DA: '19000101',
  DT: '19000101000000',
  TM: '000000',
  AS: '000D',
  DS: '0',
  IS: '0',
  UR: 'urn:oid:2.25.0',
};

/** Text VRs that take keyed text as their dummy; their characters are valid in each (PS3.5 6.2). */
const KEYED_TEXT: ReadonlySet<VR> = new Set(['AE', 'CS', 'LO', 'SH', 'ST', 'LT', 'UT', 'UC']);

/** Longest dummy for a text VR without a fixed maximum. */
export const UNBOUNDED_TEXT_LENGTH = 64;

export function maxTextLength(vr: VR): number {
  return MAX_VALUE_LENGTH[vr] ?? UNBOUNDED_TEXT_LENGTH;
}

/** Dummy string values for a string VR, or undefined for a VR that needs bytes (`dummyBytes`). */
export function dummyStrings(vr: VR, kind: string, originals: readonly string[], pseudonymizer: Pseudonymizer): string[] | undefined {
  const fixed = FIXED[vr];
  if (fixed !== undefined) return [fixed];
  if (KEYED_TEXT.has(vr)) return [pseudonymizer.text(kind, originals.join('\\'), maxTextLength(vr))];
  return undefined;
}

/** One zero value of a binary VR: two bytes for OB and UN, one value's width for the rest. */
export function dummyBytes(vr: VR): Uint8Array {
  return new Uint8Array(Math.max(2, numericWidth(vr)));
}
