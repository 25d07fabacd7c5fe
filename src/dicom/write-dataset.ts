/**
 * The strict data set writer: elements in ascending tag order, even lengths, group lengths
 * recomputed, byte order swapped when it changes. Unchanged elements and items are copied
 * as their `source` bytes (see `write-source-reuse.ts`), so an unchanged data set
 * round-trips byte-identically and bulk values leave as views of the input.
 */
import { type Dataset, type DatasetEncoding, IMPLICIT_LITTLE } from './dataset.js';
import type { DataElement, Fragments } from './element.js';
import { MedVeilError } from '../errors.js';
import { ChunkList } from './write-chunk-list.js';
import { UNDEFINED_LENGTH, elementHeader, itemHeader } from './write-element-header.js';
import { canReuseElement, canReuseItem } from './write-source-reuse.js';
import { swapBytes, valueSwapWidth } from './write-swap-bytes.js';
import { ITEM, ITEM_DELIMITATION, SEQUENCE_DELIMITATION, formatTag } from './tag.js';
import { hasLongHeader, paddingByte } from './vr.js';

/** Largest value a 32-bit length field can state; 0xFFFFFFFF means undefined length. */
const MAX_DEFINED_LENGTH = 0xfffffffe;
/** Largest even value a 16-bit explicit VR length field can state. */
const MAX_SHORT_LENGTH = 0xfffe;
const PAD = [new Uint8Array([0x00]), new Uint8Array([0x20])] as const;

/** Encodes a bare data set (no preamble, no meta), as DIMSE needs; chunks are views where possible. */
export function writeDataset(dataset: Dataset, encoding: DatasetEncoding): Uint8Array[] {
  const out = new ChunkList();
  writeDatasetInto(dataset, encoding, out);
  return out.coalesced();
}

/** Appends the encoding of `dataset` in `to` to `out`. */
export function writeDatasetInto(dataset: Dataset, to: DatasetEncoding, out: ChunkList): void {
  const from = dataset.encoding;
  let groupLength: DataElement | undefined;
  let slot = 0;
  let groupStart = 0;
  // tags() + get() rather than the Dataset iterator: a generator per data set costs more than the loop.
  for (const tag of dataset.tags()) {
    const element = dataset.get(tag)!;
    const group = element.tag >>> 16;
    if (groupLength !== undefined && group !== groupLength.tag >>> 16) {
      fillGroupLength(groupLength, from, to, out, slot, out.byteLength - groupStart);
      groupLength = undefined;
    }
    if ((element.tag & 0xffff) === 0) {
      // Group lengths (PS3.5 7.2) are recomputed from what follows, never trusted.
      groupLength = element;
      slot = out.reserve();
      groupStart = out.byteLength;
      continue;
    }
    writeElement(element, dataset, to, out);
  }
  if (groupLength !== undefined) fillGroupLength(groupLength, from, to, out, slot, out.byteLength - groupStart);
}

function fillGroupLength(element: DataElement, from: DatasetEncoding, to: DatasetEncoding, out: ChunkList, slot: number, length: number): void {
  const value = new Uint8Array(4);
  new DataView(value.buffer).setUint32(0, length, to.littleEndian);
  if (canReuseElement(element, { from, to }) && element.value !== undefined && sameBytes(element.value, value)) {
    out.fill(slot, element.source!, false);
    return;
  }
  const header = elementHeader({ tag: element.tag, vr: 'UL', length: 4 }, to);
  const bytes = new Uint8Array(header.length + 4);
  bytes.set(header);
  bytes.set(value, header.length);
  out.fill(slot, bytes, true);
}

