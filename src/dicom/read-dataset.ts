/**
 * The data set parser (PS3.5 7.1-7.5): elements of defined and undefined length, sequences
 * and items nested to `maxDepth`, encapsulated Pixel Data (PS3.5 A.4), UN of undefined length
 * read as an implicit VR little endian sequence (PS3.5 6.2.2).
 *
 * Values, fragments and `source` bytes are `subarray` views of the input: nothing is copied
 * and nothing is allocated from a declared length, so hostile lengths cost no memory. Every
 * loop step consumes at least one 8-byte header, so every loop ends.
 *
 * Truncation: a value, item or fragment whose declared length runs past the end of the
 * data is a DicomParseError naming the offset and both lengths, also for the last element
 * of a file (as dcmtk does): a cut value cannot be told from a hostile length, and keeping
 * half a value would let the writer emit a short element. Only containers are lenient: an
 * item of defined length overrunning its sequence is clamped with a warning (its elements
 * are still checked one by one), and missing delimiters at the end of data are warnings.
 * Fewer than 8 trailing bytes, or trailing zero bytes, at the top level are a warning.
 *
 * `source` is set on every element and item. The writer reuses it only after checking that
 * it still matches the element (tag, VR, value position, item layout), so an element the
 * reader had to repair (unknown VR, odd length, unordered or duplicate tags inside an item)
 * is re-encoded strictly on write.
 */
import { Dataset, type DatasetEncoding, IMPLICIT_LITTLE } from './dataset.js';
import type { DataElement, Fragments } from './element.js';
import { implicitVR } from './dictionary.js';
import { DicomParseError } from './parse-error.js';
import type { ReadWarning } from './read-warning.js';
import { ITEM, ITEM_DELIMITATION, SEQUENCE_DELIMITATION, formatTag } from './tag.js';
import { type VR, VRS, hasLongHeader } from './vr.js';

export const DEFAULT_MAX_DEPTH = 128;
/** Past this many warnings the reader keeps one summary line, so hostile input cannot grow the list. */
export const MAX_WARNINGS = 1000;

const UNDEFINED_LENGTH = 0xffffffff;
const PIXEL_DATA = 0x7fe00010;
/** VR by its two ASCII bytes read as a big-endian 16-bit code; undefined for unknown codes. */
const VR_BY_CODE: (VR | undefined)[] = new Array<VR | undefined>(0x10000).fill(undefined);
/** 1 where the VR uses the 32-bit length form of PS3.5 7.1.2. */
const LONG_CODE = new Uint8Array(0x10000);
for (const vr of VRS) {
  const code = (vr.charCodeAt(0) << 8) | vr.charCodeAt(1);
  VR_BY_CODE[code] = vr;
  LONG_CODE[code] = hasLongHeader(vr) ? 1 : 0;
}

export interface ReadDatasetOptions {
  /** First byte of the data set in `bytes`; default 0. */
  readonly start?: number;
  /** End of the data set in `bytes` (exclusive); default `bytes.length`. */
  readonly end?: number;
  /** Deepest sequence nesting accepted; deeper input is a DicomParseError. Default 128. */
  readonly maxDepth?: number;
  /** Stop before the first element of another group (the File Meta Information is group 0002). */
  readonly onlyGroup?: number;
  /** Warnings are appended here; a new list otherwise. */
  readonly warnings?: ReadWarning[];
}

export interface ReadDatasetResult {
  readonly dataset: Dataset;
  /** Offset just after the last element read. */
  readonly end: number;
  readonly warnings: ReadWarning[];
}

