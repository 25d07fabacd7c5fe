/**
 * Sealing and opening objects as streams, in the format of envelope-format.ts, one segment
 * at a time, so that memory stays at about two segments whatever the object's size.
 *
 * The opening stream releases a segment's plaintext only after its tag verified, but an object
 * is whole only when the stream ends without error: a later segment, or the end itself (a
 * truncated object), can still fail. A consumer that forwards plaintext as it comes (an HTTP
 * response) must treat a stream error as the failure of the whole object and abort.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { aeadTagBytes, type Aead } from './aead.js';
import type { DataKey } from './envelope.js';
import { checkHeaderKey, newObjectHeader, type SealObjectOptions } from './envelope-object.js';
import {
  OBJECT_HEADER_BYTES,
  integrityError,
  objectAead,
  objectAssociatedData,
  parseObjectHeader,
  segmentNonce,
  type ObjectHeader,
} from './envelope-format.js';

export interface OpenStreamOptions {
  readonly identity: string;
  /** The data key named by the header; may throw (a destroyed key, a wrong master key). */
  readonly resolveKey: (header: ObjectHeader) => Promise<DataKey> | DataKey;
  /** Turns every error of the stream into the one the consumer should see. */
  readonly mapError?: (error: unknown) => Error;
}

/** A Transform from plaintext bytes to the sealed object. */
export function createSealStream(options: SealObjectOptions): Transform {
  const header = newObjectHeader(options);
  const aead = objectAead(header, options.dataKey.key);
  const ad = objectAssociatedData(header, options.identity);
  const pending = new ByteQueue();
  let index = 0;
  const sealSegment = (stream: Transform, final: boolean) => {
    const { ciphertext, tag } = aead.seal(segmentNonce(index++, final), pending.take(final ? pending.length : header.segmentBytes), ad);
    stream.push(ciphertext);
    stream.push(tag);
  };
  let started = false;
  const start = (stream: Transform) => {
    if (!started) stream.push(Buffer.from(header.bytes));
    started = true;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        start(this);
        pending.push(chunk);
        // A full segment is sealed only once more bytes follow it: until then it may be the last.
        while (pending.length > header.segmentBytes) sealSegment(this, false);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        start(this);
        sealSegment(this, true);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/** A Transform from a sealed object to its plaintext, failing with an integrity error. */
export function createOpenStream(options: OpenStreamOptions): Transform {
  const mapError = options.mapError ?? ((error: unknown) => error as Error);
  const pending = new ByteQueue();
  let opened: { header: ObjectHeader; aead: Aead; ad: Uint8Array; tagBytes: number; stride: number } | undefined;
  let index = 0;
  const openSegment = (stream: Transform, bytes: Buffer, final: boolean) => {
    const { aead, ad, tagBytes } = opened!;
    const plain = aead.open(segmentNonce(index, final), bytes.subarray(0, bytes.length - tagBytes), bytes.subarray(bytes.length - tagBytes), ad);
    if (plain === undefined) throw integrityError(`segment ${index} does not verify`);
    index++;
    if (plain.length > 0) stream.push(plain);
  };
  const drain = (stream: Transform) => {
    while (opened !== undefined && pending.length > opened.stride) openSegment(stream, pending.take(opened.stride), false);
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending.push(chunk);
      if (opened !== undefined || pending.length < OBJECT_HEADER_BYTES) {
        try {
          drain(this);
          callback();
        } catch (error) {
          callback(mapError(error));
        }
        return;
      }
      const open = async () => {
        const header = parseObjectHeader(pending.take(OBJECT_HEADER_BYTES));
        const dataKey = await options.resolveKey(header);
        checkHeaderKey(header, dataKey);
        const tagBytes = aeadTagBytes(header.suite);
        opened = { header, aead: objectAead(header, dataKey.key), ad: objectAssociatedData(header, options.identity), tagBytes, stride: header.segmentBytes + tagBytes };
        drain(this);
      };
      open().then(() => callback(), (error: unknown) => callback(mapError(error)));
    },
    flush(callback) {
      try {
        if (opened === undefined) throw integrityError(`${pending.length} bytes are shorter than the ${OBJECT_HEADER_BYTES}-byte header`);
        if (pending.length < opened.tagBytes) throw integrityError('the object is truncated');
        openSegment(this, pending.take(pending.length), true);
        callback();
      } catch (error) {
        callback(mapError(error));
      }
    },
  });
}

/** Bytes waiting to be cut into segments, kept as the chunks they came in until taken. */
class ByteQueue {
  private chunks: Buffer[] = [];
  private offset = 0;
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    this.length += chunk.length;
  }

  take(size: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length - this.offset >= size) {
      const out = first.subarray(this.offset, this.offset + size);
      this.consume(size);
      return out;
    }
    const out = Buffer.allocUnsafe(size);
    let written = 0;
    while (written < size) {
      const chunk = this.chunks[0]!;
      const count = Math.min(size - written, chunk.length - this.offset);
      chunk.copy(out, written, this.offset, this.offset + count);
      written += count;
      this.consume(count);
    }
    return out;
  }

  private consume(size: number): void {
    this.length -= size;
    this.offset += size;
    if (this.offset === this.chunks[0]!.length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }
}
