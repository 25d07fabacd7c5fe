/**
 * Writes PDUs (PS3.8 9.3) strictly: AE titles of 1-16 characters, UIDs of at most 64
 * characters, every length within its field. The result is a list of chunks for `writev`;
 * presentation data values leave as the caller's views, never copied.
 */
import { MedVeilError } from '../errors.js';
import {
  type AAssociateAC,
  type AAssociateRQ,
  type PDataTF,
  type Pdu,
  PduType,
  type UserInformation,
} from './pdu.js';

export function encodePdu(pdu: Pdu): Uint8Array[] {
  switch (pdu.type) {
    case PduType.AAssociateRQ:
    case PduType.AAssociateAC:
      return [withHeader(pdu.type, encodeAssociate(pdu))];
    case PduType.AAssociateRJ:
      return [withHeader(pdu.type, Uint8Array.of(0, pdu.result, pdu.source, pdu.reason))];
    case PduType.PDataTF:
      return encodePData(pdu);
    case PduType.AReleaseRQ:
    case PduType.AReleaseRP:
      return [withHeader(pdu.type, new Uint8Array(4))];
    case PduType.AAbort:
      return [withHeader(pdu.type, Uint8Array.of(0, 0, pdu.source, pdu.reason))];
  }
}

function withHeader(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(6 + body.length);
  out[0] = type;
  new DataView(out.buffer).setUint32(2, body.length);
  out.set(body, 6);
  return out;
}

/** Header, then per PDV: item length (4), presentation context ID, message control header, data (PS3.8 9.3.5, E.2). */
function encodePData(pdu: PDataTF): Uint8Array[] {
  let length = 0;
  for (const pdv of pdu.values) length += 6 + pdv.data.length;
  const chunks: Uint8Array[] = [];
  const header = new Uint8Array(6);
  header[0] = PduType.PDataTF;
  new DataView(header.buffer).setUint32(2, length);
  chunks.push(header);
  for (const pdv of pdu.values) {
    const item = new Uint8Array(6);
    new DataView(item.buffer).setUint32(0, pdv.data.length + 2);
    item[4] = pdv.presentationContextId;
    item[5] = (pdv.command ? 0x01 : 0) | (pdv.last ? 0x02 : 0);
    chunks.push(item, pdv.data);
  }
  return chunks;
}

/** Builds byte sequences of items without knowing their lengths in advance. */
class ItemWriter {
  private readonly parts: Uint8Array[] = [];
  length = 0;

  bytes(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  /** type (1), reserved (1), length (2), value: an item or sub-item (PS3.8 9.3.2). */
  item(type: number, value: Uint8Array): void {
    if (value.length > 0xffff) throw new MedVeilError('dimse', `item 0x${type.toString(16)} of ${value.length} bytes does not fit a 16-bit length`);
    const header = new Uint8Array(4);
    header[0] = type;
    header[2] = value.length >>> 8;
    header[3] = value.length & 0xff;
    this.bytes(header);
    this.bytes(value);
  }

  done(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

function encodeAssociate(pdu: AAssociateRQ | AAssociateAC): Uint8Array {
  const w = new ItemWriter();
  const fixed = new Uint8Array(68);
  new DataView(fixed.buffer).setUint16(0, pdu.protocolVersion);
  fixed.set(aeTitleField(pdu.calledAeTitle), 4);
  fixed.set(aeTitleField(pdu.callingAeTitle), 20);
  w.bytes(fixed);
  w.item(0x10, uidBytes(pdu.applicationContext));
  if (pdu.type === PduType.AAssociateRQ) {
    for (const pc of pdu.presentationContexts) {
      const sub = new ItemWriter();
      sub.bytes(Uint8Array.of(pc.id, 0, 0, 0));
      sub.item(0x30, uidBytes(pc.abstractSyntax));
      for (const ts of pc.transferSyntaxes) sub.item(0x40, uidBytes(ts));
      w.item(0x20, sub.done());
    }
  } else {
    for (const pc of pdu.presentationContexts) {
      const sub = new ItemWriter();
      sub.bytes(Uint8Array.of(pc.id, 0, pc.result, 0));
      sub.item(0x40, uidBytes(pc.transferSyntax));
      w.item(0x21, sub.done());
    }
  }
  w.item(0x50, encodeUserInformation(pdu.userInformation));
  return w.done();
}

function encodeUserInformation(info: UserInformation): Uint8Array {
  const w = new ItemWriter();
  const max = new Uint8Array(4);
  new DataView(max.buffer).setUint32(0, info.maxPduLength);
  w.item(0x51, max);
  w.item(0x52, uidBytes(info.implementationClassUid));
  if (info.asyncOperations) {
    const value = new Uint8Array(4);
    new DataView(value.buffer).setUint16(0, info.asyncOperations.invoked);
    new DataView(value.buffer).setUint16(2, info.asyncOperations.performed);
    w.item(0x53, value);
  }
  for (const role of info.roleSelections) {
    const uid = uidBytes(role.sopClassUid);
    w.item(0x54, concat([lengthPrefix(uid.length), uid, Uint8Array.of(role.scuRole ? 1 : 0, role.scpRole ? 1 : 0)]));
  }
  if (info.implementationVersionName !== undefined) w.item(0x55, asciiBytes(info.implementationVersionName, 16, 'implementation version name'));
  for (const ext of info.extendedNegotiations) {
    const uid = uidBytes(ext.sopClassUid);
    w.item(0x56, concat([lengthPrefix(uid.length), uid, ext.applicationInformation]));
  }
  if (info.userIdentity) {
    const id = info.userIdentity;
    w.item(0x58, concat([
      Uint8Array.of(id.type, id.positiveResponseRequested ? 1 : 0),
      lengthPrefix(id.primaryField.length), id.primaryField,
      lengthPrefix(id.secondaryField.length), id.secondaryField,
    ]));
  }
  if (info.userIdentityResponse) w.item(0x59, concat([lengthPrefix(info.userIdentityResponse.length), info.userIdentityResponse]));
  return w.done();
}

function lengthPrefix(length: number): Uint8Array {
  if (length > 0xffff) throw new MedVeilError('dimse', `a field of ${length} bytes does not fit a 16-bit length`);
  return Uint8Array.of(length >>> 8, length & 0xff);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

/** 16 bytes, space padded; 1-16 characters of the default repertoire without backslash (PS3.5 6.2 AE). */
function aeTitleField(title: string): Uint8Array {
  if (title.trim() === '') throw new MedVeilError('dimse', 'an AE title must not be empty or only spaces (PS3.5 6.2)');
  const bytes = asciiBytes(title, 16, 'AE title');
  if (bytes.includes(0x5c)) throw new MedVeilError('dimse', `AE title ${JSON.stringify(title)} contains a backslash (PS3.5 6.2)`);
  const field = new Uint8Array(16).fill(0x20);
  field.set(bytes);
  return field;
}

function uidBytes(uid: string): Uint8Array {
  if (!/^[0-9.]{1,64}$/.test(uid)) throw new MedVeilError('dimse', `${JSON.stringify(uid)} is not a UID of 1-64 digits and dots (PS3.5 9.1)`);
  return Buffer.from(uid, 'latin1');
}

function asciiBytes(text: string, max: number, what: string): Uint8Array {
  if (text.length > max || !/^[\x20-\x7e]*$/.test(text)) {
    throw new MedVeilError('dimse', `${what} ${JSON.stringify(text)} is not 0-${max} printable ASCII characters`);
  }
  return Buffer.from(text, 'latin1');
}
