/**
 * SOP Class UIDs of the services the DIMSE adapter provides (PS3.4 Annexes A, B, C; PS3.6 A.1),
 * and which abstract syntaxes an acceptor takes by default.
 */
export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';

/** Query/Retrieve information models (PS3.4 C.6). */
export const QueryRetrieve = {
  PatientRootFind: '1.2.840.10008.5.1.4.1.2.1.1',
  PatientRootMove: '1.2.840.10008.5.1.4.1.2.1.2',
  PatientRootGet: '1.2.840.10008.5.1.4.1.2.1.3',
  StudyRootFind: '1.2.840.10008.5.1.4.1.2.2.1',
  StudyRootMove: '1.2.840.10008.5.1.4.1.2.2.2',
  StudyRootGet: '1.2.840.10008.5.1.4.1.2.2.3',
} as const;

export const FIND_SOP_CLASSES: readonly string[] = [QueryRetrieve.PatientRootFind, QueryRetrieve.StudyRootFind];
export const MOVE_SOP_CLASSES: readonly string[] = [QueryRetrieve.PatientRootMove, QueryRetrieve.StudyRootMove];
export const GET_SOP_CLASSES: readonly string[] = [QueryRetrieve.PatientRootGet, QueryRetrieve.StudyRootGet];

/**
 * Storage SOP classes sit under 1.2.840.10008.5.1.4.1.1 (PS3.6 A.1), apart from a few newer
 * roots of non-image storage (PS3.4 B.5: hanging protocols, color palettes, implant templates,
 * RT and protocol storage).
 */
const STORAGE_ROOTS = ['1.2.840.10008.5.1.4.1.1.', '1.2.840.10008.5.1.4.34.', '1.2.840.10008.5.1.4.38.', '1.2.840.10008.5.1.4.39.', '1.2.840.10008.5.1.4.43.', '1.2.840.10008.5.1.4.44.', '1.2.840.10008.5.1.4.45.'];

export function isStorageSopClass(uid: string): boolean {
  return STORAGE_ROOTS.some((root) => uid.startsWith(root));
}
