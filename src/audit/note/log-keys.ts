import { MedVeilError } from '../../errors.js';
import type { CryptoSuite } from '../../crypto/suite.js';
import type { NoteKeyKind, NoteSigner, NoteVerifier } from './note-key.js';
import { generateSignerKey, parseSignerKey, type SignerOptions } from './signer-key.js';
import { parseVerifierKey } from './verifier-key.js';

/**
 * The keys of one log (or one witness). A log under `intl` signs checkpoints with Ed25519; under
 * `gm` it adds an SM2 signature line with the same key name (ARCHITECTURE.md, choices made), so
 * a verifier that knows only one of the two keys still finds its line. A witness has one
 * cosignature/v1 key.
 */
export interface LogKeys {
  name: string;
  signerKeys: string[];
  verifierKeys: string[];
}

export function generateLogKeys(name: string, suite: CryptoSuite): LogKeys {
  const kinds: NoteKeyKind[] = suite === 'gm' ? ['ed25519', 'sm2'] : ['ed25519'];
  return keysOf(name, kinds);
}

export function generateWitnessKeys(name: string): LogKeys {
  return keysOf(name, ['cosignature/v1']);
}

function keysOf(name: string, kinds: NoteKeyKind[]): LogKeys {
  const generated = kinds.map((kind) => generateSignerKey(name, kind));
  return { name, signerKeys: generated.map((g) => g.signerKey), verifierKeys: generated.map((g) => g.verifierKey) };
}

/**
 * Key files are text, one key per line; blank lines and lines starting with `#` are comments.
 * The secret file holds PRIVATE+KEY+ lines, the public file vkeys.
 */
export function formatSecretKeyFile(keys: LogKeys): string {
  return `# MedVeil signing keys for ${keys.name}. SECRET: readable by the signing service only.\n${keys.signerKeys.join('\n')}\n`;
}

export function formatPublicKeyFile(keys: LogKeys): string {
  return `# MedVeil verifier keys for ${keys.name}. Public: give to auditors and witnesses.\n${keys.verifierKeys.join('\n')}\n`;
}

export function parseSecretKeyFile(text: string, options: SignerOptions = {}): (NoteSigner & { kind: NoteKeyKind })[] {
  const signers = keyLines(text).map((line) => parseSignerKey(line, options));
  if (signers.length === 0) throw new MedVeilError('key', 'the signing key file holds no key', { hint: 'create one with `medveil audit keygen`' });
  return signers;
}

export function parseVerifierKeys(text: string): NoteVerifier[] {
  const verifiers = keyLines(text).map(parseVerifierKey);
  if (verifiers.length === 0) throw new MedVeilError('key', 'no verifier key given', { hint: 'pass the public key file printed by `medveil audit keygen`' });
  return verifiers;
}

function keyLines(text: string): string[] {
  return text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0 && !line.startsWith('#'));
}
