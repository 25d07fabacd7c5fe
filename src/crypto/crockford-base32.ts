/** Crockford's base32 alphabet (https://www.crockford.com/base32.html): no I, L, O or U, so codes read aloud and typed by hand survive. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The bytes in Crockford base32, most significant bits first; trailing bits that do not fill a
 * whole character (when the bit count is not a multiple of 5) are dropped.
 */
export function encodeCrockford(bytes: Uint8Array): string {
  let bits = 0;
  let buffer = 0;
  let out = '';
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD_ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}
