/**
 * The form of a password that is checked and hashed: Unicode NFKC, as NIST SP 800-63B-4
 * section 3.1.1.2 asks, so that the same password typed on two keyboards (full-width digits,
 * composed or decomposed accents) is the same password.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Length in Unicode code points, the unit NIST SP 800-63B-4 3.1.1.2 counts in. */
export function passwordLength(normalized: string): number {
  let count = 0;
  for (const _ of normalized) count += 1;
  return count;
}
