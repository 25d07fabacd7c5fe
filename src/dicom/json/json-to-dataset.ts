/**
 * DICOM JSON Model (PS3.18 F.2) → dataset, for STOW-RS JSON bodies and other JSON from outside.
 * The input is attacker-controlled: every key, member, type, size and nesting level is checked,
 * and a failure names the attribute path (e.g. `00081111[0].00081150`) but never echoes values,
 * which may identify a patient.
 */
import { Dataset, EXPLICIT_LITTLE } from '../dataset.js';
import type { DataElement } from '../element.js';
import { sequenceElement, valueElement } from '../element.js';
import { MedVeilError, internalError } from '../../errors.js';
import { personNameFromJson } from '../person-name.js';
import { Tag } from '../tag.js';
import { decodeStrings, encodeBigInts, encodeNumbers, encodeStrings, formatDecimalString, padEven } from '../values.js';
import { type VR, isSingleValuedText, isVR, numericWidth, paddingByte, usesSpecificCharacterSet } from '../vr.js';
import { BULK_DATA_VRS, type DicomJsonPersonName, INLINE_BINARY_VRS } from './dicom-json-object.js';

export interface JsonToDatasetOptions {
  /**
   * Returns the bytes a BulkDataURI refers to (PS3.18 F.2.6), as they go in the Value Field in
   * explicit VR little endian. `path` locates the enclosing dataset as [sequence tag, item
   * index] pairs from the top level. Without a resolver, a BulkDataURI is an error. The URI
   * comes from outside: resolve only what you expect (e.g. parts of the same STOW-RS request),
   * never fetch an arbitrary URL.
   */
  bulkDataResolver?: (uri: string, tag: number, vr: VR, path: readonly number[]) => Uint8Array;
  /** How deep sequences may nest; default 32. */
  maxDepth?: number;
  /** How many values (or items) one attribute may hold; default 1,000,000. */
  maxValues?: number;
  /** How many attributes and sequence items the whole object may hold; default 1,000,000. */
  maxAttributes?: number;
  /** How many value bytes the JSON itself may produce, bulk data excluded; default 256 MiB. */
  maxBytes?: number;
  /** Told about input that was accepted but changed: dropped nulls, skipped group lengths, ... */
  onWarning?: (message: string) => void;
}

export const JSON_MODEL_LIMITS = Object.freeze({
  maxDepth: 32,
  maxValues: 1_000_000,
  maxAttributes: 1_000_000,
  maxBytes: 256 * 1024 * 1024,
});

interface Context {
  readonly root: Dataset;
  readonly resolver: JsonToDatasetOptions['bulkDataResolver'];
  readonly warn: (where: Where, message: string) => void;
  readonly maxDepth: number;
  readonly maxValues: number;
  readonly maxAttributes: number;
  readonly maxBytes: number;
  attributes: number;
  bytes: number;
}

/** Where in the input we are: readable for messages, and as [sequence tag, item index] pairs. */
interface Where {
  readonly text: string;
  readonly path: readonly number[];
}

const ATTRIBUTE_MEMBERS: ReadonlySet<string> = new Set(['vr', 'Value', 'BulkDataURI', 'InlineBinary']);
const PERSON_NAME_GROUPS = ['Alphabetic', 'Ideographic', 'Phonetic'] as const;
const TAG_KEY = /^[0-9A-F]{8}$/;
const IS_TEXT = /^ *[+-]?\d+ *$/;
const DS_TEXT = /^ *[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)? *$/;
const NON_ASCII = /[^\x00-\x7f]/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const INTEGER_RANGE: Partial<Record<VR, readonly [number, number]>> = {
  US: [0, 0xffff], SS: [-0x8000, 0x7fff], UL: [0, 0xffffffff], SL: [-0x80000000, 0x7fffffff], IS: [-0x80000000, 0x7fffffff],
};
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The dataset of one DICOM JSON object, in explicit VR little endian. Text is encoded with the
 * Specific Character Set the JSON declares; when it declares none and carries non-ASCII text,
 * Specific Character Set becomes ISO_IR 192, the repertoire of DICOM JSON (PS3.18 F.2).
 * Throws `MedVeilError('json-model')` for input that is not a conforming DICOM JSON object.
 */
