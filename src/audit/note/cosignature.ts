import { MedVeilError } from '../../errors.js';
import type { NoteSigner, NoteVerifier } from './note-key.js';
import { parseNote } from './parse-note.js';
import { signatureLine } from './sign-note.js';

/**
 * A witness's cosignature/v1 line over a checkpoint (c2sp.org/tlog-cosignature). `cosigner`
 * must be a `cosignature/v1` key (parseSignerKey of a 0x04 key), which stamps the time itself.
 */
export function cosign(checkpointBody: string, cosigner: NoteSigner & { kind?: string }): string {
  if (cosigner.kind !== undefined && cosigner.kind !== 'cosignature/v1') {
    throw new MedVeilError('key', `key ${cosigner.name} is a ${cosigner.kind} key, not a cosignature/v1 witness key`);
  }
  return signatureLine(cosigner, new TextEncoder().encode(checkpointBody));
}

/** The timestamp (POSIX seconds) inside a timestamped_signature. */
export function cosignatureTimestamp(signature: Uint8Array): number {
  if (signature.length !== 72) throw new MedVeilError('audit-verify', 'a cosignature/v1 signature is 72 bytes');
  return Number(Buffer.from(signature.subarray(0, 8)).readBigUInt64BE(0));
}

/**
 * Checks one cosignature line against a checkpoint body and a witness key, returning the time
 * the witness stated. Throws MedVeilError('audit-verify') when the line is not by this key or
 * does not verify.
 */
export function verifyCosignature(checkpointBody: string, line: string, verifier: NoteVerifier): { timestamp: number } {
  if (verifier.kind !== 'cosignature/v1') throw new MedVeilError('key', `${verifier.name} is not a cosignature/v1 key`);
  const terminated = line.endsWith('\n') ? line : `${line}\n`;
  const [sig] = parseNote(`${checkpointBody}\n${terminated}`).signatures;
  if (sig === undefined || sig.name !== verifier.name || sig.keyId !== verifier.keyId) {
    throw new MedVeilError('audit-verify', `the cosignature is not by witness ${verifier.name}`);
  }
  if (!verifier.verify(new TextEncoder().encode(checkpointBody), sig.signature)) {
    throw new MedVeilError('audit-verify', `invalid cosignature by witness ${verifier.name}`);
  }
  return { timestamp: cosignatureTimestamp(sig.signature) };
}
