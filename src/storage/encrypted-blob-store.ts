/**
 * Encryption at rest (issue 4, ingest; acceptance 6): a BlobStore whose objects are sealed
 * under their scope's data key (src/crypto/envelope*.ts) before they reach the adapter, and
 * verified whole before any byte is returned.
 *
 * It lives in storage/ rather than gateway/ because it is itself a store, the one every use
 * case is handed: a use case that stores an object cannot forget to encrypt it, and none of
 * them repeats the key handling. It decides nothing: which scope an object belongs to, and
 * when a scope is destroyed, are the gateway's decisions.
 *
 * Every failure to read is a MedVeilError naming the object key (keys hold no PHI, see
 * blob-store.ts): 'storage' with "integrity check failed" for changed, cut, extended or moved
 * bytes (including a changed wrapped data key); 'storage' with "destroyed" for an object whose
 * data key was destroyed; 'key' when the data key was wrapped by another master key.
 *
 * Unwrapped data keys are kept in a small cache, so that reading many objects of one study does
 * not unwrap its key each time. The key store is still asked on every read and put: the cache
 * answers only for a key the store holds live with the very wrapped bytes it was unwrapped
 * from, so a key destroyed (by this process or another sharing the key store), changed or
 * rewrapped is never served from it.
 */
import { randomBytes } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { generateDataKey, unwrapDataKey, wrapDataKey, type DataKey, type RandomSource, type WrappingMasterKey } from '../crypto/envelope.js';
import { DEFAULT_SEGMENT_LOG2, OBJECT_HEADER_BYTES, type ObjectHeader } from '../crypto/envelope-format.js';
import { sealObject } from '../crypto/envelope-object.js';
import { SealedObjectReader } from '../crypto/envelope-reader.js';
import { createOpenStream, createSealStream } from '../crypto/envelope-stream.js';
import type { CryptoSuite } from '../crypto/suite.js';
import { MedVeilError } from '../errors.js';
import { checkBlobKey, type BlobBody, type BlobKey, type BlobReader, type BlobStore } from './blob-store.js';
import type { DataKeyStore, StoredDataKey } from './data-key-store.js';

export interface EncryptedBlobStoreOptions {
  /** Where the sealed bytes go. */
  readonly blobs: BlobStore;
  readonly keys: DataKeyStore;
  readonly master: WrappingMasterKey;
  /** The suite of new data keys; a scope keeps the suite of the key it has. */
  readonly suite: CryptoSuite;
  /** log2 of the segment size of new objects (envelope-format.ts); default 20 (1 MiB). */
  readonly segmentLog2?: number;
  readonly random?: RandomSource;
  /** How many unwrapped data keys to keep (least recently used dropped first); default 1024. */
  readonly cachedDataKeys?: number;
}

/** An unwrapped data key with what it was unwrapped from, which must still hold to reuse it. */
interface CachedDataKey {
  readonly scope: string;
  readonly wrapped: Uint8Array;
  readonly dataKey: DataKey;
}

const DEFAULT_CACHED_DATA_KEYS = 1024;

export class EncryptedBlobStore {
  readonly #blobs: BlobStore;
  readonly #keys: DataKeyStore;
  readonly #master: WrappingMasterKey;
  readonly #suite: CryptoSuite;
  readonly #segmentLog2: number | undefined;
  readonly #random: RandomSource;
  /** By data key id; a Map iterates in insertion order, so the first entry is the least recently used. */
  readonly #unwrapped = new Map<string, CachedDataKey>();
  readonly #cachedDataKeys: number;
  readonly #scratch = new ScratchBuffers();

  constructor(options: EncryptedBlobStoreOptions) {
    this.#blobs = options.blobs;
    this.#keys = options.keys;
    this.#master = options.master;
    this.#suite = options.suite;
    this.#segmentLog2 = options.segmentLog2;
    this.#random = options.random ?? randomBytes;
    this.#cachedDataKeys = options.cachedDataKeys ?? DEFAULT_CACHED_DATA_KEYS;
  }