export function jsonToDataset(json: unknown, options: JsonToDatasetOptions = {}): Dataset {
  const root = new Dataset(EXPLICIT_LITTLE);
  const ctx: Context = {
    root,
    resolver: options.bulkDataResolver,
    warn: (where, message) => options.onWarning?.(`DICOM JSON ${describeWhere(where)}: ${message}`),
    maxDepth: options.maxDepth ?? JSON_MODEL_LIMITS.maxDepth,
    maxValues: options.maxValues ?? JSON_MODEL_LIMITS.maxValues,
    maxAttributes: options.maxAttributes ?? JSON_MODEL_LIMITS.maxAttributes,
    maxBytes: options.maxBytes ?? JSON_MODEL_LIMITS.maxBytes,
    attributes: 0,
    bytes: 0,
  };
  if (Array.isArray(json)) {
    throw jsonModelError({ text: '', path: [] }, 'is an array; a response of several results (PS3.18 F.2.1) holds one dataset object per entry');
  }
  fillDataset(root, json, ctx, { text: '', path: [] }, 0);
  return root;
}

function fillDataset(dataset: Dataset, json: unknown, ctx: Context, where: Where, depth: number): void {
  if (!isPlainObject(json)) throw jsonModelError(where, `must be an object of attributes, not ${describeType(json)}`);
  const entries: [number, string][] = [];
  for (const key of Object.keys(json)) {
    if (!TAG_KEY.test(key)) {
      throw jsonModelError(where, `property ${quoteKey(key)} is not a tag of eight uppercase hexadecimal digits (PS3.18 F.2.2)`);
    }
    entries.push([parseInt(key, 16) >>> 0, key]);
  }
  // Specific Character Set first, so that it is in force for every text attribute (PS3.5 6.1.2.3).
  entries.sort(([a], [b]) => (a === Tag.SpecificCharacterSet ? -1 : b === Tag.SpecificCharacterSet ? 1 : a - b));
  for (const [tag, key] of entries) {
    const at: Where = { text: where.text === '' ? key : `${where.text}.${key}`, path: where.path };
    if ((tag & 0xffff) === 0) {
      ctx.warn(at, 'group length attributes are not part of the DICOM JSON Model (PS3.18 F.2.2); skipped');
      continue;
    }
    if (tag >>> 16 === 0xfffe) throw jsonModelError(at, 'item and delimitation tags are not attributes');
    if (++ctx.attributes > ctx.maxAttributes) throw jsonModelError(at, `more than ${ctx.maxAttributes} attributes and items in all`);
    dataset.set(buildElement(dataset, tag, json[key], ctx, at, depth));
  }
}

function buildElement(dataset: Dataset, tag: number, attribute: unknown, ctx: Context, where: Where, depth: number): DataElement {
  if (!isPlainObject(attribute)) throw jsonModelError(where, `must be an attribute object, not ${describeType(attribute)}`);
  for (const member of Object.keys(attribute)) {
    if (!ATTRIBUTE_MEMBERS.has(member)) {
      throw jsonModelError(where, `unknown member ${quoteKey(member)}; an attribute has vr and at most one of Value, BulkDataURI, InlineBinary`);
    }
  }
  const vr = attribute['vr'];
  if (typeof vr !== 'string' || !isVR(vr)) {
    throw jsonModelError(where, typeof vr === 'string' ? `vr ${quoteKey(vr)} is not a value representation of PS3.5 6.2` : 'vr is missing or not a string');
  }
  const present = ['Value', 'BulkDataURI', 'InlineBinary'].filter((m) => Object.hasOwn(attribute, m));
  if (present.length > 1) throw jsonModelError(where, `has ${present.join(' and ')}; at most one is allowed (PS3.18 F.2.2)`);

  if (Object.hasOwn(attribute, 'Value')) {
    const values = attribute['Value'];
    if (!Array.isArray(values)) throw jsonModelError(where, `Value must be an array, not ${describeType(values)}`);
    if (values.length > ctx.maxValues) throw jsonModelError(where, `Value holds more than ${ctx.maxValues} entries`);
    if (vr === 'SQ') return sequenceElement(tag, buildItems(dataset, tag, values, ctx, where, depth));
    if (INLINE_BINARY_VRS.has(vr)) throw jsonModelError(where, `VR ${vr} carries its value in InlineBinary or BulkDataURI, not Value (PS3.18 F.2.2)`);
    return valueElement(tag, vr, countBytes(encodeValues(dataset, tag, vr, values, ctx, where), ctx, where));
  }
  if (Object.hasOwn(attribute, 'InlineBinary')) {
    if (!INLINE_BINARY_VRS.has(vr)) throw jsonModelError(where, `InlineBinary is for VRs OB, OD, OF, OL, OV, OW and UN, not ${vr} (PS3.18 F.2.7)`);
    const text = singleString(attribute['InlineBinary'], 'InlineBinary', ctx, where);
    if (text.length % 4 !== 0 || !BASE64.test(text)) throw jsonModelError(where, 'InlineBinary is not base64 (RFC 4648 section 4)');
    if (ctx.bytes + (text.length / 4) * 3 > ctx.maxBytes) throw jsonModelError(where, `the values exceed ${ctx.maxBytes} bytes in all`);
    const bytes = new Uint8Array(Buffer.from(text, 'base64'));
    return valueElement(tag, vr, countBytes(binaryValue(bytes, vr, where), ctx, where));
  }
  if (Object.hasOwn(attribute, 'BulkDataURI')) {
    if (!BULK_DATA_VRS.has(vr)) throw jsonModelError(where, `BulkDataURI is not allowed for VR ${vr} (PS3.18 F.2.2)`);
    const uri = singleString(attribute['BulkDataURI'], 'BulkDataURI', ctx, where);
    if (!ctx.resolver) {
      throw jsonModelError(where, 'has a BulkDataURI and no bulk data resolver was given', {
        hint: 'send the bulk data in the same request, or the value inline (InlineBinary or Value)',
      });
    }
    const bytes: unknown = ctx.resolver(uri, tag, vr, where.path);
    if (!(bytes instanceof Uint8Array)) throw internalError(`bulkDataResolver returned ${describeType(bytes)} for ${where.text}, not a Uint8Array`);
    return valueElement(tag, vr, binaryValue(bytes, vr, where));
  }
  return vr === 'SQ' ? sequenceElement(tag, []) : valueElement(tag, vr, new Uint8Array(0));
}

