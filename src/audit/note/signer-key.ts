import { MedVeilError } from '../../errors.js';
import {
  ed25519PrivateKeyObject,
  ed25519PublicKey,
  generateEd25519KeyPair,
  signEd25519,
} from '../../crypto/ed25519.js';
import { generateSm2KeyPair, signSm2, sm2PublicKey } from '../../crypto/sm2.js';
import { cosignatureMessage } from './cosignature-message.js';
import { isValidKeyName, noteKeyId, signatureTypes, type NoteKeyKind, type NoteSigner } from './note-key.js';
import { formatVerifierKey } from './verifier-key.js';
import { splitKey } from './split-key.js';
import { decodeBase64Strict, encodeBase64 } from './strict-base64.js';

/**
 * Secret keys are text in the layout of golang.org/x/mod/sumdb/note:
 * `PRIVATE+KEY+<name>+hex(key ID)+base64(signature type || private key)`, where the private key
 * is the 32-byte Ed25519 seed or the 32-byte SM2 scalar. The prefix makes a pasted secret
 * obvious in a review or a log scan.
 */
const secretPrefix = 'PRIVATE+KEY+';

export interface GeneratedKey {
  /** The secret key text; keep it out of logs and version control. */
  signerKey: string;
  verifierKey: string;
}

/** Options for signers whose signatures carry time: a cosigner's clock in ms since the epoch. */
export interface SignerOptions {
  now?: () => number;
}

export function generateSignerKey(name: string, kind: NoteKeyKind): GeneratedKey {
  if (!isValidKeyName(name)) throw new MedVeilError('key', `invalid key name "${name}": it must be non-empty, without spaces or '+'`);
  const secret = kind === 'sm2' ? generateSm2KeyPair().privateKey : generateEd25519KeyPair().seed;
  const signerKey = formatSignerKey(name, kind, secret);
  return { signerKey, verifierKey: verifierKeyOfSigner(signerKey) };
}

export function formatSignerKey(name: string, kind: NoteKeyKind, secret: Uint8Array): string {
  const type = signatureTypes[kind];
  const id = noteKeyId(name, type, publicKeyOf(kind, secret));
  return `${secretPrefix}${name}+${id.toString(16).padStart(8, '0')}+${encodeBase64(Buffer.concat([type, secret]))}`;
}

/** The vkey that verifies what `signerKey` signs. */
export function verifierKeyOfSigner(signerKey: string): string {
  const { name, kind, secret } = decodeSignerKey(signerKey);
  return formatVerifierKey(name, kind, publicKeyOf(kind, secret));
}

/**
 * A NoteSigner for a secret key text. For a cosignature key the signer stamps the time from
 * `options.now` (default the system clock), in whole seconds as tlog-cosignature requires.
 */
export function parseSignerKey(signerKey: string, options: SignerOptions = {}): NoteSigner & { kind: NoteKeyKind } {
  const { name, kind, secret, keyId } = decodeSignerKey(signerKey);
  switch (kind) {
    case 'ed25519': {
      const key = ed25519PrivateKeyObject(secret);
      return { name, keyId, kind, sign: (message) => signEd25519(key, message) };
    }
    case 'cosignature/v1': {
      const key = ed25519PrivateKeyObject(secret);
      const now = options.now ?? Date.now;
      return {
        name,
        keyId,
        kind,
        sign: (message) => {
          const timestamp = BigInt(Math.floor(now() / 1000));
          const stamp = Buffer.alloc(8);
          stamp.writeBigUInt64BE(timestamp);
          return new Uint8Array(Buffer.concat([stamp, signEd25519(key, cosignatureMessage(message, timestamp))]));
        },
      };
    }
    case 'sm2': {
      const publicKey = sm2PublicKey(secret);
      return { name, keyId, kind, sign: (message) => signSm2(secret, message, { publicKey }) };
    }
  }
}

function decodeSignerKey(text: string): { name: string; kind: NoteKeyKind; secret: Uint8Array; keyId: number } {
  const bad = (why: string) => new MedVeilError('key', `not a secret signing key (${why})`, {
    hint: 'a signing key file holds lines starting PRIVATE+KEY+, as written by `medveil audit keygen`',
  });
  const trimmed = text.trim();
  if (!trimmed.startsWith(secretPrefix)) throw bad('missing PRIVATE+KEY+ prefix');
  const parts = splitKey(trimmed.slice(secretPrefix.length));
  if (parts.length !== 3) throw bad('expected name+id+key');
  const [name, idHex, keyB64] = parts as [string, string, string];
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex)) throw bad('invalid name or key ID');
  const material = decodeBase64Strict(keyB64);
  if (material === undefined) throw bad('the key is not base64');
  for (const kind of Object.keys(signatureTypes) as NoteKeyKind[]) {
    const type = signatureTypes[kind];
    if (material.length === type.length + 32 && Buffer.from(material.subarray(0, type.length)).equals(type)) {
      const secret = new Uint8Array(material.subarray(type.length));
      const keyId = noteKeyId(name, type, publicKeyOf(kind, secret));
      if (keyId !== parseInt(idHex, 16)) throw bad('the key ID does not match the key');
      return { name, kind, secret, keyId };
    }
  }
  throw bad('unknown signature type or key length');
}

function publicKeyOf(kind: NoteKeyKind, secret: Uint8Array): Uint8Array {
  return kind === 'sm2' ? sm2PublicKey(secret) : ed25519PublicKey(secret);
}
