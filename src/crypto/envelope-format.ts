/**
 * The sealed object format of encryption at rest (version 1). Every stored object is:
 *
 *     offset  size  field
 *     0       8     magic 89 4D 56 45 4E 56 0D 0A ("\x89MVENV\r\n": not "DICM", high bit and CR LF
 *                   catch 7-bit and line-ending damage as in PNG)
 *     8       1     format version, 1
 *     9       1     suite: 1 = intl (AES-256-GCM), 2 = gm (SM4-CTR + HMAC-SM3), see aead.ts
 *     10      1     log2 of the segment size in plaintext bytes, 10..24 (default 20: 1 MiB)
 *     11      1     reserved, 0
 *     12      16    data key id
 *     28      16    salt, random per object
 *     44      ...   segments: ciphertext || tag; every segment but the last holds exactly one
 *                   segment size of plaintext, the last 0..segment size (an empty object is one
 *                   empty final segment)
 *
 * Segment i is sealed with the suite's AEAD under the object key, with
 *
 *     object key  = HKDF(SHA-256 for intl, SM3 for gm; IKM = data key, salt = salt,
 *                        info = "MedVeil object key v1", L = 32)                         (RFC 5869)
 *     nonce       = 0x00 * 7 || uint32be(i) || 0x01 if i is the last segment, else 0x00
 *     associated  = the 44 header bytes || UTF-8 of the object's identity (its storage key)
 *
 * in the manner of STREAM (Hoang, Reyhanitabar, Rogaway, Vizár, "Online Authenticated-Encryption
 * and its Nonce-Reuse Misuse-Resistance", CRYPTO 2015): a reordered, dropped, repeated or
 * appended segment, a truncation at any point, a changed header and an object moved to another
 * name all fail a tag. A fresh object key per object keeps nonces unique under it without
 * counting objects per data key.
 */
import { hkdfSync } from 'node:crypto';
import { MedVeilError } from '../errors.js';
import { aeadFor, aeadTagBytes, type Aead } from './aead.js';
import type { CryptoSuite } from './suite.js';

export const OBJECT_MAGIC = Uint8Array.of(0x89, 0x4d, 0x56, 0x45, 0x4e, 0x56, 0x0d, 0x0a);
export const OBJECT_FORMAT_VERSION = 1;
export const OBJECT_HEADER_BYTES = 44;
export const DEFAULT_SEGMENT_LOG2 = 20;
export const MIN_SEGMENT_LOG2 = 10;
export const MAX_SEGMENT_LOG2 = 24;
export const SALT_BYTES = 16;
/** Data key ids are 16 bytes, written as 32 lowercase hex digits. */
export const DATA_KEY_ID_BYTES = 16;
const MAX_SEGMENTS = 2 ** 32;
const OBJECT_KEY_INFO = new TextEncoder().encode('MedVeil object key v1');

export interface ObjectHeader {
  readonly suite: CryptoSuite;
  readonly segmentBytes: number;
  readonly dataKeyId: string;
  readonly salt: Uint8Array;
  /** The header as stored, bound into every segment's associated data. */
  readonly bytes: Uint8Array;
}

/** The integrity failure of sealed data; the storage layer adds the object's name. */
export function integrityError(reason: string): MedVeilError {
  return new MedVeilError('crypto', `integrity check failed: ${reason}`);
}

export function suiteCode(suite: CryptoSuite): number {
  return suite === 'intl' ? 1 : 2;
}

export function suiteFromCode(code: number): CryptoSuite | undefined {
  return code === 1 ? 'intl' : code === 2 ? 'gm' : undefined;
}

/** HKDF's hash under each suite. */
export function suiteDigest(suite: CryptoSuite): 'sha256' | 'sm3' {
  return suite === 'intl' ? 'sha256' : 'sm3';
}

export function isDataKeyId(id: string): boolean {
  return /^[0-9a-f]{32}$/.test(id);
}

