import type { Dataset } from './dataset.js';
import type { VR } from './vr.js';

/** Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table item's value, then each fragment's value. */
export interface Fragments {
  readonly offsetTable: Uint8Array;
  readonly fragments: readonly Uint8Array[];
}

/**
 * One data element, read raw as pydicom and dicomParser do: values are views into the buffer
 * they were read from (never copies) and are decoded only when asked (see `values.ts`).
 *
 * Exactly one of `value`, `items` and `fragments` is set, by kind: `items` for SQ,
 * `fragments` for encapsulated Pixel Data, `value` for everything else (possibly empty).
 * A UN element of undefined length also has `items` (and keeps VR UN): its value is a
 * sequence whose items are implicit VR little endian (PS3.5 6.2.2).
 */
export interface DataElement {
  readonly tag: number;
  readonly vr: VR;
  /** The value bytes in the byte order of the dataset it was read from (`Dataset.encoding`). */
  readonly value?: Uint8Array;
  readonly items?: Dataset[];
  readonly fragments?: Fragments;
  /**
   * The exact encoded bytes of the element as read (header, value, item and sequence
   * delimiters). The writer copies these unchanged when the element and everything inside it
   * are unchanged and the encoding matches, so untouched elements round-trip byte-identically.
   */
  readonly source?: Uint8Array;
  /** Whether the element was (and, when re-encoded, will be) written with undefined length. */
  readonly undefinedLength?: boolean;
}

export function valueElement(tag: number, vr: VR, value: Uint8Array): DataElement {
  return { tag, vr, value };
}

export function sequenceElement(tag: number, items: Dataset[]): DataElement {
  return { tag, vr: 'SQ', items };
}