function buildItems(parent: Dataset, tag: number, values: unknown[], ctx: Context, where: Where, depth: number): Dataset[] {
  if (values.length > 0 && depth + 1 > ctx.maxDepth) throw jsonModelError(where, `sequences nest deeper than ${ctx.maxDepth} levels`);
  return values.map((json, index) => {
    const item = new Dataset(EXPLICIT_LITTLE, parent);
    const at: Where = { text: `${where.text}[${index}]`, path: [...where.path, tag, index] };
    if (!isPlainObject(json)) throw jsonModelError(at, `a sequence item must be an object (empty items are {}, PS3.18 F.2.5), not ${describeType(json)}`);
    if (++ctx.attributes > ctx.maxAttributes) throw jsonModelError(at, `more than ${ctx.maxAttributes} attributes and items in all`);
    fillDataset(item, json, ctx, at, depth + 1);
    return item;
  });
}

/** The Value Field of one attribute from its "Value" array (PS3.18 Table F.2.3-1). */
function encodeValues(dataset: Dataset, tag: number, vr: VR, values: unknown[], ctx: Context, where: Where): Uint8Array {
  switch (vr) {
    case 'US': case 'SS': case 'UL': case 'SL': case 'FL': case 'FD':
      return encodeNumbers(binaryNumbers(vr, values, ctx, where), vr, true);
    case 'SV': case 'UV':
      return encodeBigInts(bigIntegers(vr, values, ctx, where), vr, true);
    case 'AT':
      return encodeNumbers(attributeTags(values, ctx, where), 'AT', true);
    case 'IS': case 'DS':
      return encodeStrings(values.map((v, i) => decimalText(vr, v, ctx, where, i)), vr, []);
    case 'PN':
      return encodeText(dataset, tag, vr, values.map((v, i) => personNameText(v, where, i)), ctx, where);
    default:
      return encodeText(dataset, tag, vr, textValues(vr, values, where), ctx, where);
  }
}

function textValues(vr: VR, values: unknown[], where: Where): string[] {
  if (isSingleValuedText(vr) && values.length > 1) throw jsonModelError(where, `VR ${vr} holds a single value, not ${values.length}`);
  return values.map((v, i) => {
    if (v === null) return '';
    if (typeof v !== 'string') throw jsonModelError(where, `Value[${i}] must be a string or null for VR ${vr}, not ${describeType(v)}`);
    if (!isSingleValuedText(vr) && v.includes('\\')) {
      throw jsonModelError(where, `Value[${i}] contains a backslash, which separates values in VR ${vr} (PS3.18 F.2.4)`);
    }
    if (!usesSpecificCharacterSet(vr) && NON_ASCII.test(v)) {
      throw jsonModelError(where, `Value[${i}] has characters outside the default repertoire, which VR ${vr} requires (PS3.5 6.2)`);
    }
    return v;
  });
}

