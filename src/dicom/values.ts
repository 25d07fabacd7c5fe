/**
 * Decoding and encoding of element values by VR (PS3.5 6.2). Values are kept raw in
 * `DataElement.value` and pass through here only when someone asks for them.
 */
import { decodeText, encodeText } from './charset/index.js';
import type { DatasetEncoding } from './dataset.js';
import type { DataElement } from './element.js';
import { type VR, isSingleValuedText, isStringVR, numericWidth, paddingByte, usesSpecificCharacterSet } from './vr.js';

const ascii = new TextDecoder('latin1');

/** The values of a string element: split on backslash (except LT, ST, UT, UR), padding trimmed. */
export function decodeStrings(element: DataElement, _encoding: DatasetEncoding, charsets: readonly string[]): string[] {
  const bytes = element.value;
  if (!bytes || bytes.length === 0) return [];
  const text = usesSpecificCharacterSet(element.vr) ? decodeText(bytes, charsets, element.vr) : ascii.decode(bytes);
  if (isSingleValuedText(element.vr)) return [text.replace(/[\0 ]+$/, '')];
  return text.split('\\').map((v) => trimValue(v, element.vr));
}

function trimValue(value: string, vr: VR): string {
  if (vr === 'UI') return value.replace(/[\0 ]+$/, '').trim();
  // PS3.5 6.2: leading spaces are significant for LT/ST/UT only; trailing padding never is.
  return value.replace(/[\0 ]+$/, '').replace(/^ +/, '');
}

/** Numbers of a binary numeric element, or of IS/DS parsed as text. */
export function decodeNumbers(element: DataElement, encoding: DatasetEncoding): number[] {
  const bytes = element.value;
  if (!bytes || bytes.length === 0) return [];
  if (element.vr === 'IS' || element.vr === 'DS') {
    return ascii.decode(bytes).split('\\').map((v) => v.trim()).filter((v) => v !== '').map(Number);
  }
  const width = numericWidth(element.vr);
  if (width === 0) return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = encoding.littleEndian;
  const out: number[] = [];
  for (let at = 0; at + width <= bytes.length; at += width) {
    switch (element.vr) {
      case 'US': case 'OW': out.push(view.getUint16(at, little)); break;
      case 'SS': out.push(view.getInt16(at, little)); break;
      case 'UL': case 'OL': out.push(view.getUint32(at, little)); break;
      case 'SL': out.push(view.getInt32(at, little)); break;
      case 'FL': case 'OF': out.push(view.getFloat32(at, little)); break;
      case 'FD': case 'OD': out.push(view.getFloat64(at, little)); break;
      case 'AT': out.push(((view.getUint16(at, little) << 16) | view.getUint16(at + 2, little)) >>> 0); break;
      case 'SV': out.push(Number(view.getBigInt64(at, little))); break;
      case 'UV': case 'OV': out.push(Number(view.getBigUint64(at, little))); break;
      default: break;
    }
  }
  return out;
}

/** Encodes string values joined by backslash and padded to even length (PS3.5 6.2). */
export function encodeStrings(values: readonly string[], vr: VR, charsets: readonly string[]): Uint8Array {
  if (!isStringVR(vr)) throw new TypeError(`encodeStrings: ${vr} is not a string VR`);
  const text = values.join('\\');
  const bytes = usesSpecificCharacterSet(vr) ? encodeText(text, charsets, vr) : Buffer.from(text, 'latin1');
  return padEven(bytes, paddingByte(vr));
}

/** Encodes numbers of a binary numeric VR in the given byte order. */
export function encodeNumbers(values: readonly number[], vr: VR, littleEndian = true): Uint8Array {
  if (vr === 'IS' || vr === 'DS') return encodeStrings(values.map(String), vr, []);
  const width = numericWidth(vr);
  if (width === 0) throw new TypeError(`encodeNumbers: ${vr} is not numeric`);
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    const at = i * width;
    switch (vr) {
      case 'US': case 'OW': view.setUint16(at, v, littleEndian); break;
      case 'SS': view.setInt16(at, v, littleEndian); break;
      case 'UL': case 'OL': view.setUint32(at, v, littleEndian); break;
      case 'SL': view.setInt32(at, v, littleEndian); break;
      case 'FL': case 'OF': view.setFloat32(at, v, littleEndian); break;
      case 'FD': case 'OD': view.setFloat64(at, v, littleEndian); break;
      case 'AT': view.setUint16(at, v >>> 16, littleEndian); view.setUint16(at + 2, v & 0xffff, littleEndian); break;
      case 'SV': view.setBigInt64(at, BigInt(v), littleEndian); break;
      case 'UV': case 'OV': view.setBigUint64(at, BigInt(v), littleEndian); break;
      default: break;
    }
  });
  return bytes;
}

export function padEven(bytes: Uint8Array, pad: number): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = pad;
  return out;
}