function writeElement(element: DataElement, dataset: Dataset, to: DatasetEncoding, out: ChunkList): void {
  const from = dataset.encoding;
  if (canReuseElement(element, { from, to })) {
    out.pushSource(element.source!);
    return;
  }
  if (element.items !== undefined) {
    writeSequence(element, element.items, to, out);
    return;
  }
  if (element.fragments !== undefined) {
    writeFragments(element, element.fragments, to, out);
    return;
  }
  let vr = element.vr;
  let value = element.value ?? new Uint8Array(0);
  if (from.littleEndian !== to.littleEndian) value = swapBytes(value, valueSwapWidth(element, dataset));
  const odd = value.length % 2;
  const length = value.length + odd;
  if (length > MAX_DEFINED_LENGTH) {
    throw new MedVeilError('dicom-write', `element ${formatTag(element.tag)} holds ${value.length} bytes, more than a 32-bit length can state`);
  }
  if (to.explicitVR && !hasLongHeader(vr) && length > MAX_SHORT_LENGTH) {
    // A 16-bit length field cannot state it; UN, with its 32-bit length, is the VR of a
    // value whose VR cannot be encoded (PS3.5 6.2.2). Readers recover the VR from the dictionary.
    vr = 'UN';
  }
  out.pushEncoded(elementHeader({ tag: element.tag, vr, length }, to));
  out.pushSource(value);
  if (odd === 1) out.pushEncoded(PAD[paddingByte(element.vr) === 0x20 ? 1 : 0]);
}

function writeSequence(element: DataElement, items: readonly Dataset[], to: DatasetEncoding, out: ChunkList): void {
  // PS3.5 6.2.2: the items of a UN of undefined length are implicit VR little endian.
  const itemEncoding = element.vr === 'UN' ? IMPLICIT_LITTLE : to;
  const little = itemEncoding.littleEndian;
  const body = new ChunkList();
  for (const item of items) {
    if (canReuseItem(item, itemEncoding)) {
      body.pushSource(item.source!);
      continue;
    }
    const content = new ChunkList();
    writeDatasetInto(item, itemEncoding, content);
    if (item.undefinedLength || content.byteLength > MAX_DEFINED_LENGTH) {
      body.pushEncoded(itemHeader(ITEM, { length: UNDEFINED_LENGTH, littleEndian: little }));
      body.append(content);
      body.pushEncoded(itemHeader(ITEM_DELIMITATION, { length: 0, littleEndian: little }));
    } else {
      body.pushEncoded(itemHeader(ITEM, { length: content.byteLength, littleEndian: little }));
      body.append(content);
    }
  }
  const vr = element.vr === 'UN' ? 'UN' : 'SQ';
  if (element.vr === 'UN' || element.undefinedLength || body.byteLength > MAX_DEFINED_LENGTH) {
    out.pushEncoded(elementHeader({ tag: element.tag, vr, length: UNDEFINED_LENGTH }, to));
    out.append(body);
    out.pushEncoded(itemHeader(SEQUENCE_DELIMITATION, { length: 0, littleEndian: little }));
  } else {
    out.pushEncoded(elementHeader({ tag: element.tag, vr, length: body.byteLength }, to));
    out.append(body);
  }
}

/** Encapsulated Pixel Data (PS3.5 A.4): OB, undefined length, Basic Offset Table item, fragment items, delimiter. */
function writeFragments(element: DataElement, fragments: Fragments, to: DatasetEncoding, out: ChunkList): void {
  if (!to.explicitVR || !to.littleEndian) {
    throw new MedVeilError('dicom-write', `encapsulated ${formatTag(element.tag)} can only be written in explicit VR little endian (PS3.5 A.4)`);
  }
  out.pushEncoded(elementHeader({ tag: element.tag, vr: 'OB', length: UNDEFINED_LENGTH }, to));
  for (const fragment of [fragments.offsetTable, ...fragments.fragments]) {
    const odd = fragment.length % 2;
    if (fragment.length + odd > MAX_DEFINED_LENGTH) {
      throw new MedVeilError('dicom-write', `a fragment of ${formatTag(element.tag)} is too long for a 32-bit length`);
    }
    out.pushEncoded(itemHeader(ITEM, { length: fragment.length + odd, littleEndian: true }));
    out.pushSource(fragment);
    if (odd === 1) out.pushEncoded(PAD[0]);
  }
  out.pushEncoded(itemHeader(SEQUENCE_DELIMITATION, { length: 0, littleEndian: true }));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
