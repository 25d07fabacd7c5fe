import { decodeSm2Signature } from '../../crypto/sm2-signature-der.js';
import { MedVeilError } from '../../errors.js';
import { concatBytes, decodeBase64StrictWeb, hexWeb, readUintBE, sha256Web, textEncoder } from './web-bytes.js';

/**
 * Verifier keys and signed notes (c2sp.org/signed-note, c2sp.org/tlog-cosignature) for the
 * browser: the rules of note/verifier-key.ts, note/parse-note.ts and note/open-note.ts, with
 * Ed25519 through WebCrypto. SM2 lines (the `gm` suite) are checked with sm-crypto-v2, which is
 * plain JavaScript over @noble/curves and is loaded only when an SM2 key is given; where it
 * cannot be loaded, or the browser's WebCrypto has no Ed25519, a signature is reported
 * `unverifiable`, never `ok`. Malformed input throws MedVeilError ('key' or 'audit-verify').
 */

export type WebKeyKind = 'ed25519' | 'sm2' | 'cosignature/v1';

export interface WebVerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly kind: WebKeyKind;
  readonly vkey: string;
  readonly publicKey: Uint8Array;
}

export interface WebNoteSignature {
  readonly name: string;
  readonly keyId: number;
  readonly signature: Uint8Array;
  /** The line as it appeared, with its final newline. */
  readonly line: string;
}

export interface WebSignatureCheck {
  readonly status: 'ok' | 'failed' | 'unverifiable';
  readonly reason?: string;
  /** A cosignature's time, POSIX seconds (tlog-cosignature timestamped_signature). */
  readonly timestamp?: number;
}

/** The signature type bytes of signed-note and note-key.ts (SM2: 0xff and an identifier that names SM3). */
const SIGNATURE_TYPES: Readonly<Record<WebKeyKind, Uint8Array>> = {
  ed25519: Uint8Array.of(0x01),
  'cosignature/v1': Uint8Array.of(0x04),
  sm2: concatBytes(Uint8Array.of(0xff), textEncoder.encode('medveil/sm2-sm3')),
};

/** GM/T 0009-2012 10.3, as crypto/sm2.ts signs with. */
const SM2_ID = '1234567812345678';
const MAX_NOTE_BYTES = 1 << 20;
/** Verifiers must accept at least 16 signatures (signed-note); more is a resource attack. */
const MAX_NOTE_SIGNATURES = 100;

export function isValidKeyNameWeb(name: string): boolean {
  return name.length > 0 && !/[\s+\u0000-\u001f\u2028\u2029]/u.test(name);
}

/** `name+hex(key ID)+base64(type || public key)`, with the key ID checked against the key. */
export async function parseVerifierKeyWeb(vkey: string): Promise<WebVerifierKey> {
  const text = vkey.trim();
  const bad = (why: string) => new MedVeilError('key', `not a verifier key (${why}): "${text.slice(0, 80)}"`, {
    hint: 'a verifier key reads name+8-hex-digit-id+base64, as GET /api/audit/keys lists them',
  });
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw bad('expected name+id+key');
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  if (!isValidKeyNameWeb(name)) throw bad('invalid key name');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw bad('the key ID is not 8 lowercase hex digits');
  const material = decodeBase64StrictWeb(text.slice(second + 1));
  if (material === undefined || material.length === 0) throw bad('the key is not base64');
  const kind = (Object.keys(SIGNATURE_TYPES) as WebKeyKind[]).find((k) => startsWith(material, SIGNATURE_TYPES[k]) && material.length > SIGNATURE_TYPES[k].length);
  if (kind === undefined) throw bad(`unknown signature type 0x${material[0]!.toString(16).padStart(2, '0')}`);
  const publicKey = material.slice(SIGNATURE_TYPES[kind].length);
  const keyId = Number(readUintBE((await sha256Web(textEncoder.encode(`${name}\n`), SIGNATURE_TYPES[kind], publicKey)).subarray(0, 4)));
  if (keyId !== parseInt(idHex, 16)) throw bad('the key ID does not match the key');
  if (kind !== 'sm2' && publicKey.length !== 32) throw bad(`an Ed25519 public key is 32 bytes, got ${publicKey.length}`);
  if (kind === 'sm2' && (publicKey.length !== 65 || publicKey[0] !== 0x04)) throw bad('an SM2 public key is the 65-byte point 04 || x || y');
  return { name, keyId, kind, vkey: text, publicKey };
}

