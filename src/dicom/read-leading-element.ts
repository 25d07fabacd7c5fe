/**
 * The value of one top-level element from the first bytes of a data set, before the rest has
 * arrived: a C-STORE SCP learns the Study Instance UID, which chooses the data key, from the
 * first P-DATA fragments (PS3.5 7.1: elements in ascending tag order, so the walk stops at the
 * first tag past the one wanted). Values before it are skipped by their lengths, sequences and
 * items of undefined length by their delimiters (PS3.5 7.5), never parsed.
 *
 * This is a look-ahead, not the validation: the whole data set is read by readDataset once it
 * is complete, and a caller checks that both agree. Anything odd here is `unknown`, and the
 * caller then waits for the whole data set.
 */
import type { DatasetEncoding } from './dataset.js';
import { hasLongHeader, VRS, type VR } from './vr.js';

export type LeadingElement =
  | { readonly kind: 'found'; readonly value: Uint8Array }
  /** Not in these bytes yet: more may bring it. */
  | { readonly kind: 'incomplete' }
  /** Passed without it, or the bytes do not walk as a data set. */
  | { readonly kind: 'unknown' };

const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_DELIMITATION = 0xfffee00d;
const SEQUENCE_DELIMITATION = 0xfffee0dd;
const KNOWN_VRS: ReadonlySet<string> = new Set(VRS);
const INCOMPLETE = -1;
const UNKNOWN = -2;

/** The value of top-level element `tag` (not an item or delimiter tag) in `bytes`, a prefix of a data set. */
export function readLeadingElement(bytes: Uint8Array, encoding: DatasetEncoding, tag: number): LeadingElement {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const walker = new Walker(view, encoding);
  for (let at = 0; ; ) {
    const header = walker.header(at);
    if (header === INCOMPLETE) return { kind: 'incomplete' };
    if (header === UNKNOWN || walker.tag > tag) return { kind: 'unknown' };
    const valueStart = at + walker.headerLength;
    if (walker.tag === tag) {
      if (walker.length === UNDEFINED_LENGTH) return { kind: 'unknown' };
      if (valueStart + walker.length > bytes.length) return { kind: 'incomplete' };
      return { kind: 'found', value: bytes.subarray(valueStart, valueStart + walker.length) };
    }
    const next = walker.length === UNDEFINED_LENGTH ? walker.skipUndefined(valueStart, 0) : valueStart + walker.length;
    if (next === INCOMPLETE || next === UNKNOWN) return { kind: next === INCOMPLETE ? 'incomplete' : 'unknown' };
    at = next;
  }
}

/** Nesting deeper than this is left to the real reader. */
const MAX_DEPTH = 32;

class Walker {
  tag = 0;
  length = 0;
  headerLength = 0;

  constructor(private readonly view: DataView, private readonly encoding: DatasetEncoding) {}

  /** Reads the element header at `at` into tag, length and headerLength; INCOMPLETE, UNKNOWN or 0. */
  header(at: number): number {
    const little = this.encoding.littleEndian;
    if (at + 8 > this.view.byteLength) return INCOMPLETE;
    this.tag = ((this.view.getUint16(at, little) << 16) | this.view.getUint16(at + 2, little)) >>> 0;
    // Items and delimiters have no VR in any encoding (PS3.5 7.5).
    if (!this.encoding.explicitVR || this.tag >>> 16 === 0xfffe) {
      this.length = this.view.getUint32(at + 4, little);
      this.headerLength = 8;
      return 0;
    }
    const vr = String.fromCharCode(this.view.getUint8(at + 4), this.view.getUint8(at + 5));
    if (!KNOWN_VRS.has(vr)) return UNKNOWN;
    if (hasLongHeader(vr as VR)) {
      if (at + 12 > this.view.byteLength) return INCOMPLETE;
      this.length = this.view.getUint32(at + 8, little);
      this.headerLength = 12;
    } else {
      this.length = this.view.getUint16(at + 6, little);
      this.headerLength = 8;
    }
    return 0;
  }

  /** The offset after a value of undefined length starting at `at`: items up to the sequence delimiter. */
  skipUndefined(start: number, depth: number): number {
    if (depth > MAX_DEPTH) return UNKNOWN;
    for (let at = start; ; ) {
      const header = this.header(at);
      if (header !== 0) return header;
      if (this.tag === SEQUENCE_DELIMITATION) return at + 8;
      if (this.tag !== ITEM) return UNKNOWN;
      const bodyStart = at + 8;
      if (this.length !== UNDEFINED_LENGTH) {
        at = bodyStart + this.length;
        continue;
      }
      const end = this.skipItemElements(bodyStart, depth + 1);
      if (end < 0) return end;
      at = end;
    }
  }

  /** The offset after the item delimiter that ends the elements of an item of undefined length. */
  private skipItemElements(start: number, depth: number): number {
    for (let at = start; ; ) {
      const header = this.header(at);
      if (header !== 0) return header;
      if (this.tag === ITEM_DELIMITATION) return at + 8;
      const valueStart = at + this.headerLength;
      const next = this.length === UNDEFINED_LENGTH ? this.skipUndefined(valueStart, depth) : valueStart + this.length;
      if (next < 0) return next;
      at = next;
    }
  }
}