  /** Seals `body` under the data key of `scope` (created on first use) and stores it as `key`. */
  async put(key: BlobKey, body: BlobBody, scope: string): Promise<void> {
    checkBlobKey(key);
    const dataKey = await this.#dataKeyFor(scope);
    const options = { dataKey, identity: key, random: this.#random, ...(this.#segmentLog2 === undefined ? {} : { segmentLog2: this.#segmentLog2 }) };
    if (body instanceof Uint8Array) {
      await this.#blobs.put(key, sealObject(body, options));
      return;
    }
    // pipeline() destroys both streams on an error of either, and the store sees it as its body failing.
    const sealed = pipeline(Readable.from(body), createSealStream(options), () => undefined);
    await this.#blobs.put(key, sealed);
  }

  /** The object's plaintext after checking all of it, or undefined if there is none. */
  async get(key: BlobKey): Promise<Buffer | undefined> {
    const source = await this.#blobs.openReader(key);
    if (source === undefined) return undefined;
    try {
      const { reader, first } = await this.#openWithFirstSegment(key, source);
      if (reader.segments === 1) return first;
      const plaintext = Buffer.allocUnsafe(reader.plaintextBytes);
      plaintext.set(first, 0);
      for (let index = 1, at = first.length; index < reader.segments; index++) {
        const segment = await this.#segment(reader, index);
        plaintext.set(segment, at);
        at += segment.length;
      }
      return plaintext;
    } catch (error) {
      throw readError(key, error);
    } finally {
      await source.close();
    }
  }

  /**
   * The object's plaintext as a stream, or undefined if there is none. Each segment is checked
   * before it is passed on, but only the end of the stream proves the object whole: a consumer
   * must treat a stream error as the failure of the whole object (abort a response, discard a file).
   */
  async stream(key: BlobKey): Promise<Readable | undefined> {
    const sealed = await this.#blobs.stream(key);
    if (sealed === undefined) return undefined;
    const opening = createOpenStream({
      identity: key,
      resolveKey: (header) => this.#dataKeyOf(key, header),
      mapError: (error) => readError(key, error),
    });
    return pipeline(sealed, opening, () => undefined);
  }

  /**
   * The object's plaintext as a stream of its segments, read one at a time straight from the
   * store, with its length; undefined if there is none. The first segment has verified before
   * this resolves, so what can be known before a byte is passed on (a missing, destroyed or
   * foreign data key, a changed header, a damaged first segment; for an object of one segment,
   * any damage at all) rejects here, while the caller can still answer with an error. A later
   * segment that fails ends the stream with the error: the consumer must treat it as the failure
   * of the whole object. A consumer that does not read the stream to its end must destroy it.
   */
  async open(key: BlobKey): Promise<OpenedBlob | undefined> {
    const source = await this.#blobs.openReader(key);
    if (source === undefined) return undefined;
    let reader: SealedObjectReader;
    let first: Buffer;
    try {
      ({ reader, first } = await this.#openWithFirstSegment(key, source));
    } catch (error) {
      await source.close().catch(() => undefined);
      throw readError(key, error);
    }
    const stream = new SegmentStream({
      first,
      segments: reader.segments,
      read: (index) => this.#segment(reader, index),
      close: () => source.close(),
      mapError: (error) => readError(key, error),
    });
    return { size: reader.plaintextBytes, stream };
  }

  has(key: BlobKey): Promise<boolean> {
    return this.#blobs.has(key);
  }

  /** Removes one object. Destroying a scope's key (below) is what makes all its copies unreadable. */
  delete(key: BlobKey): Promise<boolean> {
    return this.#blobs.delete(key);
  }

  /**
   * Destroys the data key of `scope`: every object sealed under it becomes unreadable, here and
   * in any copy. Returns the destroyed key's id (for the purge's audit event), or undefined if
   * the scope had no key. A later put for the scope starts a new key.
   */
  async destroyScopeKey(scope: string): Promise<string | undefined> {
    const stored = await this.#keys.forScope(scope);
    if (stored === undefined) return undefined;
    await this.#keys.destroy(stored.id);
    this.#unwrapped.delete(stored.id);
    return stored.id;
  }

  /** Opens a sealed object with its first segment, read with the header through a scratch buffer. */
  async #openWithFirstSegment(key: BlobKey, source: BlobReader): Promise<{ reader: SealedObjectReader; first: Buffer }> {
    const scratch = this.#scratch.take(SCRATCH_BYTES);
    try {
      return await SealedObjectReader.openWithFirstSegment(source, { identity: key, resolveKey: (header) => this.#dataKeyOf(key, header) }, scratch);
    } finally {
      this.#scratch.give(scratch);
    }
  }

  /** One verified segment, read through a scratch buffer that is free again once it resolves. */
  async #segment(reader: SealedObjectReader, index: number): Promise<Buffer> {
    const scratch = this.#scratch.take(reader.maxSegmentBytes);
    try {
      return await reader.segment(index, scratch);
    } finally {
      this.#scratch.give(scratch);
    }
  }

  async #dataKeyFor(scope: string): Promise<DataKey> {
    const existing = await this.#keys.forScope(scope);
    if (existing !== undefined) return this.#unwrap(existing);
    const fresh = generateDataKey(this.#suite, this.#random);
    const stored = await this.#keys.addIfAbsent({ id: fresh.id, scope, wrapped: wrapDataKey(fresh, this.#master, scope, { random: this.#random }) });
    if (stored.id !== fresh.id) return this.#unwrap(stored);
    this.#remember({ scope, wrapped: stored.wrapped, dataKey: fresh });
    return fresh;
  }

  async #dataKeyOf(key: BlobKey, header: ObjectHeader): Promise<DataKey> {
    const record = await this.#keys.lookup(header.dataKeyId);
    if (record === undefined) throw new MedVeilError('crypto', `integrity check failed: the header names data key ${header.dataKeyId}, which this key store never held`);
    if (record.state === 'destroyed') {
      throw new MedVeilError('storage', `object ${key} cannot be read: its data key ${record.id} was destroyed at ${new Date(record.destroyedAt).toISOString()}`, {
        hint: 'the object was purged; it can only be stored again from its source',
      });
    }
    return this.#unwrap(record.key);
  }

  /** The data key inside a live stored key, from the cache when it was unwrapped from these very bytes. */
  #unwrap(stored: StoredDataKey): DataKey {
    const cached = this.#unwrapped.get(stored.id);
    if (cached !== undefined && cached.scope === stored.scope && equalBytes(cached.wrapped, stored.wrapped)) {
      this.#unwrapped.delete(stored.id);
      this.#unwrapped.set(stored.id, cached);
      return cached.dataKey;
    }
    const dataKey = unwrapDataKey(stored.wrapped, this.#master, stored.scope);
    this.#remember({ scope: stored.scope, wrapped: stored.wrapped, dataKey });
    return dataKey;
  }

  #remember(entry: CachedDataKey): void {
    if (this.#cachedDataKeys < 1) return;
    this.#unwrapped.delete(entry.dataKey.id);
    this.#unwrapped.set(entry.dataKey.id, entry);
    while (this.#unwrapped.size > this.#cachedDataKeys) this.#unwrapped.delete(this.#unwrapped.keys().next().value!);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/** An object opened for streaming: its plaintext length, and the plaintext as each segment verifies. */
export interface OpenedBlob {
  readonly size: number;
  readonly stream: Readable;
}

interface SegmentSource {
  /** Segment 0, verified already. */
  readonly first: Buffer;
  readonly segments: number;
  readonly read: (index: number) => Promise<Buffer>;
  readonly close: () => Promise<void>;
  readonly mapError: (error: unknown) => Error;
}

/**
 * The segments of an opened object, one read at a time as the consumer asks. Destroying it
 * (or its end) closes the object once a read in flight has settled, so that the descriptor is
 * never closed under a read.
 */
class SegmentStream extends Readable {
  readonly #source: SegmentSource;
  #next = 0;
  #reading: Promise<void> | undefined;

  constructor(source: SegmentSource) {
    super();
    this.#source = source;
  }

  override _read(): void {
    const index = this.#next++;
    const last = index === this.#source.segments - 1;
    if (index === 0) {
      this.push(this.#source.first);
      if (last) this.push(null);
      return;
    }
    this.#reading = this.#source.read(index).then(
      (plaintext) => {
        this.#reading = undefined;
        if (this.destroyed) return;
        this.push(plaintext);
        if (last) this.push(null);
      },
      (error: unknown) => {
        this.#reading = undefined;
        this.destroy(this.#source.mapError(error));
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    void (this.#reading ?? Promise.resolve())
      .then(() => this.#source.close())
      .then(
        () => callback(error),
        (closeError: unknown) => callback(error ?? (closeError as Error)),
      );
  }
}

/**
 * Buffers that sealed segments are read into, kept for the next read: each is busy only from a
 * read to the decryption that follows it, and holds ciphertext only. Reusing them spares the
 * allocation (and the page faults) of a segment-sized buffer per read.
 */
class ScratchBuffers {
  readonly #free: Buffer[] = [];

  take(bytes: number): Buffer {
    const buffer = this.#free.pop();
    return buffer !== undefined && buffer.length >= bytes ? buffer : Buffer.allocUnsafeSlow(Math.max(bytes, SCRATCH_BYTES));
  }

  give(buffer: Buffer): void {
    if (this.#free.length < MAX_FREE_SCRATCH_BUFFERS) this.#free.push(buffer);
  }
}

/** Large enough for the header and a segment of the default size under either suite (envelope-format.ts). */
const SCRATCH_BYTES = OBJECT_HEADER_BYTES + 2 ** DEFAULT_SEGMENT_LOG2 + 32;
const MAX_FREE_SCRATCH_BUFFERS = 16;

/** Integrity failures of the crypto core become storage errors naming the object; the rest pass as they are. */
function readError(key: BlobKey, error: unknown): Error {
  if (error instanceof MedVeilError && error.code === 'crypto' && error.message.startsWith('integrity check failed')) {
    return new MedVeilError('storage', `object ${key}: ${error.message}`, {
      cause: error,
      hint: 'the stored bytes were changed, cut short or moved from another object; restore the object from a backup or its source',
    });
  }
  return error instanceof Error ? error : new MedVeilError('internal', String(error));
}