/** Splits a signed note into its text and signature lines, with every rule of the format; the server's parseNote (parse-note.ts) calls it too. */
export function parseNoteWeb(text: string): { body: string; signatures: WebNoteSignature[] } {
  const malformed = (why: string) => new MedVeilError('audit-verify', `malformed signed note: ${why}`);
  if (textEncoder.encode(text).length > MAX_NOTE_BYTES) throw malformed('larger than 1 MiB');
  if (/[\u0000-\u0009\u000B-\u001F]/.test(text)) throw malformed('contains a control character other than newline');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw malformed('the signature block must be non-empty and end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures = lines.map((line) => {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (match === null) throw malformed(`not a signature line: "${line.slice(0, 80)}"`);
    const name = match[1]!;
    if (!isValidKeyNameWeb(name)) throw malformed(`invalid key name "${name}"`);
    const raw = decodeBase64StrictWeb(match[2]!);
    if (raw === undefined || raw.length < 5) throw malformed(`signature of ${name} is not base64 of key ID and signature`);
    return { name, keyId: Number(readUintBE(raw.subarray(0, 4))), signature: raw.slice(4), line: `${line}\n` };
  });
  return { body, signatures };
}

/** Checks one signature over the note text `body` (UTF-8 bytes) with `key`. */
export async function verifyNoteSignatureWeb(key: WebVerifierKey, body: Uint8Array, signature: Uint8Array): Promise<WebSignatureCheck> {
  switch (key.kind) {
    case 'ed25519':
      return ed25519Check(key, body, signature);
    case 'cosignature/v1': {
      // tlog-cosignature: u64 timestamp || Ed25519 over "cosignature/v1\ntime <t>\n" || note text.
      if (signature.length !== 72) return { status: 'failed', reason: `invalid cosignature by witness ${key.name}: not 72 bytes` };
      const stamp = readUintBE(signature.subarray(0, 8));
      if (stamp > (1n << 63n) - 1n) return { status: 'failed', reason: `invalid cosignature by witness ${key.name}: timestamp out of range` };
      const message = concatBytes(textEncoder.encode(`cosignature/v1\ntime ${stamp}\n`), body);
      const check = await ed25519Check(key, message, signature.subarray(8));
      return { ...check, timestamp: Number(stamp) };
    }
    case 'sm2':
      return sm2Check(key, body, signature);
  }
}

async function ed25519Check(key: WebVerifierKey, message: Uint8Array, signature: Uint8Array): Promise<WebSignatureCheck> {
  const failed: WebSignatureCheck = { status: 'failed', reason: `invalid signature by ${key.name} (key ${hex8(key.keyId)})` };
  if (signature.length !== 64) return failed;
  let cryptoKey: Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;
  try {
    cryptoKey = await globalThis.crypto.subtle.importKey('raw', concatBytes(key.publicKey), { name: 'Ed25519' }, false, ['verify']);
  } catch (error) {
    if ((error as { name?: unknown }).name === 'NotSupportedError') {
      return { status: 'unverifiable', reason: "this browser's WebCrypto has no Ed25519; verify the receipt with `medveil audit verify-receipt`" };
    }
    return { status: 'failed', reason: `the public key of ${key.name} is not a valid Ed25519 key` };
  }
  return (await globalThis.crypto.subtle.verify({ name: 'Ed25519' }, cryptoKey, concatBytes(signature), concatBytes(message))) ? { status: 'ok' } : failed;
}

interface Sm2Verifier {
  verifyPublicKey(publicKey: string): boolean;
  doVerifySignature(message: Uint8Array, signature: string, publicKey: string, options: { hash: boolean; der: boolean; userId: string }): boolean;
}

let sm2Loading: Promise<Sm2Verifier | undefined> | undefined;

/** sm-crypto-v2, loaded once and only for SM2 keys, so a console of an `intl` log never fetches it. */
function loadSm2(): Promise<Sm2Verifier | undefined> {
  sm2Loading ??= import('sm-crypto-v2').then(
    (module) => module.sm2 as unknown as Sm2Verifier,
    () => undefined,
  );
  return sm2Loading;
}

async function sm2Check(key: WebVerifierKey, body: Uint8Array, signature: Uint8Array): Promise<WebSignatureCheck> {
  const failed: WebSignatureCheck = { status: 'failed', reason: `invalid signature by ${key.name} (key ${hex8(key.keyId)})` };
  const sm2 = await loadSm2();
  if (sm2 === undefined) return { status: 'unverifiable', reason: 'the SM2 verifier (sm-crypto-v2) could not be loaded in this browser' };
  const rs = decodeSm2Signature(signature);
  if (rs === undefined) return failed;
  try {
    const publicKey = hexWeb(key.publicKey);
    if (!sm2.verifyPublicKey(publicKey)) return { status: 'failed', reason: `the public key of ${key.name} is not a point of the SM2 curve` };
    return sm2.doVerifySignature(body, hexWeb(rs), publicKey, { hash: true, der: false, userId: SM2_ID }) ? { status: 'ok' } : failed;
  } catch {
    return failed;
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

export function hex8(id: number): string {
  return id.toString(16).padStart(8, '0');
}
