/**
 * Crockford's Base32 alphabet (https://www.crockford.com/base32.html): digits and upper-case
 * letters without I, L, O and U, so pseudonyms survive being read aloud or retyped, and every
 * character is allowed in the CS, SH, LO, AE and PN value representations (PS3.5 6.2).
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The first `length` 5-bit groups of `bytes`, most significant bit first. */
export function crockfordBase32(bytes: Uint8Array, length: number): string {
  if (!Number.isInteger(length) || length < 0 || length * 5 > bytes.length * 8) {
    throw new RangeError(`crockfordBase32: cannot take ${length} characters from ${bytes.length} bytes`);
  }
  let out = '';
  for (let i = 0; i < length; i++) {
    const bit = i * 5;
    const byte = bit >>> 3;
    // Two bytes always cover the 5 bits starting at `bit`; past the end reads as zero bits.
    const window = ((bytes[byte] ?? 0) << 8) | (bytes[byte + 1] ?? 0);
    out += ALPHABET[(window >>> (11 - (bit & 7))) & 31];
  }
  return out;
}
