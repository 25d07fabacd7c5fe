import { sha256 } from '../../crypto/sha256.js';
import { isValidKeyNameWeb } from '../receipt/web-note.js';

/**
 * A key that signs notes (c2sp.org/signed-note). `keyId` is the uint32 that precedes every
 * signature it makes; with `name` it identifies both the key and its algorithm.
 */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(message: Uint8Array): Uint8Array;
}

/** The public half of a NoteSigner; `verify` never throws on malformed signatures. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** What signs with this key: a log's checkpoint signature or a witness cosignature. */
  readonly kind: NoteKeyKind;
  /** The vkey text `name+hex(id)+base64(type || public key)`. */
  readonly vkey: string;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export type NoteKeyKind = 'ed25519' | 'sm2' | 'cosignature/v1';

/**
 * Signature type identifiers of c2sp.org/signed-note: 0x01 Ed25519, 0x04 timestamped Ed25519
 * cosignature (c2sp.org/tlog-cosignature). SM2 has no assigned byte, so it uses 0xff followed
 * by a longer identifier, as the spec recommends for unassigned types; the identifier names the
 * hash (SM3) so the key ID commits to the whole algorithm.
 */
export const signatureTypes: Readonly<Record<NoteKeyKind, Uint8Array>> = {
  ed25519: Uint8Array.of(0x01),
  'cosignature/v1': Uint8Array.of(0x04),
  sm2: Uint8Array.from([0xff, ...new TextEncoder().encode('medveil/sm2-sm3')]),
};

/** key ID = SHA-256(key name || 0x0A || signature type || public key)[:4], big-endian (signed-note). */
export function noteKeyId(name: string, signatureType: Uint8Array, publicKey: Uint8Array): number {
  const digest = sha256(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), signatureType, publicKey]));
  return Buffer.from(digest).readUInt32BE(0);
}

/** signed-note: key names are non-empty and contain no Unicode space and no '+'. */
export function isValidKeyName(name: string): boolean {
  return isValidKeyNameWeb(name);
}
