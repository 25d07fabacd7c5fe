/**
 * Decoding and encoding of element values by VR (PS3.5 6.2). Values are kept raw in
 * `DataElement.value` and pass through here only when someone asks for them.
 */
import { decodeText, encodeText } from './charset/index.js';
import type { DatasetEncoding } from './dataset.js';
import type { DataElement } from './element.js';
import { type VR, isSingleValuedText, isStringVR, numericWidth, paddingByte, usesSpecificCharacterSet } from './vr.js';
import { trimLeadingSpaces, trimPaddingEnd } from './trim-padding.js';

const ascii = new TextDecoder('latin1');

/** The values of a string element: split on backslash (except LT, ST, UT, UR), padding trimmed. */
export function decodeStrings(element: DataElement, _encoding: DatasetEncoding, charsets: readonly string[]): string[] {
  const bytes = element.value;
  if (!bytes || bytes.length === 0) return [];
  const text = usesSpecificCharacterSet(element.vr) ? decodeText(bytes, charsets, element.vr) : ascii.decode(bytes);
  if (isSingleValuedText(element.vr)) return [trimPaddingEnd(text)];
  return text.split('\\').map((v) => trimValue(v, element.vr));
}

function trimValue(value: string, vr: VR): string {
  if (vr === 'UI') return trimPaddingEnd(value).trim();
  // PS3.5 6.2: leading spaces are significant for LT/ST/UT only; trailing padding never is.
  return trimLeadingSpaces(trimPaddingEnd(value));
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

/** Encodes numbers of a binary numeric VR in the given byte order; DS numbers are formatted to fit 16 bytes. */
export function encodeNumbers(values: readonly number[], vr: VR, littleEndian = true): Uint8Array {
  if (vr === 'IS') return encodeStrings(values.map(String), vr, []);
  if (vr === 'DS') return encodeStrings(values.map(formatDecimalString), vr, []);
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

/** Values of SV, UV and OV as bigint: exact where `decodeNumbers` rounds beyond 2^53. */
export function decodeBigInts(element: DataElement, encoding: DatasetEncoding): bigint[] {
  const bytes = element.value;
  if (!bytes || (element.vr !== 'SV' && element.vr !== 'UV' && element.vr !== 'OV')) return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: bigint[] = [];
  for (let at = 0; at + 8 <= bytes.length; at += 8) {
    out.push(element.vr === 'SV' ? view.getBigInt64(at, encoding.littleEndian) : view.getBigUint64(at, encoding.littleEndian));
  }
  return out;
}

/** Encodes SV, UV or OV values; throws a RangeError for a value outside the VR's 64-bit range. */
export function encodeBigInts(values: readonly bigint[], vr: 'SV' | 'UV' | 'OV', littleEndian = true): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  const [min, max] = vr === 'SV' ? [-(1n << 63n), (1n << 63n) - 1n] : [0n, (1n << 64n) - 1n];
  values.forEach((v, i) => {
    if (v < min || v > max) throw new RangeError(`encodeBigInts: ${v} is outside the range of ${vr}`);
    if (vr === 'SV') view.setBigInt64(i * 8, v, littleEndian);
    else view.setBigUint64(i * 8, v, littleEndian);
  });
  return bytes;
}

/**
 * The text of a number as a Decimal String, which holds at most 16 bytes (PS3.5 6.2): the
 * shortest text that reads back as the same double when that fits, else the most precise
 * rounding that fits, in plain or exponent form.
 */
export function formatDecimalString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`formatDecimalString: ${value} has no Decimal String form`);
  const shortest = Object.is(value, -0) ? '-0' : compactNumberText(String(value));
  if (shortest.length <= 16) return shortest;
  for (let precision = 16; precision >= 1; precision--) {
    const plain = compactNumberText(value.toPrecision(precision));
    const exponent = compactNumberText(value.toExponential(precision - 1));
    const best = plain.length <= exponent.length ? plain : exponent;
    if (best.length <= 16) return best;
  }
  throw new RangeError(`formatDecimalString: ${value} does not fit 16 characters`);
}

/** Drops zeros after the last significant fraction digit and the "+" of an exponent: "1.500e+21" → "1.5e21". */
function compactNumberText(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d*?))?0*(?:e([+-]?)(\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction, expSign, exp] = match;
  let out = sign! + whole! + (fraction ? `.${fraction}` : '');
  if (exp !== undefined) out += `e${expSign === '-' ? '-' : ''}${exp}`;
  return out;
}

export function padEven(bytes: Uint8Array, pad: number): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = pad;
  return out;
}
