import { sm2 as sm2Lib } from 'sm-crypto-v2';
import { MedVeilError } from '../errors.js';
import { decodeSm2Signature } from './sm2-signature-der.js';

export { decodeSm2Signature };

/**
 * SM2 digital signatures (GB/T 32918.2-2016, GM/T 0003.2-2012) with SM3 as the hash, through
 * sm-crypto-v2. Node's crypto would sign plain ECDSA on the SM2 curve, which is a different
 * algorithm: SM2 signs e = SM3(Z_A || M), where Z_A (GB/T 32918.2 5.5) binds the signer's
 * distinguishing ID and public key.
 */

/** The distinguishing ID of GM/T 0009-2012 10.3, used when two parties agree on nothing else. */
export const defaultSm2Id = '1234567812345678';

/** Keys as raw bytes: a 32-byte private scalar d, and the uncompressed point 04 || x || y (65 bytes). */
export interface Sm2KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export function generateSm2KeyPair(): Sm2KeyPair {
  const pair = sm2Lib.generateKeyPairHex();
  return { privateKey: fromHex(pair.privateKey.padStart(64, '0')), publicKey: fromHex(pair.publicKey) };
}

export function sm2PublicKey(privateKey: Uint8Array): Uint8Array {
  checkPrivateKey(privateKey);
  return fromHex(sm2Lib.getPublicKeyFromPrivateKey(hex(privateKey)));
}

/** Throws unless `publicKey` is an uncompressed point on the SM2 curve. */
export function checkSm2PublicKey(publicKey: Uint8Array): void {
  if (publicKey.length !== 65 || publicKey[0] !== 0x04 || !sm2Lib.verifyPublicKey(hex(publicKey))) {
    throw new MedVeilError('key', 'not an SM2 public key (expected the 65-byte uncompressed point 04 || x || y on the SM2 curve)');
  }
}

export interface Sm2SignOptions {
  /** Distinguishing ID; `1234567812345678` unless both sides agreed another. */
  id?: string;
  /** The public key of `privateKey`, to skip recomputing it for Z_A. */
  publicKey?: Uint8Array;
  /** Fixed nonce k, only for reproducing the standard's worked example in tests. */
  testNonce?: Uint8Array;
}

/**
 * Signs `message`: SM3 with Z_A, then SM2. Returns the DER `SM2Signature ::= SEQUENCE { r INTEGER,
 * s INTEGER }` of GM/T 0009-2012 7.3, the encoding OpenSSL and other implementations exchange.
 */
export function signSm2(privateKey: Uint8Array, message: Uint8Array, options: Sm2SignOptions = {}): Uint8Array {
  checkPrivateKey(privateKey);
  const publicKey = options.publicKey ?? sm2PublicKey(privateKey);
  const pointPool = options.testNonce === undefined ? undefined : [nonceToPoint(options.testNonce)];
  const rs = sm2Lib.doSignature(message, hex(privateKey), {
    hash: true,
    der: false,
    publicKey: hex(publicKey),
    userId: options.id ?? defaultSm2Id,
    ...(pointPool === undefined ? {} : { pointPool }),
  });
  return encodeSm2Signature(fromHex(rs.padStart(128, '0')));
}

/**
 * True when `signature` (DER, strictly encoded) is a valid SM2 signature of `message` by
 * `publicKey` under distinguishing ID `id`. Never throws on malformed input: a signature is
 * attacker-controlled.
 */
export function verifySm2(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, options: { id?: string } = {}): boolean {
  const rs = decodeSm2Signature(signature);
  if (rs === undefined) return false;
  try {
    return sm2Lib.doVerifySignature(message, hex(rs), hex(publicKey), {
      hash: true,
      der: false,
      userId: options.id ?? defaultSm2Id,
    });
  } catch {
    return false;
  }
}

// DER of an id-ecPublicKey SubjectPublicKeyInfo on the SM2 curve (OID 1.2.156.10197.1.301,
// GM/T 0006), up to the BIT STRING contents: lets OpenSSL read our public keys and us read its.
const spkiPrefix = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');

export function sm2PublicKeyToPem(publicKey: Uint8Array): string {
  checkSm2PublicKey(publicKey);
  const b64 = Buffer.concat([spkiPrefix, publicKey]).toString('base64');
  return `-----BEGIN PUBLIC KEY-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END PUBLIC KEY-----\n`;
}

export function sm2PublicKeyFromPem(pem: string): Uint8Array {
  const match = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem);
  const der = match === null ? undefined : Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64');
  if (der === undefined || der.length !== spkiPrefix.length + 65 || !der.subarray(0, spkiPrefix.length).equals(spkiPrefix)) {
    throw new MedVeilError('key', 'not a PEM SubjectPublicKeyInfo of an SM2 key');
  }
  const publicKey = new Uint8Array(der.subarray(spkiPrefix.length));
  checkSm2PublicKey(publicKey);
  return publicKey;
}

/** r || s (32 bytes each) to DER, minimal INTEGER encodings (X.690 8.3.2). */
export function encodeSm2Signature(rs: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array): Buffer => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const body = bytes.subarray(start);
    const content = body[0]! & 0x80 ? Buffer.concat([Buffer.of(0), body]) : Buffer.from(body);
    return Buffer.concat([Buffer.of(0x02, content.length), content]);
  };
  const inner = Buffer.concat([integer(rs.subarray(0, 32)), integer(rs.subarray(32, 64))]);
  return new Uint8Array(Buffer.concat([Buffer.of(0x30, inner.length), inner]));
}

function checkPrivateKey(privateKey: Uint8Array): void {
  if (privateKey.length !== 32) throw new MedVeilError('key', `an SM2 private key is 32 bytes, got ${privateKey.length}`);
}

function nonceToPoint(k: Uint8Array): { k: bigint; x1: bigint } {
  const kG = sm2Lib.getPublicKeyFromPrivateKey(hex(k));
  return { k: BigInt(`0x${hex(k)}`), x1: BigInt(`0x${kG.slice(2, 66)}`) };
}

function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}
