/**
 * Hand-made DICOM bytes for reader and writer tests, built here byte by byte (PS3.5 7.1,
 * 7.5, A.4) rather than with our writer, so that reader tests do not trust the writer.
 */
export interface Encoding {
  readonly explicit: boolean;
  readonly little: boolean;
}

export const ELE: Encoding = { explicit: true, little: true };
export const ILE: Encoding = { explicit: false, little: true };
export const EBE: Encoding = { explicit: true, little: false };

const LONG = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
export const UNDEFINED = 0xffffffff;

export function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Text padded to even length (space, or NUL for UI). */
export function text(value: string, pad = ' '): Uint8Array {
  return Buffer.from(value.length % 2 === 1 ? value + pad : value, 'latin1');
}

export function uid(value: string): Uint8Array {
  return text(value, '\0');
}

export function u16(values: number[], little = true): Uint8Array {
  const out = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => (little ? out.writeUInt16LE(v, i * 2) : out.writeUInt16BE(v, i * 2)));
  return out;
}

export function u32(values: number[], little = true): Uint8Array {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => (little ? out.writeUInt32LE(v, i * 4) : out.writeUInt32BE(v, i * 4)));
  return out;
}

function tagBytes(tag: number, little: boolean): Buffer {
  const out = Buffer.alloc(4);
  if (little) {
    out.writeUInt16LE(tag >>> 16, 0);
    out.writeUInt16LE(tag & 0xffff, 2);
  } else {
    out.writeUInt16BE(tag >>> 16, 0);
    out.writeUInt16BE(tag & 0xffff, 2);
  }
  return out;
}

/** An element header; `length` is written as given (so tests can lie about it). */
export function header(enc: Encoding, tag: number, vr: string, length: number, long = LONG.has(vr)): Uint8Array {
  const tagPart = tagBytes(tag, enc.little);
  if (!enc.explicit) return concat(tagPart, u32([length], enc.little));
  if (long) {
    return concat(tagPart, Buffer.from(vr.slice(0, 2), 'latin1'), Buffer.alloc(2), u32([length], enc.little));
  }
  return concat(tagPart, Buffer.from(vr, 'latin1'), u16([length], enc.little));
}

export function element(enc: Encoding, tag: number, vr: string, value: Uint8Array = new Uint8Array(0), declared = value.length, long = LONG.has(vr)): Uint8Array {
  return concat(header(enc, tag, vr, declared, long), value);
}

export function item(enc: Encoding, content: Uint8Array, undefinedLength = false): Uint8Array {
  if (undefinedLength) return concat(tagBytes(0xfffee000, enc.little), u32([UNDEFINED], enc.little), content, delimiter(enc, 0xfffee00d));
  return concat(tagBytes(0xfffee000, enc.little), u32([content.length], enc.little), content);
}

export function delimiter(enc: Encoding, tag: number): Uint8Array {
  return concat(tagBytes(tag, enc.little), u32([0], enc.little));
}

/** A sequence of the given items; undefined length adds the sequence delimiter. */
export function sequence(enc: Encoding, tag: number, items: Uint8Array[], undefinedLength = false, vr = 'SQ'): Uint8Array {
  const body = concat(...items);
  if (undefinedLength) return concat(header(enc, tag, vr, UNDEFINED), body, delimiter(enc, 0xfffee0dd));
  return concat(header(enc, tag, vr, body.length), body);
}

/** Encapsulated Pixel Data (PS3.5 A.4): OB, undefined length, offset table item, fragments, delimiter. */
export function encapsulated(offsetTable: Uint8Array, fragments: Uint8Array[]): Uint8Array {
  return concat(
    header(ELE, 0x7fe00010, 'OB', UNDEFINED),
    item(ELE, offsetTable),
    ...fragments.map((f) => item(ELE, f)),
    delimiter(ELE, 0xfffee0dd),
  );
}

/** Preamble, "DICM" and a File Meta Information with a correct group length. */
export function part10(transferSyntaxUid: string, dataset: Uint8Array, sop = { classUid: '1.2.840.10008.5.1.4.1.1.7', instanceUid: '1.2.3.4' }): Uint8Array {
  const body = concat(
    element(ELE, 0x00020001, 'OB', new Uint8Array([0, 1])),
    element(ELE, 0x00020002, 'UI', uid(sop.classUid)),
    element(ELE, 0x00020003, 'UI', uid(sop.instanceUid)),
    element(ELE, 0x00020010, 'UI', uid(transferSyntaxUid)),
    element(ELE, 0x00020012, 'UI', uid('1.2.3.999')),
  );
  return concat(Buffer.alloc(128), Buffer.from('DICM'), element(ELE, 0x00020000, 'UL', u32([body.length])), body, dataset);
}
