/**
 * When the writer may copy an element's or item's `source` bytes instead of encoding it.
 *
 * `source` is trusted only after checking that it still describes the element: same buffer
 * as the value views, the value exactly where the header puts it, the same tag, VR and
 * declared length, items and fragments contiguous and complete. An element rebuilt with
 * `{ ...old, value: other }` or an items array edited in place fails these checks and is
 * re-encoded, so a changed value can never leave as its old bytes. Odd lengths and
 * unordered or duplicate tags inside an item also fail, so what the reader tolerated is
 * repaired on write.
 */
import { type DatasetEncoding, type Dataset, IMPLICIT_LITTLE } from './dataset.js';
import type { DataElement } from './element.js';
import { ITEM, ITEM_DELIMITATION, SEQUENCE_DELIMITATION } from './tag.js';
import { hasLongHeader } from './vr.js';

const UNDEFINED_LENGTH = 0xffffffff;

export function sameEncoding(a: DatasetEncoding, b: DatasetEncoding): boolean {
  return a.explicitVR === b.explicitVR && a.littleEndian === b.littleEndian;
}

/** The encoding of the dataset holding an element, and the encoding it is being written in. */
export interface Recoding {
  readonly from: DatasetEncoding;
  readonly to: DatasetEncoding;
}

/** Whether `element`, held by a dataset encoded with `from`, may be written to `to` as its `source`. */
export function canReuseElement(element: DataElement, recoding: Recoding): boolean {
  const { from, to } = recoding;
  const source = element.source;
  if (source === undefined || source.length < 8 || !sameEncoding(from, to)) return false;
  const little = to.littleEndian;
  if (readTag(source, 0, little) !== element.tag) return false;
  let header = 8;
  let declared: number;
  if (to.explicitVR) {
    if (source[4] !== element.vr.charCodeAt(0) || source[5] !== element.vr.charCodeAt(1)) return false;
    if (hasLongHeader(element.vr)) {
      if (source.length < 12 || source[6] !== 0 || source[7] !== 0) return false;
      header = 12;
      declared = readUint32(source, 8, little);
    } else {
      declared = readUint16(source, 6, little);
    }
  } else {
    declared = readUint32(source, 4, little);
  }
  const start = source.byteOffset + header;
  const end = source.byteOffset + source.length;

  if (element.items !== undefined) {
    if ((declared === UNDEFINED_LENGTH) !== (element.undefinedLength === true)) return false;
    const itemEncoding = element.vr === 'UN' ? IMPLICIT_LITTLE : to;
    let at = start;
    for (const item of element.items) {
      const itemSource = item.source;
      if (itemSource === undefined || itemSource.buffer !== source.buffer || itemSource.byteOffset !== at) return false;
      if (!canReuseItem(item, itemEncoding)) return false;
      at += itemSource.length;
    }
    if (element.undefinedLength) {
      return at + 8 === end && readTag(source, at - source.byteOffset, itemEncoding.littleEndian) === SEQUENCE_DELIMITATION;
    }
    return at === end && declared === end - start;
  }

  if (element.fragments !== undefined) {
    if (declared !== UNDEFINED_LENGTH || !to.explicitVR || !little) return false;
    let at = start;
    for (const fragment of [element.fragments.offsetTable, ...element.fragments.fragments]) {
      const itemAt = at - source.byteOffset;
      if (itemAt + 8 > source.length || readTag(source, itemAt, little) !== ITEM) return false;
      if (readUint32(source, itemAt + 4, little) !== fragment.length || fragment.length % 2 !== 0) return false;
      if (fragment.buffer !== source.buffer || fragment.byteOffset !== at + 8) return false;
      at += 8 + fragment.length;
    }
    return at + 8 === end && readTag(source, at - source.byteOffset, little) === SEQUENCE_DELIMITATION;
  }

  const value = element.value;
  if (value === undefined || value.length === 0) return declared === 0 && end === start;
  return value.length % 2 === 0 && declared === value.length && value.buffer === source.buffer && value.byteOffset === start && value.length === end - start;
}

/** Whether a sequence item may be written to `to` as its `source`: unmodified, and every element in order and reusable. */
export function canReuseItem(item: Dataset, to: DatasetEncoding): boolean {
  const source = item.source;
  if (item.modified || source === undefined || source.length < 8 || !sameEncoding(item.encoding, to)) return false;
  const little = to.littleEndian;
  if (readTag(source, 0, little) !== ITEM) return false;
  const declared = readUint32(source, 4, little);
  let end = source.byteOffset + source.length;
  if (item.undefinedLength) {
    if (declared !== UNDEFINED_LENGTH || source.length < 16) return false;
    if (readTag(source, source.length - 8, little) !== ITEM_DELIMITATION) return false;
    end -= 8;
  } else if (declared !== source.length - 8) {
    return false;
  }
  let at = source.byteOffset + 8;
  for (const tag of item.tags()) {
    const element = item.get(tag)!;
    const elementSource = element.source;
    if (elementSource === undefined || elementSource.buffer !== source.buffer || elementSource.byteOffset !== at) return false;
    if (!canReuseElement(element, { from: item.encoding, to })) return false;
    at += elementSource.length;
  }
  return at === end;
}

function readUint16(bytes: Uint8Array, at: number, little: boolean): number {
  return little ? bytes[at]! | (bytes[at + 1]! << 8) : (bytes[at]! << 8) | bytes[at + 1]!;
}

function readUint32(bytes: Uint8Array, at: number, little: boolean): number {
  return little
    ? (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
    : ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function readTag(bytes: Uint8Array, at: number, little: boolean): number {
  return ((readUint16(bytes, at, little) << 16) | readUint16(bytes, at + 2, little)) >>> 0;
}
