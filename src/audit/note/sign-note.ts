import { MedVeilError } from '../../errors.js';
import type { NoteSigner } from './note-key.js';
import { encodeBase64 } from './strict-base64.js';

/**
 * Signs `body` with each signer and returns the signed note: the text, a blank line, then one
 * line `— <name> base64(uint32be key ID || signature)` per signer (c2sp.org/signed-note, Format).
 * The text must end in a newline and contain no control character other than newline.
 */
export function signNote(body: string, signers: NoteSigner[]): string {
  if (!body.endsWith('\n')) throw new MedVeilError('internal', 'internal error (a MedVeil bug): a note text must end with a newline');
  if (/[\u0000-\u0009\u000B-\u001F]/.test(body)) throw new MedVeilError('internal', 'internal error (a MedVeil bug): a note text may not contain control characters');
  if (signers.length === 0) throw new MedVeilError('internal', 'internal error (a MedVeil bug): signNote() needs a signer');
  const message = new TextEncoder().encode(body);
  return `${body}\n${signers.map((signer) => signatureLine(signer, message)).join('')}`;
}

/** One signature line for `message`, ending in a newline. */
export function signatureLine(signer: NoteSigner, message: Uint8Array): string {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(signer.keyId);
  return `\u2014 ${signer.name} ${encodeBase64(Buffer.concat([id, signer.sign(message)]))}\n`;
}
