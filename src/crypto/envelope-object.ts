/**
 * Sealing and opening a whole object held in memory, in the format of envelope-format.ts.
 * envelope-stream.ts does the same for streams; both produce and accept the same bytes.
 */
import { randomBytes } from 'node:crypto';
import { aeadTagBytes } from './aead.js';
import type { DataKey, RandomSource } from './envelope.js';
import {
  DEFAULT_SEGMENT_LOG2,
  OBJECT_HEADER_BYTES,
  SALT_BYTES,
  encodeObjectHeader,
  integrityError,
  objectAead,
  objectAssociatedData,
  parseObjectHeader,
  sealedObjectBytes,
  segmentNonce,
  type ObjectHeader,
} from './envelope-format.js';

export interface SealObjectOptions {
  readonly dataKey: DataKey;
  /** The name the object is stored under; opening it under any other name fails. */
  readonly identity: string;
  readonly segmentLog2?: number;
  readonly random?: RandomSource;
}

export interface OpenObjectOptions {
  readonly dataKey: DataKey;
  readonly identity: string;
}

/** A fresh header for an object sealed under `options.dataKey`. */
export function newObjectHeader(options: SealObjectOptions): ObjectHeader {
  const salt = (options.random ?? randomBytes)(SALT_BYTES);
  return encodeObjectHeader({ suite: options.dataKey.suite, segmentLog2: options.segmentLog2 ?? DEFAULT_SEGMENT_LOG2, dataKeyId: options.dataKey.id, salt });
}

export function sealObject(plaintext: Uint8Array, options: SealObjectOptions): Buffer {
  const header = newObjectHeader(options);
  const aead = objectAead(header, options.dataKey.key);
  const ad = objectAssociatedData(header, options.identity);
  const out = Buffer.allocUnsafe(sealedObjectBytes(plaintext.length, header.suite, Math.log2(header.segmentBytes)));
  out.set(header.bytes, 0);
  let at = OBJECT_HEADER_BYTES;
  let index = 0;
  for (let start = 0; ; start += header.segmentBytes, index++) {
    const end = Math.min(start + header.segmentBytes, plaintext.length);
    const final = end === plaintext.length;
    const { ciphertext, tag } = aead.seal(segmentNonce(index, final), plaintext.subarray(start, end), ad);
    out.set(ciphertext, at);
    out.set(tag, at + ciphertext.length);
    at += ciphertext.length + tag.length;
    if (final) break;
  }
  return out;
}

/**
 * The plaintext of `sealed`, or an integrity error (MedVeilError('crypto')) if any byte was
 * changed, added or removed, or the object was sealed under another name or data key.
 */
export function openObject(sealed: Uint8Array, options: OpenObjectOptions): Buffer {
  const header = parseObjectHeader(sealed);
  checkHeaderKey(header, options.dataKey);
  const aead = objectAead(header, options.dataKey.key);
  const ad = objectAssociatedData(header, options.identity);
  const tagBytes = aeadTagBytes(header.suite);
  const stride = header.segmentBytes + tagBytes;
  const body = sealed.subarray(OBJECT_HEADER_BYTES);
  const segments = Math.max(1, Math.ceil(body.length / stride));
  if (body.length - (segments - 1) * stride < tagBytes) throw integrityError('the object is truncated');
  const out = Buffer.allocUnsafe(body.length - segments * tagBytes);
  let written = 0;
  for (let at = 0, index = 0; ; index++) {
    const final = body.length - at <= stride;
    const end = final ? body.length : at + stride;
    const plain = aead.open(segmentNonce(index, final), body.subarray(at, end - tagBytes), body.subarray(end - tagBytes, end), ad);
    if (plain === undefined) throw integrityError(`segment ${index} does not verify`);
    out.set(plain, written);
    written += plain.length;
    at = end;
    if (final) break;
  }
  return out;
}

export function checkHeaderKey(header: ObjectHeader, dataKey: DataKey): void {
  if (header.dataKeyId !== dataKey.id) throw integrityError(`the header names data key ${header.dataKeyId}, not ${dataKey.id}`);
  if (header.suite !== dataKey.suite) throw integrityError(`the header names suite ${header.suite}, but data key ${dataKey.id} is ${dataKey.suite}`);
}
