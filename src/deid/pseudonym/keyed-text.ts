/**
 * Keyed dummy token for a text value of some kind (usually the attribute keyword, such as
 * "AccessionNumber"): Crockford Base32 characters, as many as the value may hold, at most 16
 * (80 bits). The kind is part of the keyed input, so an accession number and a study ID that are
 * equal strings get different tokens. The characters are valid in CS, SH, LO, ST, LT, UT, UC, AE
 * and PN; numeric, date and time VRs need their own replacement, not this one.
 *
 * Keyed input: kind || 0x00 || value. A kind never contains NUL, which keeps it injective.
 */
import type { KeyObject } from 'node:crypto';
import { MedVeilError, internalError } from '../../errors.js';
import { crockfordBase32 } from './crockford-base32.js';
import { PSEUDONYM_CONTEXT, keyedDigest } from './keyed-digest.js';
import { normaliseText } from './normalise-text.js';

const MAX_TOKEN_LENGTH = 16;

/** An empty value stays empty: emptiness carries no identity and keeps type 2 attributes type 2. */
export function keyedText(key: KeyObject, kind: string, value: string, maxLength: number): string {
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw internalError(`keyedText: maximum length must be a positive integer, got ${maxLength}`);
  }
  if (kind === '' || kind.includes('\0')) {
    throw new MedVeilError('deid', `text pseudonym kind must be a non-empty string without NUL, got ${JSON.stringify(kind)}`);
  }
  const original = normaliseText(value);
  if (original === '') return '';
  const digest = keyedDigest(key, PSEUDONYM_CONTEXT.text, `${kind}\0${original}`);
  return crockfordBase32(digest, Math.min(maxLength, MAX_TOKEN_LENGTH));
}
