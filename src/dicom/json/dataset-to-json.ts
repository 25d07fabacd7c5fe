/**
 * Dataset → DICOM JSON Model (PS3.18 F.2), for QIDO-RS and WADO-RS metadata responses.
 */
import type { Dataset } from '../dataset.js';
import type { DataElement, Fragments } from '../element.js';
import { personNameToJson } from '../person-name.js';
import { ITEM } from '../tag.js';
import { decodeBigInts } from '../values.js';
import { swapBytes, valueSwapWidth } from '../write-swap-bytes.js';
import {
  BULK_DATA_VRS, type DicomJsonAttribute, type DicomJsonObject, type DicomJsonValue,
  INLINE_BINARY_VRS, jsonTagKey,
} from './dicom-json-object.js';

export interface DatasetToJsonOptions {
  /**
   * Asked for the BulkDataURI of an element (PS3.18 F.2.6); `undefined` keeps the value inline.
   * `path` locates the enclosing dataset: pairs of [sequence tag, item index] from the top level,
   * so it is empty for a top-level element.
   */
  bulkDataUri?: (tag: number, path: readonly number[]) => string | undefined;
  /**
   * Elements whose VR permits a BulkDataURI and whose value is longer than this many bytes are
   * offered to `bulkDataUri`. Without a threshold, only the binary VRs (OB, OD, OF, OL, OV, OW,
   * UN, and encapsulated Pixel Data) are offered, whatever their length.
   */
  bulkDataThreshold?: number;
}

/**
 * The DICOM JSON object of a dataset. Text is decoded with the Specific Character Set in force;
 * Group Length elements are left out (PS3.18 F.2.2); empty elements carry no Value (F.2.5).
 * Write it with `stringifyDicomJson`, which keeps the ascending tag order F.2.2 requires and
 * `JSON.stringify` does not.
 */
export function datasetToJson(dataset: Dataset, options: DatasetToJsonOptions = {}): DicomJsonObject {
  return convertDataset(dataset, options, []);
}

function convertDataset(dataset: Dataset, options: DatasetToJsonOptions, path: readonly number[]): DicomJsonObject {
  const out: DicomJsonObject = {};
  for (const element of dataset) {
    if ((element.tag & 0xffff) === 0x0000) continue;
    out[jsonTagKey(element.tag)] = convertElement(dataset, element, options, path);
  }
  return out;
}

function convertElement(dataset: Dataset, element: DataElement, options: DatasetToJsonOptions, path: readonly number[]): DicomJsonAttribute {
  const { tag, vr } = element;
  if (element.items) {
    // Items are a sequence whatever VR was read: a UN element that held items (PS3.5 6.2.2) is written as SQ.
    if (element.items.length === 0) return { vr: 'SQ' };
    return { vr: 'SQ', Value: element.items.map((item, i) => convertDataset(item, options, [...path, tag, i])) };
  }
  if (element.fragments) {
    const uri = options.bulkDataUri?.(tag, path);
    if (uri !== undefined) return { vr, BulkDataURI: uri };
    return { vr, InlineBinary: Buffer.from(encapsulatedValueField(element.fragments)).toString('base64') };
  }
  const value = element.value;
  if (!value || value.length === 0) return { vr };

  if (BULK_DATA_VRS.has(vr) && options.bulkDataUri) {
    const offered = options.bulkDataThreshold === undefined
      ? INLINE_BINARY_VRS.has(vr)
      : value.length > options.bulkDataThreshold;
    const uri = offered ? options.bulkDataUri(tag, path) : undefined;
    if (uri !== undefined) return { vr, BulkDataURI: uri };
  }
  if (INLINE_BINARY_VRS.has(vr)) {
    // InlineBinary is little endian (PS3.18 F.2.7). A big endian value swaps by the writer's
    // rule, so that 32-bit Pixel Data in OW comes out the same as from the writer.
    const bytes = dataset.encoding.littleEndian ? value : swapBytes(value, valueSwapWidth(element, dataset));
    return { vr, InlineBinary: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
  }
  const values = jsonValues(dataset, element);
  return values.length === 0 ? { vr } : { vr, Value: values };
}

function jsonValues(dataset: Dataset, element: DataElement): DicomJsonValue[] {
  const { tag, vr } = element;
  switch (vr) {
    case 'AT':
      return dataset.getNumbers(tag).map(jsonTagKey);
    case 'US': case 'SS': case 'UL': case 'SL': case 'FD':
      // JSON has no NaN or Infinity; null is the closest thing PS3.18 F.2.5 offers.
      return dataset.getNumbers(tag).map((n) => (Number.isFinite(n) ? n : null));
    case 'FL':
      return dataset.getNumbers(tag).map((n) => (Number.isFinite(n) ? shortestFloat32(n) : null));
    case 'SV': case 'UV':
      // PS3.18 Table F.2.3-1 note: a string keeps values that a JSON number (a double) would round.
      return decodeBigInts(element, dataset.encoding).map((n) =>
        (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString()));
    case 'IS': case 'DS':
      return textValues(dataset.getStrings(tag)).map((text) => (text === null ? null : decimalTextToJson(text, vr)));
    case 'PN':
      return textValues(dataset.getStrings(tag)).map((text) => {
        const name = text === null ? {} : personNameToJson(text);
        return Object.keys(name).length === 0 ? null : name;
      });
    default:
      return textValues(dataset.getStrings(tag));
  }
}

/** Empty values become null (PS3.18 F.2.5); a single empty value means the element is empty. */
function textValues(values: readonly string[]): (string | null)[] {
  if (values.length === 1 && values[0] === '') return [];
  return values.map((v) => (v === '' ? null : v));
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * A JSON number when the text is a valid IS/DS whose decimal value the number carries exactly;
 * otherwise the text itself, which PS3.18 Table F.2.3-1 allows "to preserve the original format"
 * and "to avoid losing precision".
 */
function decimalTextToJson(text: string, vr: 'IS' | 'DS'): number | string {
  if (vr === 'IS' && !/^[+-]?\d+$/.test(text)) return text;
  const canonical = canonicalDecimal(text);
  if (canonical === undefined) return text;
  const n = Number(text);
  if (!Number.isFinite(n) || canonicalDecimal(String(n)) !== canonical) return text;
  return n;
}

/** Sign, significant digits and exponent of a decimal text, so that "1.50" and "15E-1" compare equal. */
function canonicalDecimal(text: string): string | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  if (digits === '') return undefined;
  const lead = digits.length - digits.replace(/^0+/, '').length;
  const significant = digits.slice(lead).replace(/0+$/, '');
  if (significant === '') return '0';
  // The value is 0.<digits> × 10^(whole.length + exponent); each leading zero dropped moves the point.
  return `${sign === '-' ? '-' : ''}${significant}e${whole.length + Number(exponent) - lead}`;
}

/** The shortest decimal that reads back as the same 32-bit float, so 0.1f is 0.1, not 0.10000000149011612. */
function shortestFloat32(value: number): number {
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** PS3.5 A.4: the Basic Offset Table item and one item per fragment, as they appear in the Value Field. */
function encapsulatedValueField(fragments: Fragments): Uint8Array {
  const parts = [fragments.offsetTable, ...fragments.fragments];
  const out = new Uint8Array(parts.reduce((sum, p) => sum + 8 + p.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const part of parts) {
    view.setUint16(at, ITEM >>> 16, true);
    view.setUint16(at + 2, ITEM & 0xffff, true);
    view.setUint32(at + 4, part.length, true);
    out.set(part, at + 8);
    at += 8 + part.length;
  }
  return out;
}
