/**
 * Element and item headers (PS3.5 7.1.1-7.1.3, 7.5). Explicit VR: tag, VR, and a 16-bit
 * length, or two reserved zero bytes and a 32-bit length for the VRs of `hasLongHeader`.
 * Implicit VR: tag and a 32-bit length. Items and delimiters: tag and a 32-bit length.
 */
import type { DatasetEncoding } from './dataset.js';
import { type VR, hasLongHeader } from './vr.js';

export const UNDEFINED_LENGTH = 0xffffffff;

export function elementHeader(field: { readonly tag: number; readonly vr: VR; readonly length: number }, encoding: DatasetEncoding): Uint8Array {
  const { tag, vr, length } = field;
  const little = encoding.littleEndian;
  if (!encoding.explicitVR) {
    const header = new Uint8Array(8);
    const view = new DataView(header.buffer);
    writeTag(view, tag, little);
    view.setUint32(4, length, little);
    return header;
  }
  const long = hasLongHeader(vr);
  const header = new Uint8Array(long ? 12 : 8);
  const view = new DataView(header.buffer);
  writeTag(view, tag, little);
  header[4] = vr.charCodeAt(0);
  header[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, length, little);
  else view.setUint16(6, length, little);
  return header;
}

/** Item, item delimitation or sequence delimitation header: always tag + 32-bit length (PS3.5 7.5). */
export function itemHeader(tag: number, options: { readonly length: number; readonly littleEndian: boolean }): Uint8Array {
  const { length, littleEndian } = options;
  const header = new Uint8Array(8);
  const view = new DataView(header.buffer);
  writeTag(view, tag, littleEndian);
  view.setUint32(4, length, littleEndian);
  return header;
}

function writeTag(view: DataView, tag: number, little: boolean): void {
  view.setUint16(0, tag >>> 16, little);
  view.setUint16(2, tag & 0xffff, little);
}
