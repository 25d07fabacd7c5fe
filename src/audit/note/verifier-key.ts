import { MedVeilError } from '../../errors.js';
import { ed25519PublicKeyObject, verifyEd25519 } from '../../crypto/ed25519.js';
import { checkSm2PublicKey, verifySm2 } from '../../crypto/sm2.js';
import { cosignatureMessage } from './cosignature-message.js';
import { isValidKeyName, noteKeyId, signatureTypes, type NoteKeyKind, type NoteVerifier } from './note-key.js';
import { splitKey } from './split-key.js';
import { decodeBase64Strict, encodeBase64 } from './strict-base64.js';

/** `<key name>+hex(32-bit key ID)+base64(signature type || public key)` (signed-note, Verifier keys). */
export function formatVerifierKey(name: string, kind: NoteKeyKind, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new MedVeilError('key', `invalid key name "${name}": it must be non-empty, without spaces or '+'`);
  const type = signatureTypes[kind];
  const id = noteKeyId(name, type, publicKey);
  return `${name}+${id.toString(16).padStart(8, '0')}+${encodeBase64(Buffer.concat([type, publicKey]))}`;
}

/**
 * Reads a vkey and returns its verifier. Throws MedVeilError('key') when the text is malformed,
 * the algorithm unknown, the public key invalid, or the stated key ID does not match the key.
 */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const text = vkey.trim();
  const parts = splitKey(text);
  const bad = (why: string) => new MedVeilError('key', `not a verifier key (${why}): "${text.slice(0, 80)}"`, {
    hint: 'a verifier key reads name+8-hex-digit-id+base64, as printed by `medveil audit keygen`',
  });
  if (parts.length !== 3) throw bad('expected name+id+key');
  const [name, idHex, keyB64] = parts as [string, string, string];
  if (!isValidKeyName(name)) throw bad('invalid key name');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw bad('the key ID is not 8 lowercase hex digits');
  const material = decodeBase64Strict(keyB64);
  if (material === undefined || material.length === 0) throw bad('the key is not base64');
  const kind = kindOf(material);
  if (kind === undefined) throw bad(`unknown signature type 0x${material[0]!.toString(16).padStart(2, '0')}`);
  const publicKey = material.subarray(signatureTypes[kind].length);
  const keyId = parseInt(idHex, 16);
  if (noteKeyId(name, signatureTypes[kind], publicKey) !== keyId) throw bad('the key ID does not match the key');
  return verifierFor(name, kind, publicKey, keyId, text);
}

function kindOf(material: Uint8Array): NoteKeyKind | undefined {
  for (const kind of Object.keys(signatureTypes) as NoteKeyKind[]) {
    const type = signatureTypes[kind];
    if (material.length > type.length && Buffer.from(material.subarray(0, type.length)).equals(type)) return kind;
  }
  return undefined;
}

function verifierFor(name: string, kind: NoteKeyKind, publicKey: Uint8Array, keyId: number, vkey: string): NoteVerifier {
  switch (kind) {
    case 'ed25519': {
      const key = ed25519KeyOrThrow(publicKey);
      return { name, keyId, kind, vkey, verify: (message, signature) => verifyEd25519(key, message, signature) };
    }
    case 'cosignature/v1': {
      const key = ed25519KeyOrThrow(publicKey);
      return {
        name,
        keyId,
        kind,
        vkey,
        // tlog-cosignature: timestamped_signature = u64 timestamp || 64-byte Ed25519 signature,
        // over "cosignature/v1\ntime <t>\n" || the checkpoint note text.
        verify: (message, signature) => {
          if (signature.length !== 72) return false;
          const timestamp = Buffer.from(signature.subarray(0, 8)).readBigUInt64BE(0);
          if (timestamp > 2n ** 63n - 1n) return false;
          return verifyEd25519(key, cosignatureMessage(message, timestamp), signature.subarray(8));
        },
      };
    }
    case 'sm2': {
      const key = new Uint8Array(publicKey);
      checkSm2PublicKey(key);
      return { name, keyId, kind, vkey, verify: (message, signature) => verifySm2(key, message, signature) };
    }
  }
}

function ed25519KeyOrThrow(publicKey: Uint8Array) {
  if (publicKey.length !== 32) throw new MedVeilError('key', `an Ed25519 public key is 32 bytes, got ${publicKey.length}`);
  return ed25519PublicKeyObject(publicKey);
}
