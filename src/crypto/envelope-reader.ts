/**
 * Opening a sealed object (envelope-format.ts) one segment at a time from reads at given
 * offsets, as a file or a ranged GET allows. envelope-object.ts opens an object held whole in
 * memory and envelope-stream.ts one that arrives as a stream; this one reads each segment
 * straight into a buffer it is given, so that nothing is copied or gathered before decryption
 * and the buffer can serve the next read.
 *
 * The layout follows from the sealed size alone: segment i starts at 44 + i * (segment size +
 * tag size), and the last segment is the one that reaches the end. A segment's plaintext is
 * returned only once its tag verified; the object is whole only when every segment did, since
 * the last one's nonce marks it final (a cut at a segment boundary fails there).
 */
import { internalError } from '../errors.js';
import { aeadTagBytes, type Aead } from './aead.js';
import type { DataKey } from './envelope.js';
import { checkHeaderKey } from './envelope-object.js';
import {
  OBJECT_HEADER_BYTES,
  integrityError,
  objectAead,
  objectAssociatedData,
  parseObjectHeader,
  segmentNonce,
  type ObjectHeader,
} from './envelope-format.js';

/** Where the sealed bytes are read from (a BlobReader of src/storage fits). */
export interface SealedSource {
  /** Bytes of the sealed object. */
  readonly size: number;
  /** Reads into `into` from byte `position`; resolves with the count read, less than asked only at the end. */
  read(into: Uint8Array, position: number): Promise<number>;
}

export interface SealedReaderOptions {
  /** The name the object is stored under; it was sealed under that name or it fails. */
  readonly identity: string;
  /** The data key named by the header; may throw (a destroyed key, a wrong master key). */
  readonly resolveKey: (header: ObjectHeader) => Promise<DataKey> | DataKey;
}

export class SealedObjectReader {
  readonly #source: SealedSource;
  readonly #aead: Aead;
  readonly #associatedData: Uint8Array;
  readonly #tagBytes: number;
  readonly #stride: number;
  /** How many segments the object has (at least one). */
  readonly segments: number;
  /** Bytes of plaintext the object holds if every segment verifies. */
  readonly plaintextBytes: number;
  /** The most bytes one segment takes as stored: what a buffer given to segment() needs. */
  readonly maxSegmentBytes: number;

  private constructor(source: SealedSource, header: ObjectHeader, dataKey: DataKey, identity: string) {
    this.#source = source;
    this.#aead = objectAead(header, dataKey.key);
    this.#associatedData = objectAssociatedData(header, identity);
    this.#tagBytes = aeadTagBytes(header.suite);
    this.#stride = header.segmentBytes + this.#tagBytes;
    const body = source.size - OBJECT_HEADER_BYTES;
    this.segments = Math.max(1, Math.ceil(body / this.#stride));
    if (body - (this.segments - 1) * this.#stride < this.#tagBytes) throw integrityError('the object is truncated');
    this.plaintextBytes = body - this.segments * this.#tagBytes;
    this.maxSegmentBytes = Math.min(this.#stride, body);
  }

  /** Reads and checks the header, and resolves its data key. */
  static async open(source: SealedSource, options: SealedReaderOptions): Promise<SealedObjectReader> {
    const headerBytes = new Uint8Array(OBJECT_HEADER_BYTES);
    return (await SealedObjectReader.#open(source, options, headerBytes)).reader;
  }

  /**
   * Opens the object and returns its first segment's plaintext too, reading the header and that
   * segment in one read when `scratch` holds both (one read fewer for every object).
   */
  static async openWithFirstSegment(source: SealedSource, options: SealedReaderOptions, scratch: Uint8Array): Promise<{ reader: SealedObjectReader; first: Buffer }> {
    const { reader, prefix } = await SealedObjectReader.#open(source, options, scratch);
    const end = OBJECT_HEADER_BYTES + reader.#segmentLength(0);
    if (end <= prefix.length) return { reader, first: reader.#openSegment(0, prefix.subarray(OBJECT_HEADER_BYTES, end)) };
    const first = await reader.segment(0, scratch.length >= reader.maxSegmentBytes ? scratch : new Uint8Array(reader.maxSegmentBytes));
    return { reader, first };
  }

  /** Reads the first `min(size, into.length)` bytes into `into`, checks the header among them, resolves its key. */
  static async #open(source: SealedSource, options: SealedReaderOptions, into: Uint8Array): Promise<{ reader: SealedObjectReader; prefix: Uint8Array }> {
    if (source.size < OBJECT_HEADER_BYTES) throw integrityError(`${source.size} bytes are shorter than the ${OBJECT_HEADER_BYTES}-byte header`);
    const prefix = into.subarray(0, Math.min(source.size, into.length));
    await readExactly(source, prefix, 0);
    const header = parseObjectHeader(prefix);
    const dataKey = await options.resolveKey(header);
    checkHeaderKey(header, dataKey);
    return { reader: new SealedObjectReader(source, header, dataKey, options.identity), prefix };
  }

  /**
   * The plaintext of segment `index`, read into `scratch` (at least maxSegmentBytes long, free
   * again once this resolves), or an integrity error.
   */
  async segment(index: number, scratch: Uint8Array): Promise<Buffer> {
    const length = this.#segmentLength(index);
    if (scratch.length < length) throw internalError(`a scratch buffer of ${scratch.length} bytes cannot hold segment ${index} (${length} bytes)`);
    const sealed = scratch.subarray(0, length);
    await readExactly(this.#source, sealed, OBJECT_HEADER_BYTES + index * this.#stride);
    return this.#openSegment(index, sealed);
  }

  /** Bytes segment `index` takes as stored, tag included. */
  #segmentLength(index: number): number {
    return index === this.segments - 1 ? this.#source.size - OBJECT_HEADER_BYTES - index * this.#stride : this.#stride;
  }

  #openSegment(index: number, sealed: Uint8Array): Buffer {
    const tagAt = sealed.length - this.#tagBytes;
    const plain = this.#aead.open(segmentNonce(index, index === this.segments - 1), sealed.subarray(0, tagAt), sealed.subarray(tagAt), this.#associatedData);
    if (plain === undefined) throw integrityError(`segment ${index} does not verify`);
    return plain;
  }
}

async function readExactly(source: SealedSource, into: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < into.length; ) {
    const count = await source.read(into.subarray(done), position + done);
    if (count === 0) throw integrityError(`the object ended at byte ${position + done} while it was read`);
    done += count;
  }
}
