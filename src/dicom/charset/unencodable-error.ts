import { MedVeilError } from '../../errors.js';

/**
 * The error for a character that no declared character set holds. Writing is strict (STYLE.md
 * rule 3): the value is never written with "?" in its place. The message names the character
 * and its position only, never the value, which may identify a patient.
 */
export function unencodableError(char: string, position: number, terms: readonly string[]): MedVeilError {
  const point = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const declared = terms.length === 0 ? 'the default repertoire (no Specific Character Set)' : `Specific Character Set "${terms.join('\\')}"`;
  return new MedVeilError('charset', `cannot encode "${char}" (${point}, character ${position}) with ${declared}`, {
    hint: 'declare a character set that holds it in (0008,0005), for example ISO_IR 192 (UTF-8), or change the value',
  });
}
