/**
 * File IDs of a File-set (PS3.10 8.2, 8.5): at most 8 components, each of 1 to 8 characters
 * from uppercase A-Z, digits and underscore. In a DICOMDIR a File ID is the multi-valued CS
 * Referenced File ID (0004,1500), one value per component; on disk the components are folders
 * and a file name.
 */
import { MedVeilError } from '../../errors.js';

export const MAX_FILE_ID_COMPONENTS = 8;
export const MAX_COMPONENT_LENGTH = 8;
const COMPONENT = /^[A-Z0-9_]{1,8}$/;

/** Throws unless `components` is a File ID that PS3.10 8.5 allows. */
export function checkFileId(components: readonly string[]): void {
  if (components.length === 0 || components.length > MAX_FILE_ID_COMPONENTS) {
    throw new MedVeilError('dicomdir', `a File ID has 1 to ${MAX_FILE_ID_COMPONENTS} components, not ${components.length} (PS3.10 8.5)`);
  }
  for (const component of components) {
    if (!COMPONENT.test(component)) {
      throw new MedVeilError('dicomdir', `File ID component "${component}" is not 1 to ${MAX_COMPONENT_LENGTH} of A-Z, 0-9 and _ (PS3.10 8.5)`);
    }
  }
}

/**
 * A component made of a letter and a zero-padded ordinal, "P0000001": it says where an entity
 * falls in the sorted order and nothing else. `prefix` and digits together are 8 characters.
 */
export function ordinalComponent(prefix: string, ordinal: number): string {
  const digits = MAX_COMPONENT_LENGTH - prefix.length;
  const text = String(ordinal);
  if (!Number.isInteger(ordinal) || ordinal < 1 || text.length > digits) {
    throw new MedVeilError('dicomdir', `ordinal ${ordinal} does not fit a File ID component after "${prefix}" (at most ${'9'.repeat(digits)})`, {
      hint: 'split the export into smaller media folders',
    });
  }
  return `${prefix}${text.padStart(digits, '0')}`;
}
