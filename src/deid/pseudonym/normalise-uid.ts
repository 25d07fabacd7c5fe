import { trimPaddingEnd } from '../../dicom/trim-padding.js';

/**
 * A UID as compared and hashed: without the NUL or space padding of PS3.5 6.2 and without
 * surrounding spaces, so an even-length padded copy of a UID maps like the bare one.
 */
export function normaliseUid(uid: string): string {
  return trimPaddingEnd(uid).trim();
}
