import { MedVeilError } from '../../errors.js';
import { isValidKeyName } from './note-key.js';
import { decodeBase64Strict } from './strict-base64.js';

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

/** Verifiers must accept at least 16 signatures (signed-note); more is a resource attack. */
export const maxNoteSignatures = 100;
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
  if (/[\u0000-\u0009\u000B-\u001F]/.test(text)) throw malformed('contains a control character other than newline');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw malformed('the signature block must be non-empty and end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > maxNoteSignatures) throw malformed(`more than ${maxNoteSignatures} signatures`);
  const signatures = lines.map((line) => {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (match === null) throw malformed(`not a signature line: "${line.slice(0, 80)}"`);
    const [, name, b64] = match as unknown as [string, string, string];
    if (!isValidKeyName(name)) throw malformed(`invalid key name "${name}"`);
    const raw = decodeBase64Strict(b64);
    if (raw === undefined || raw.length < 5) throw malformed(`signature of ${name} is not base64 of key ID and signature`);
    return {
      name,
      keyId: Buffer.from(raw.subarray(0, 4)).readUInt32BE(0),
      signature: raw.subarray(4),
      line: `${line}\n`,
    };
  });
  return { body, signatures };
}
