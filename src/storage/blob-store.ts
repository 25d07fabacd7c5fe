import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { MedVeilError } from '../errors.js';

/**
 * Object storage for whole files (ARCHITECTURE.md, flow 1: "encrypt at rest"): DICOM instances,
 * cached renders, export packages. Adapters: a local folder (adapters/fs-blob-store.ts); an
 * S3-compatible store is the scale-out path. EncryptedBlobStore (encrypted-blob-store.ts) seals
 * every object before it reaches one of these, so an adapter only ever sees ciphertext.
 *
 * Keys are names of our own making, `<namespace>/<hex id>` with one to three hex ids:
 * `instance/3f2a...`. A namespace is 1 to 32 of a-z, 0-9 and "-", starting with a letter; an id
 * is 16 to 128 lowercase hex digits. Neither a UID (it has dots) nor a name fits, so nothing
 * that identifies a patient can become a key, and keys may appear in messages and logs.
 */
export type BlobKey = string;

/** A whole object in memory, or its bytes as they come (a Node Readable is one). */
export type BlobBody = Uint8Array | AsyncIterable<Uint8Array>;

export interface BlobStore {
  /** Stores `body` under `key`, replacing what was there; durable once resolved, never seen half-written. */
  put(key: BlobKey, body: BlobBody): Promise<void>;
  /** The whole object, or undefined if there is none. */
  get(key: BlobKey): Promise<Buffer | undefined>;
  /** The object's bytes as a stream, or undefined if there is none. */
  stream(key: BlobKey): Promise<Readable | undefined>;
  /** The object opened for reads at any offset, or undefined if there is none. The caller closes it. */
  openReader(key: BlobKey): Promise<BlobReader | undefined>;
  has(key: BlobKey): Promise<boolean>;
  /** Removes the object; false if there was none. */
  delete(key: BlobKey): Promise<boolean>;
}

/** One object opened for reading, as it was when opened (a put replaces an object, never changes it). */
export interface BlobReader {
  /** Bytes in the object. */
  readonly size: number;
  /** Reads into `into` from byte `position`; resolves with the count read, less than asked only at the end. */
  read(into: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
}

const BLOB_KEY = /^[a-z][a-z0-9-]{0,31}(?:\/[0-9a-f]{16,128}){1,3}$/;

export function isBlobKey(key: string): boolean {
  return BLOB_KEY.test(key);
}

/**
 * Throws MedVeilError('storage') unless `key` is a blob key. The refused text is not repeated
 * in the message: a caller that got here passed something else, which may be a patient's UID.
 */
export function checkBlobKey(key: string): void {
  if (typeof key !== 'string' || !isBlobKey(key)) {
    throw new MedVeilError('storage', 'refusing an object key that is not of the form <namespace>/<hex id> (a MedVeil bug: keys are made by newBlobKey)');
  }
}

/** A fresh key in `namespace` with a random 128-bit id. */
export function newBlobKey(namespace: string, random: (size: number) => Uint8Array = randomBytes): BlobKey {
  const key = `${namespace}/${Buffer.from(random(16)).toString('hex')}`;
  checkBlobKey(key);
  return key;
}
