/**
 * UIDs under the DICOM registry root (PS3.5 9.2, registered in PS3.6 Annex A): SOP classes,
 * transfer syntaxes, coding schemes, well-known frames of reference. They identify no patient,
 * and remapping them would make the data unreadable, so they are never pseudonymised.
 */
import { normaliseUid } from './normalise-uid.js';

const DICOM_ROOT = '1.2.840.10008.';

export function isWellKnownUid(uid: string): boolean {
  return normaliseUid(uid).startsWith(DICOM_ROOT);
}