/** Reads a bare data set (no preamble, no meta) encoded with `encoding`. */
export function readDataset(bytes: Uint8Array, encoding: DatasetEncoding, options: ReadDatasetOptions = {}): ReadDatasetResult {
  const warnings = options.warnings ?? [];
  // Views of a plain Uint8Array are made about twice as fast as Buffer.subarray (no species lookup).
  const plain = Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
  const reader = new DatasetReader(plain, warnings, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  const dataset = new Dataset(encoding);
  const start = options.start ?? 0;
  const end = Math.min(options.end ?? bytes.length, bytes.length);
  const stop = reader.readElements(dataset, start, end, 0, Mode.Top, options.onlyGroup);
  return { dataset, end: stop, warnings };
}

const enum Mode {
  Top,
  DefinedItem,
  UndefinedItem,
}

class DatasetReader {
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly warnings: ReadWarning[],
    private readonly maxDepth: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Reads elements into `dataset` from `start` up to `end` (or its item delimiter); returns the offset after them. */
  readElements(dataset: Dataset, start: number, end: number, depth: number, mode: Mode, onlyGroup?: number): number {
    const { bytes, view } = this;
    const little = dataset.encoding.littleEndian;
    const explicit = dataset.encoding.explicitVR;
    let offset = start;
    let previous = -1;
    while (offset < end) {
      if (end - offset < 8) {
        if (mode === Mode.Top) {
          this.warn(offset, undefined, `${end - offset} trailing bytes are too few for a data element; ignored`);
          return end;
        }
        throw new DicomParseError(offset, `${end - offset} bytes remain in an item, too few for an element header`);
      }
      const tag = ((view.getUint16(offset, little) << 16) | view.getUint16(offset + 2, little)) >>> 0;
      if (mode === Mode.Top && tag === 0 && view.getUint32(offset + 4, little) === 0 && previous >= 0) {
        this.warn(offset, tag, `${end - offset} trailing bytes start with zeros, not a data element; ignored`);
        return end;
      }
      if (onlyGroup !== undefined && tag >>> 16 !== onlyGroup) return offset;
      if (tag === ITEM_DELIMITATION) {
        if (mode === Mode.UndefinedItem) {
          if (view.getUint32(offset + 4, little) !== 0) this.warn(offset, tag, 'item delimitation with a non-zero length');
          return offset + 8;
        }
        this.warn(offset, tag, 'item delimitation outside an item of undefined length; skipped');
        offset += 8;
        continue;
      }
      if (tag === SEQUENCE_DELIMITATION) {
        if (mode === Mode.UndefinedItem) {
          this.warn(offset, tag, 'item of undefined length ends without an item delimitation');
          return offset;
        }
        this.warn(offset, tag, 'sequence delimitation outside a sequence; skipped');
        offset += 8;
        continue;
      }
      if (tag === ITEM) throw new DicomParseError(offset, 'item (FFFE,E000) outside a sequence', { tag });

      let vr: VR;
      let length: number;
      let header = 8;
      if (explicit) {
        const c0 = bytes[offset + 4]!;
        const c1 = bytes[offset + 5]!;
        const code = (c0 << 8) | c1;
        const known = VR_BY_CODE[code];
        if (known !== undefined) {
          vr = known;
          if (LONG_CODE[code] === 1) {
            if (end - offset < 12) throw new DicomParseError(offset, `element ${formatTag(tag)} header is cut short`, { tag });
            length = view.getUint32(offset + 8, little);
            header = 12;
          } else {
            length = view.getUint16(offset + 6, little);
          }
        } else if (isUpperAscii(c0) && isUpperAscii(c1)) {
          // A VR this table does not know. VRs added to the standard since 2007 all use the
          // 32-bit length form (PS3.5 7.1.2), recognisable by its two zero reserved bytes.
          vr = implicitVR(tag);
          if (view.getUint16(offset + 6, little) === 0 && end - offset >= 12) {
            length = view.getUint32(offset + 8, little);
            header = 12;
          } else {
            length = view.getUint16(offset + 6, little);
          }
          this.warn(offset, tag, `unknown VR "${String.fromCharCode(c0, c1)}"; read as ${vr}`);
        } else {
          if (mode === Mode.Top && tag < previous) {
            this.warn(offset, tag, `${end - offset} trailing bytes are not a data element; ignored`);
            return end;
          }
          // An implicit VR element inside explicit VR data, as some writers produce.
          vr = implicitVR(tag);
          length = view.getUint32(offset + 4, little);
          this.warn(offset, tag, `no VR in explicit VR data (bytes 0x${hex2(c0)}${hex2(c1)}); read as implicit VR ${vr}`);
        }
      } else {
        if (mode === Mode.Top && tag === 0 && previous > 0) {
          this.warn(offset, tag, `${end - offset} trailing bytes are not a data element; ignored`);
          return end;
        }
        vr = implicitVR(tag);
        length = view.getUint32(offset + 4, true);
      }

      const valueStart = offset + header;
      let element: DataElement;
      let after: number;
      if (length === UNDEFINED_LENGTH) {
        if (vr === 'SQ') {
          after = this.readSequence(tag, dataset, dataset.encoding, valueStart, end, true, depth + 1);
          element = { tag, vr, items: this.lastItems, undefinedLength: true, source: bytes.subarray(offset, after) };
        } else if (tag === PIXEL_DATA || vr === 'OB' || vr === 'OW') {
          after = this.readFragments(tag, valueStart, end, little);
          element = { tag, vr, fragments: this.lastFragments, undefinedLength: true, source: bytes.subarray(offset, after) };
        } else {
          // PS3.5 6.2.2: a UN value of undefined length is a sequence in implicit VR little endian.
          if (vr !== 'UN') this.warn(offset, tag, `${vr} element with undefined length; read as UN holding a sequence`);
          after = this.readSequence(tag, dataset, IMPLICIT_LITTLE, valueStart, end, true, depth + 1);
          element = { tag, vr: 'UN', items: this.lastItems, undefinedLength: true, source: bytes.subarray(offset, after) };
        }
      } else {
        if (length > end - valueStart) {
          throw new DicomParseError(offset, `element ${formatTag(tag)} declares ${length} bytes but only ${Math.max(0, end - valueStart)} remain`, { tag });
        }
        after = valueStart + length;
        if (vr === 'SQ') {
          this.readSequence(tag, dataset, dataset.encoding, valueStart, after, false, depth + 1);
          element = { tag, vr, items: this.lastItems, undefinedLength: false, source: bytes.subarray(offset, after) };
        } else if (vr === 'UN' && this.holdsImplicitItems(tag, valueStart, after)) {
          // PS3.5 6.2.2: a standard sequence that passed through a system not knowing it keeps
          // its items in implicit VR little endian inside a UN of defined length.
          element = this.readUnSequence(tag, dataset, offset, valueStart, after, depth + 1);
        } else {
          if ((length & 1) === 1) this.warn(offset, tag, `element ${formatTag(tag)} has odd length ${length}`);
          element = { tag, vr, value: bytes.subarray(valueStart, after), source: bytes.subarray(offset, after) };
        }
      }

      if (dataset.has(tag)) {
        this.warn(offset, tag, `duplicate element ${formatTag(tag)}; the first is kept`);
      } else {
        if (tag < previous) this.warn(offset, tag, `element ${formatTag(tag)} is out of ascending tag order`);
        dataset.addRead(element);
      }
      if (tag > previous) previous = tag;
      offset = after;
    }
    if (mode === Mode.UndefinedItem) this.warn(offset, undefined, 'item of undefined length has no item delimitation before the end of data');
    return offset;
  }

  /** A defined-length UN whose tag PS3.6 knows as SQ, and whose value starts with an item header. */
  private holdsImplicitItems(tag: number, start: number, end: number): boolean {
    if (end - start < 8 || implicitVR(tag) !== 'SQ') return false;
    return this.view.getUint32(start, true) === ((ITEM & 0xffff) << 16 | ITEM >>> 16) >>> 0;
  }

  /** Reads a UN value as a sequence; if its content is not one, keeps the raw value with a warning. */
  private readUnSequence(tag: number, parent: Dataset, offset: number, start: number, end: number, depth: number): DataElement {
    const source = this.bytes.subarray(offset, end);
    try {
      this.readSequence(tag, parent, IMPLICIT_LITTLE, start, end, false, depth);
      return { tag, vr: 'UN', items: this.lastItems, undefinedLength: false, source };
    } catch (error) {
      if (!(error instanceof DicomParseError) || depth > this.maxDepth) throw error;
      this.warn(offset, tag, `UN element ${formatTag(tag)} is not an implicit VR sequence; kept as raw bytes`);
      return { tag, vr: 'UN', value: this.bytes.subarray(start, end), source };
    }
  }

  /** Items of the sequence read last (kept in a field to avoid a result object per sequence). */
  private lastItems: Dataset[] = [];
  private lastFragments: Fragments = { offsetTable: new Uint8Array(0), fragments: [] };

  /** Reads the items of a sequence into `lastItems`; returns the offset after it (after the delimiter when undefined length). */
  private readSequence(tag: number, parent: Dataset, itemEncoding: DatasetEncoding, start: number, limit: number, undefinedLength: boolean, depth: number): number {
    if (depth > this.maxDepth) {
      throw new DicomParseError(start, `sequence ${formatTag(tag)} is nested ${depth} levels deep, more than maxDepth ${this.maxDepth}`, { tag });
    }
    const { bytes, view } = this;
    const little = itemEncoding.littleEndian;
    const items: Dataset[] = [];
    let offset = start;
    for (;;) {
      if (!undefinedLength && offset >= limit) break;
      if (limit - offset < 8) {
        if (undefinedLength && offset === limit) {
          this.warn(offset, tag, `sequence ${formatTag(tag)} has no sequence delimitation before the end of data`);
          break;
        }
        throw new DicomParseError(offset, `sequence ${formatTag(tag)} is cut short: ${limit - offset} bytes remain where an item header needs 8`, { tag });
      }
      const itemTag = ((view.getUint16(offset, little) << 16) | view.getUint16(offset + 2, little)) >>> 0;
      const length = view.getUint32(offset + 4, little);
      if (itemTag === SEQUENCE_DELIMITATION) {
        if (undefinedLength) {
          offset += 8;
          break;
        }
        this.warn(offset, tag, `sequence delimitation inside sequence ${formatTag(tag)} of defined length; skipped`);
        offset += 8;
        continue;
      }
      if (itemTag !== ITEM) {
        throw new DicomParseError(offset, `sequence ${formatTag(tag)}: expected an item (FFFE,E000) but found ${formatTag(itemTag)}`, { tag });
      }
      const item = new Dataset(itemEncoding, parent);
      const contentStart = offset + 8;
      let itemEnd: number;
      if (length === UNDEFINED_LENGTH) {
        item.undefinedLength = true;
        itemEnd = this.readElements(item, contentStart, limit, depth, Mode.UndefinedItem);
      } else {
        itemEnd = contentStart + length;
        if (length > limit - contentStart) {
          // The item's elements are still bounds-checked one by one; only the container is clamped.
          this.warn(offset, tag, `item in sequence ${formatTag(tag)} declares ${length} bytes but only ${limit - contentStart} remain; read up to the end`);
          itemEnd = limit;
        }
        this.readElements(item, contentStart, itemEnd, depth, Mode.DefinedItem);
      }
      item.source = bytes.subarray(offset, itemEnd);
      items.push(item);
      offset = itemEnd;
    }
    this.lastItems = items;
    return offset;
  }

  /** Reads encapsulated Pixel Data (PS3.5 A.4) into `lastFragments`; returns the offset after the sequence delimiter. */
  private readFragments(tag: number, start: number, limit: number, little: boolean): number {
    const { bytes, view } = this;
    let offsetTable: Uint8Array | undefined;
    const fragments: Uint8Array[] = [];
    let offset = start;
    for (;;) {
      if (limit - offset < 8) {
        if (offset === limit) {
          this.warn(offset, tag, `encapsulated ${formatTag(tag)} has no sequence delimitation before the end of data`);
          break;
        }
        throw new DicomParseError(offset, `encapsulated ${formatTag(tag)} is cut short: ${limit - offset} bytes remain where an item header needs 8`, { tag });
      }
      const itemTag = ((view.getUint16(offset, little) << 16) | view.getUint16(offset + 2, little)) >>> 0;
      const length = view.getUint32(offset + 4, little);
      if (itemTag === SEQUENCE_DELIMITATION) {
        offset += 8;
        break;
      }
      if (itemTag !== ITEM) {
        throw new DicomParseError(offset, `encapsulated ${formatTag(tag)}: expected an item (FFFE,E000) but found ${formatTag(itemTag)}`, { tag });
      }
      if (length === UNDEFINED_LENGTH) {
        throw new DicomParseError(offset, `encapsulated ${formatTag(tag)}: a fragment has undefined length`, { tag });
      }
      if (length > limit - offset - 8) {
        throw new DicomParseError(offset, `fragment of ${formatTag(tag)} declares ${length} bytes but only ${limit - offset - 8} remain`, { tag });
      }
      const value = bytes.subarray(offset + 8, offset + 8 + length);
      if (offsetTable === undefined) offsetTable = value;
      else fragments.push(value);
      offset += 8 + length;
    }
    if (offsetTable === undefined) this.warn(start, tag, `encapsulated ${formatTag(tag)} has no Basic Offset Table item`);
    this.lastFragments = { offsetTable: offsetTable ?? bytes.subarray(start, start), fragments };
    return offset;
  }

  private warn(offset: number, tag: number | undefined, message: string): void {
    if (this.warnings.length < MAX_WARNINGS) {
      this.warnings.push(tag === undefined ? { offset, message } : { offset, tag, message });
    } else if (this.warnings.length === MAX_WARNINGS) {
      this.warnings.push({ offset, message: `more than ${MAX_WARNINGS} warnings; the rest are not listed` });
    }
  }
}

function isUpperAscii(byte: number): boolean {
  return byte >= 0x41 && byte <= 0x5a;
}

function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
