/**
 * Keyed per-patient date offset, uniform in [-maxShiftDays, -1]: always into the past (a shifted
 * date is never in the future) and never 0 (a zero shift would publish the true dates). The same
 * patient key gives the same offset in every study, run and machine, which keeps every interval
 * between that patient's dates exact.
 *
 * Uniformity: 64-bit words of the keyed digest are drawn in turn and rejected when they fall in
 * the incomplete last block of size 2^64 mod n, so the offset has no modulo bias. The chance of
 * rejecting all four words of one digest is below (n / 2^64)^4; a counter then extends the input.
 */
import type { KeyObject } from 'node:crypto';
import { MedVeilError } from '../../errors.js';
import { PSEUDONYM_CONTEXT, keyedDigest } from './keyed-digest.js';
import { normaliseText } from './normalise-text.js';

export const DEFAULT_MAX_SHIFT_DAYS = 3650;
/** About 100 years; longer shifts push ordinary dates below year 1. */
export const LIMIT_MAX_SHIFT_DAYS = 36525;

const TWO_TO_64 = 1n << 64n;

export function checkMaxShiftDays(maxShiftDays: number): number {
  if (!Number.isInteger(maxShiftDays) || maxShiftDays < 1 || maxShiftDays > LIMIT_MAX_SHIFT_DAYS) {
    throw new MedVeilError('deid', `maximum date shift must be a whole number of days from 1 to ${LIMIT_MAX_SHIFT_DAYS}, got ${maxShiftDays}`);
  }
  return maxShiftDays;
}

export function keyedDateOffset(key: KeyObject, patientKey: string, maxShiftDays: number): number {
  const n = BigInt(checkMaxShiftDays(maxShiftDays));
  const limit = TWO_TO_64 - (TWO_TO_64 % n);
  const original = normaliseText(patientKey);
  for (let round = 0; ; round++) {
    const input = round === 0 ? original : `${original}\0${round}`;
    const digest = keyedDigest(key, PSEUDONYM_CONTEXT.dateOffset, input);
    for (let at = 0; at < digest.length; at += 8) {
      const word = digest.readBigUInt64BE(at);
      if (word < limit) return -Number(word % n) - 1;
    }
  }
}