export function encodeObjectHeader(fields: { suite: CryptoSuite; segmentLog2: number; dataKeyId: string; salt: Uint8Array }): ObjectHeader {
  const { suite, segmentLog2, dataKeyId, salt } = fields;
  if (!Number.isInteger(segmentLog2) || segmentLog2 < MIN_SEGMENT_LOG2 || segmentLog2 > MAX_SEGMENT_LOG2) {
    throw new MedVeilError('internal', `segment size 2^${segmentLog2} is outside 2^${MIN_SEGMENT_LOG2}..2^${MAX_SEGMENT_LOG2}`);
  }
  if (!isDataKeyId(dataKeyId)) throw new MedVeilError('internal', 'a data key id is 32 lowercase hex digits');
  if (salt.length !== SALT_BYTES) throw new MedVeilError('internal', `an object salt has ${SALT_BYTES} bytes`);
  const bytes = new Uint8Array(OBJECT_HEADER_BYTES);
  bytes.set(OBJECT_MAGIC, 0);
  bytes[8] = OBJECT_FORMAT_VERSION;
  bytes[9] = suiteCode(suite);
  bytes[10] = segmentLog2;
  bytes[11] = 0;
  bytes.set(Buffer.from(dataKeyId, 'hex'), 12);
  bytes.set(salt, 28);
  return { suite, segmentBytes: 2 ** segmentLog2, dataKeyId, salt: bytes.subarray(28, 44), bytes };
}

/** Reads the header at the start of `sealed` (attacker-controlled); throws an integrity error. */
export function parseObjectHeader(sealed: Uint8Array): ObjectHeader {
  if (sealed.length < OBJECT_HEADER_BYTES) throw integrityError(`${sealed.length} bytes are shorter than the ${OBJECT_HEADER_BYTES}-byte header`);
  const bytes = Uint8Array.from(sealed.subarray(0, OBJECT_HEADER_BYTES));
  if (!OBJECT_MAGIC.every((byte, i) => bytes[i] === byte)) throw integrityError('the header does not start with the sealed object magic');
  if (bytes[8] !== OBJECT_FORMAT_VERSION) throw integrityError(`format version ${bytes[8]} is not ${OBJECT_FORMAT_VERSION}`);
  const suite = suiteFromCode(bytes[9]!);
  if (suite === undefined) throw integrityError(`suite code ${bytes[9]} is unknown`);
  const segmentLog2 = bytes[10]!;
  if (segmentLog2 < MIN_SEGMENT_LOG2 || segmentLog2 > MAX_SEGMENT_LOG2) throw integrityError(`segment size 2^${segmentLog2} is out of range`);
  if (bytes[11] !== 0) throw integrityError('the reserved header byte is not 0');
  return {
    suite,
    segmentBytes: 2 ** segmentLog2,
    dataKeyId: Buffer.from(bytes.subarray(12, 28)).toString('hex'),
    salt: bytes.subarray(28, 44),
    bytes,
  };
}

/** The AEAD that seals this object's segments under `dataKey`. */
export function objectAead(header: ObjectHeader, dataKey: Uint8Array): Aead {
  const objectKey = new Uint8Array(hkdfSync(suiteDigest(header.suite), dataKey, header.salt, OBJECT_KEY_INFO, 32));
  return aeadFor(header.suite, objectKey);
}

export function objectAssociatedData(header: ObjectHeader, identity: string): Uint8Array {
  return Buffer.concat([header.bytes, Buffer.from(identity, 'utf8')]);
}

export function segmentNonce(index: number, final: boolean): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0 || index >= MAX_SEGMENTS) throw integrityError(`segment ${index} is beyond 2^32 segments`);
  const nonce = Buffer.alloc(12);
  nonce.writeUInt32BE(index, 7);
  nonce[11] = final ? 1 : 0;
  return nonce;
}

/** Bytes a sealed object of `plaintextBytes` takes. */
export function sealedObjectBytes(plaintextBytes: number, suite: CryptoSuite, segmentLog2 = DEFAULT_SEGMENT_LOG2): number {
  const segments = Math.max(1, Math.ceil(plaintextBytes / 2 ** segmentLog2));
  return OBJECT_HEADER_BYTES + plaintextBytes + segments * aeadTagBytes(suite);
}

