import { trimLeadingSpaces, trimPaddingEnd } from '../../dicom/trim-padding.js';

/**
 * A text value as hashed: leading and trailing spaces and trailing NULs removed. PS3.5 6.2 makes
 * them insignificant for the SH, LO and PN values pseudonymised here, so "123 " and "123" are
 * the same patient and must get the same pseudonym.
 */
export function normaliseText(value: string): string {
  return trimLeadingSpaces(trimPaddingEnd(value));
}
