import { existsSync, readFileSync } from 'node:fs';
import { MedVeilError } from '../../errors.js';
import { parseSecretKeyFile, parseVerifierKeys } from '../../audit/note/log-keys.js';
import type { NoteKeyKind, NoteSigner, NoteVerifier } from '../../audit/note/note-key.js';
import type { SignerOptions } from '../../audit/note/signer-key.js';

/**
 * Verifier keys from command-line values: each is a file of vkeys (one per line, `#` comments)
 * or a vkey itself. A value that is neither says so, naming the value.
 */
export function readVerifierKeys(values: string[]): NoteVerifier[] {
  const keys: NoteVerifier[] = [];
  for (const value of values) {
    if (existsSync(value)) keys.push(...parseVerifierKeys(readText(value)));
    else if (value.includes('+')) keys.push(...parseVerifierKeys(value));
    else throw new MedVeilError('usage', `no such key file: ${value}`, { hint: 'pass a public key file from `medveil audit keygen`, or a key name+id+base64' });
  }
  return keys;
}

export function readSigners(path: string, options: SignerOptions = {}): (NoteSigner & { kind: NoteKeyKind })[] {
  return parseSecretKeyFile(readText(path), options);
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new MedVeilError('io', `cannot read ${path}`, { cause, hint: 'check the path and its permissions' });
  }
}
