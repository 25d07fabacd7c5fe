import { MedVeilError } from '../../errors.js';
import { parseNoteWeb } from '../receipt/web-note.js';

/** One signature line `— <key name> base64(32-bit key ID || signature)` of a signed note. */
export interface NoteSignature {
  name: string;
  keyId: number;
  signature: Uint8Array;
  /** The line as it appeared, with its final newline. */
  line: string;
}

export interface ParsedNote {
  /** The note text, including its final newline, without the separating blank line. */
  body: string;
  signatures: NoteSignature[];
}

const maxNoteBytes = 1 << 20;

/**
 * Splits a signed note (c2sp.org/signed-note, Format) into text and signature lines, checking
 * the syntax only. Bytes must be valid UTF-8. Throws MedVeilError('audit-verify') on anything malformed. The input is
 * attacker-controlled: every rule of the format is enforced.
 */
export function parseNote(input: string | Uint8Array): ParsedNote {
  const malformed = (why: string) => new MedVeilError('audit-verify', `malformed signed note: ${why}`);
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > maxNoteBytes) throw malformed('larger than 1 MiB');
  let text: string;
  try {
    text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
  } catch {
    throw malformed('not valid UTF-8');
  }
  const { body, signatures } = parseNoteWeb(text);
  return { body, signatures: signatures.map(({ name, keyId, signature, line }) => ({ name, keyId, signature, line })) };
}
