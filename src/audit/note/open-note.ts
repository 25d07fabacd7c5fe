import { MedVeilError } from '../../errors.js';
import type { NoteVerifier } from './note-key.js';
import { parseNote } from './parse-note.js';

export interface OpenedNote {
  body: string;
  /** The known keys whose signatures verified, in signature order. */
  verified: NoteVerifier[];
  /** Each verified signature with the key that made it (a cosignature's timestamp lives in its bytes). */
  verifiedSignatures: { verifier: NoteVerifier; signature: Uint8Array; line: string }[];
  /** Signature lines from keys we do not know, kept verbatim so they can be passed on. */
  unverifiedLines: string[];
}

/**
 * Opens a signed note (c2sp.org/signed-note, Signatures): a signature whose key name and ID both
 * match a known verifier must verify, or the whole note is rejected; signatures from unknown keys
 * are ignored (returned as `unverifiedLines`); a repeated signature by a known key is dropped, as
 * golang.org/x/mod/sumdb/note does; and at least one known key must have signed.
 * Throws MedVeilError('audit-verify').
 */
export function openNote(text: string | Uint8Array, verifiers: NoteVerifier[]): OpenedNote {
  const { body, signatures } = parseNote(text);
  const message = new TextEncoder().encode(body);
  const known = new Map(verifiers.map((v) => [`${v.name}\n${v.keyId}`, v]));
  const seen = new Set<string>();
  const opened: OpenedNote = { body, verified: [], verifiedSignatures: [], unverifiedLines: [] };
  for (const sig of signatures) {
    const id = `${sig.name}\n${sig.keyId}`;
    const verifier = known.get(id);
    if (verifier === undefined) {
      if (!opened.unverifiedLines.includes(sig.line)) opened.unverifiedLines.push(sig.line);
      continue;
    }
    if (seen.has(id)) continue;
    seen.add(id);
    if (!verifier.verify(message, sig.signature)) {
      throw new MedVeilError('audit-verify', `invalid signature by ${sig.name} (key ${hex8(sig.keyId)})`);
    }
    opened.verified.push(verifier);
    opened.verifiedSignatures.push({ verifier, signature: sig.signature, line: sig.line });
  }
  if (opened.verified.length === 0) {
    throw new MedVeilError('audit-verify', 'signed note has no signature from a trusted key', {
      hint: 'check that the verifier key given matches the key that signed (name and key ID)',
    });
  }
  return opened;
}

function hex8(id: number): string {
  return id.toString(16).padStart(8, '0');
}