/**
 * PS3.18 F.2.2: a PN value is an object of component groups, joined with "=" (PS3.5 6.2.1).
 * "=" in the alphabetic or ideographic group would move the groups after it; in the phonetic
 * group it only makes a fourth group, which person-name.ts keeps as part of the phonetic one.
 */
function personNameText(value: unknown, where: Where, index: number): string {
  if (value === null) return '';
  if (!isPlainObject(value)) throw jsonModelError(where, `Value[${index}] must be a person name object or null, not ${describeType(value)}`);
  const name: DicomJsonPersonName = {};
  for (const key of Object.keys(value)) {
    if (!(PERSON_NAME_GROUPS as readonly string[]).includes(key)) {
      throw jsonModelError(where, `Value[${index}] has member ${quoteKey(key)}; a person name has Alphabetic, Ideographic and Phonetic`);
    }
  }
  for (const group of PERSON_NAME_GROUPS) {
    const text = value[group];
    if (text === undefined || text === null) continue;
    if (typeof text !== 'string') throw jsonModelError(where, `Value[${index}].${group} must be a string, not ${describeType(text)}`);
    if (text.includes('\\') || (group !== 'Phonetic' && text.includes('='))) {
      throw jsonModelError(where, `Value[${index}].${group} contains "=" or a backslash, which delimit person names (PS3.5 6.2.1)`);
    }
    name[group] = text;
  }
  return personNameFromJson(name);
}

/**
 * PS3.18 Table F.2.3-1: IS and DS are numbers, or strings that keep the original text. A string
 * that is no valid IS/DS is kept with a warning (real data has them, e.g. "1A"), unless it would
 * change the structure (a backslash) or leave the default repertoire.
 */
function decimalText(vr: 'IS' | 'DS', value: unknown, ctx: Context, where: Where, index: number): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw jsonModelError(where, `Value[${index}] is not a finite number`);
    if (vr === 'DS') return formatDecimalString(value);
    const [min, max] = INTEGER_RANGE.IS!;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw jsonModelError(where, `Value[${index}] is not an integer in the range of IS (PS3.5 6.2)`);
    }
    return String(value);
  }
  if (typeof value !== 'string') throw jsonModelError(where, `Value[${index}] must be a number, a string or null for VR ${vr}, not ${describeType(value)}`);
  if (value.includes('\\') || NON_ASCII.test(value)) {
    throw jsonModelError(where, `Value[${index}] has a backslash or a character outside the default repertoire, which VR ${vr} cannot hold`);
  }
  if (!(vr === 'IS' ? IS_TEXT : DS_TEXT).test(value)) ctx.warn(where, `Value[${index}] is not a valid ${vr} string (PS3.5 6.2); kept as it is`);
  return value;
}

function binaryNumbers(vr: 'US' | 'SS' | 'UL' | 'SL' | 'FL' | 'FD', values: unknown[], ctx: Context, where: Where): number[] {
  const out: number[] = [];
  values.forEach((v, i) => {
    if (v === null) return dropNull(ctx, where, vr, i);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw jsonModelError(where, `Value[${i}] must be a number for VR ${vr}, not ${describeType(v)}`);
    const range = INTEGER_RANGE[vr];
    if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) {
      throw jsonModelError(where, `Value[${i}] is not an integer in the range of ${vr} (PS3.5 6.2)`);
    }
    if (vr === 'FL' && Math.abs(v) > FLOAT32_MAX) throw jsonModelError(where, `Value[${i}] is beyond the range of FL`);
    out.push(v);
  });
  return out;
}

/** PS3.18 Table F.2.3-1: SV and UV are numbers, or strings where a double would lose digits. */
function bigIntegers(vr: 'SV' | 'UV', values: unknown[], ctx: Context, where: Where): bigint[] {
  const out: bigint[] = [];
  const [min, max] = vr === 'SV' ? [-(1n << 63n), (1n << 63n) - 1n] : [0n, (1n << 64n) - 1n];
  values.forEach((v, i) => {
    if (v === null) return dropNull(ctx, where, vr, i);
    let n: bigint;
    if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
    else if (typeof v === 'string' && /^[+-]?\d{1,20}$/.test(v)) n = BigInt(v);
    else throw jsonModelError(where, `Value[${i}] must be an integer number or a string of digits for VR ${vr}, not ${describeType(v)}`);
    if (n < min || n > max) throw jsonModelError(where, `Value[${i}] is outside the range of ${vr} (PS3.5 6.2)`);
    out.push(n);
  });
  return out;
}

