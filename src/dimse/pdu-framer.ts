/**
 * Cuts a TCP byte stream into PDUs: type (1), reserved (1), length (4, big endian), body
 * (PS3.8 9.3.1). The header is checked as soon as its 6 bytes are there, so an unknown type
 * or a length above the limit is refused before any of its body is buffered: at most one
 * PDU of at most the limit is ever held. A body comes out as views of the received chunks it
 * lies in, never copied (a P-DATA-TF of 128 KiB spans two or three 64 KiB socket reads).
 */
import { AbortReason, PDU_HEADER_LENGTH, PduType } from './pdu.js';
import { PduError } from './pdu-error.js';

export interface PduFrame {
  readonly type: number;
  /** The body as consecutive views of the received chunks; one part when it lay in one chunk. */
  readonly parts: readonly Uint8Array[];
}

/** The body of a frame as one array: the part itself, or (for a body split across reads) a copy. */
export function frameBody(frame: PduFrame): Uint8Array {
  return frame.parts.length === 1 ? frame.parts[0]! : Buffer.concat(frame.parts);
}

export interface PduFramerLimits {
  /** Largest P-DATA-TF body accepted: the Maximum Length Received we announced (PS3.8 D.1). */
  readonly maxPDataLength: number;
  /** Largest body of any other PDU (an A-ASSOCIATE-RQ with many presentation contexts is the big one). */
  readonly maxOtherLength: number;
}

export class PduFramer {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Header of the PDU whose body is awaited. */
  private pending: { type: number; length: number } | undefined;

  constructor(private limits: PduFramerLimits) {}

  /** The P-DATA-TF limit changes once an association states its maximum length. */
  setLimits(limits: PduFramerLimits): void {
    this.limits = limits;
  }

  /** Bytes buffered that do not yet form a whole PDU; non-zero when the peer stops mid-PDU. */
  get bufferedLength(): number {
    return this.buffered + (this.pending === undefined ? 0 : PDU_HEADER_LENGTH);
  }

  /** Adds received bytes; returns the PDUs they complete, in order. Throws PduError on a bad header. */
  push(chunk: Uint8Array): PduFrame[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: PduFrame[] = [];
    for (;;) {
      if (this.pending === undefined) {
        if (this.buffered < PDU_HEADER_LENGTH) break;
        const header = joined(this.take(PDU_HEADER_LENGTH));
        const type = header[0]!;
        const length = ((header[2]! << 24) >>> 0) + (header[3]! << 16) + (header[4]! << 8) + header[5]!;
        this.checkHeader(type, length);
        this.pending = { type, length };
      }
      if (this.buffered < this.pending.length) break;
      frames.push({ type: this.pending.type, parts: this.take(this.pending.length) });
      this.pending = undefined;
    }
    return frames;
  }

  private checkHeader(type: number, length: number): void {
    if (type < PduType.AAssociateRQ || type > PduType.AAbort) {
      throw new PduError(`unknown PDU type 0x${type.toString(16).padStart(2, '0')}`, AbortReason.UnrecognizedPdu);
    }
    const limit = type === PduType.PDataTF ? this.limits.maxPDataLength : this.limits.maxOtherLength;
    if (length > limit) {
      throw new PduError(`a PDU of type ${type} declares ${length} bytes, more than the ${limit} accepted`, AbortReason.InvalidPduParameterValue);
    }
  }

  /** Removes the first `length` buffered bytes, as views of the chunks they lie in. */
  private take(length: number): Uint8Array[] {
    this.buffered -= length;
    const out: Uint8Array[] = [];
    let left = length;
    while (left > 0) {
      const chunk = this.chunks[0]!;
      if (chunk.length <= left) {
        out.push(chunk);
        this.chunks.shift();
        left -= chunk.length;
      } else {
        out.push(chunk.subarray(0, left));
        this.chunks[0] = chunk.subarray(left);
        left = 0;
      }
    }
    return out;
  }
}

function joined(parts: readonly Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