/** PS3.18 F.2.3: AT values are tags as eight uppercase hexadecimal digits. */
function attributeTags(values: unknown[], ctx: Context, where: Where): number[] {
  const out: number[] = [];
  values.forEach((v, i) => {
    if (v === null) return dropNull(ctx, where, 'AT', i);
    if (typeof v !== 'string' || !TAG_KEY.test(v)) throw jsonModelError(where, `Value[${i}] must be a tag of eight uppercase hexadecimal digits (PS3.18 F.2.3)`);
    out.push(parseInt(v, 16) >>> 0);
  });
  return out;
}

function dropNull(ctx: Context, where: Where, vr: VR, index: number): void {
  ctx.warn(where, `Value[${index}] is null, which a binary VR (${vr}) cannot hold; dropped`);
}

/**
 * Encodes text values with the character set in force. Non-ASCII text with no character set
 * declared makes the top-level Specific Character Set ISO_IR 192, which leaves ASCII text
 * encoded before it unchanged. Non-ASCII text is decoded again and compared, so a character
 * the declared set cannot represent is an error, never a silent "?".
 */
function encodeText(dataset: Dataset, tag: number, vr: VR, texts: string[], ctx: Context, where: Where): Uint8Array {
  const nonAscii = texts.some((t) => NON_ASCII.test(t));
  if (nonAscii && !hasCharacterSet(dataset)) declareUtf8(ctx, where);
  const charsets = dataset.specificCharacterSet();
  if (nonAscii && !hasCharacterSet(dataset)) {
    throw jsonModelError(where, 'has non-ASCII text where an item declares the default character repertoire');
  }
  let bytes: Uint8Array;
  try {
    bytes = encodeStrings(texts, vr, charsets);
  } catch (error) {
    throw jsonModelError(where, `text cannot be encoded in Specific Character Set ${charsets.join('\\')}`, { cause: error });
  }
  if (nonAscii) {
    const decoded = decodeStrings({ tag, vr, value: bytes }, EXPLICIT_LITTLE, charsets);
    const same = decoded.length === texts.length && decoded.every((d, i) => d.trim() === texts[i]!.trim());
    if (!same) throw jsonModelError(where, `text cannot be encoded in Specific Character Set ${charsets.join('\\')}`);
  }
  return bytes;
}

function hasCharacterSet(dataset: Dataset): boolean {
  return dataset.specificCharacterSet().some((term) => term.trim() !== '');
}

function declareUtf8(ctx: Context, where: Where): void {
  if (ctx.root.has(Tag.SpecificCharacterSet)) {
    ctx.warn(where, 'non-ASCII text under an empty Specific Character Set; set to ISO_IR 192');
  }
  ctx.root.set(valueElement(Tag.SpecificCharacterSet, 'CS', encodeStrings(['ISO_IR 192'], 'CS', [])));
}

/** PS3.18 F.1: the recipient pads to even length; multi-byte VRs must hold whole values. */
function binaryValue(bytes: Uint8Array, vr: VR, where: Where): Uint8Array {
  const width = numericWidth(vr);
  if (width > 1 && bytes.length % width !== 0) {
    throw jsonModelError(where, `${bytes.length} bytes are not a whole number of ${width}-byte values for VR ${vr}`);
  }
  return padEven(bytes, paddingByte(vr));
}

function countBytes(bytes: Uint8Array, ctx: Context, where: Where): Uint8Array {
  ctx.bytes += bytes.length;
  if (ctx.bytes > ctx.maxBytes) throw jsonModelError(where, `the values exceed ${ctx.maxBytes} bytes in all`);
  return bytes;
}

/** PS3.18 F.2.7 says a string; the example of F.4 and some servers send a one-string array. */
function singleString(value: unknown, member: string, ctx: Context, where: Where): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') {
    ctx.warn(where, `${member} is a one-string array; read as its string`);
    return value[0];
  }
  throw jsonModelError(where, `${member} must be a string, not ${describeType(value)}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Keys come from outside: shown JSON-quoted and cut short. */
function quoteKey(key: string): string {
  return JSON.stringify(key.length > 24 ? `${key.slice(0, 24)}…` : key);
}

function describeWhere(where: Where): string {
  return where.text === '' ? '(top level)' : where.text;
}

function jsonModelError(where: Where, problem: string, options: { cause?: unknown; hint?: string } = {}): MedVeilError {
  return new MedVeilError('json-model', `DICOM JSON ${describeWhere(where)}: ${problem}`, {
    cause: options.cause,
    hint: options.hint ?? 'correct the attribute; PS3.18 Annex F.2 defines the DICOM JSON Model',
  });
}
