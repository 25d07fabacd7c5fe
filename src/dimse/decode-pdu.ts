/**
 * Reads one PDU from its body (the bytes after the 6-byte PDU header, PS3.8 9.3.1). The bytes
 * come from the network and are attacker-controlled: every item length is checked against the
 * bytes of its parent before anything is read, nothing is allocated from a declared length, and
 * any structural fault is a PduError (which the upper layer turns into an A-ABORT). Presentation
 * data values are views of `body`, never copies.
 *
 * Items and sub-items of unknown type are skipped (PS3.8 9.3.1 "unrecognized items ... shall be
 * ignored"), which is how unsupported extended negotiation is tolerated.
 */
import {
  type AAbort,
  type AAssociateAC,
  type AAssociateRJ,
  type AAssociateRQ,
  AbortReason,
  type ExtendedNegotiation,
  type PDataTF,
  type Pdu,
  PduType,
  type PresentationContextAnswer,
  type PresentationContextProposal,
  type PresentationContextResultCode,
  type PresentationDataValue,
  type RoleSelection,
  type UserIdentityRequest,
  type UserInformation,
} from './pdu.js';
import { PduError } from './pdu-error.js';
import { trimLeadingSpaces, trimPaddingEnd } from '../dicom/trim-padding.js';

/** Variable-field item types of the A-ASSOCIATE PDUs (PS3.8 9.3.2, 9.3.3, PS3.7 D.3.3). */
const Item = {
  ApplicationContext: 0x10,
  PresentationContextRQ: 0x20,
  PresentationContextAC: 0x21,
  AbstractSyntax: 0x30,
  TransferSyntax: 0x40,
  UserInformation: 0x50,
  MaximumLength: 0x51,
  ImplementationClassUid: 0x52,
  AsynchronousOperationsWindow: 0x53,
  RoleSelection: 0x54,
  ImplementationVersionName: 0x55,
  SopClassExtendedNegotiation: 0x56,
  UserIdentityRQ: 0x58,
  UserIdentityAC: 0x59,
} as const;

/** Protocol version, reserved, called AE, calling AE, 32 reserved bytes (PS3.8 Table 9-11). */
const ASSOCIATE_FIXED_LENGTH = 68;

export function decodePdu(type: number, body: Uint8Array): Pdu {
  switch (type) {
    case PduType.AAssociateRQ:
      return decodeAssociate(body, PduType.AAssociateRQ) as AAssociateRQ;
    case PduType.AAssociateAC:
      return decodeAssociate(body, PduType.AAssociateAC) as AAssociateAC;
    case PduType.AAssociateRJ:
      return decodeReject(body);
    case PduType.PDataTF:
      return decodePData(body);
    case PduType.AReleaseRQ:
    case PduType.AReleaseRP:
      expectLength(body, 4, type === PduType.AReleaseRQ ? 'A-RELEASE-RQ' : 'A-RELEASE-RP');
      return { type };
    case PduType.AAbort:
      return decodeAbort(body);
    default:
      throw new PduError(`unknown PDU type 0x${type.toString(16).padStart(2, '0')}`, AbortReason.UnrecognizedPdu);
  }
}

function expectLength(body: Uint8Array, length: number, name: string): void {
  if (body.length !== length) throw new PduError(`${name} has a body of ${body.length} bytes, not ${length} (PS3.8 9.3)`);
}

function decodeReject(body: Uint8Array): AAssociateRJ {
  expectLength(body, 4, 'A-ASSOCIATE-RJ');
  return { type: PduType.AAssociateRJ, result: body[1]!, source: body[2]!, reason: body[3]! };
}

function decodeAbort(body: Uint8Array): AAbort {
  expectLength(body, 4, 'A-ABORT');
  return { type: PduType.AAbort, source: body[2]!, reason: body[3]! };
}

function decodePData(body: Uint8Array): PDataTF {
  return decodePDataParts([body]);
}

/**
 * A P-DATA-TF body given as consecutive parts (the socket reads it arrived in), decoded without
 * copying: a PDV whose data spans two parts becomes two values of the same context and kind,
 * only the second carrying the PDV's `last` bit. Only a PDV header split between parts is copied.
 */
export function decodePDataParts(parts: readonly Uint8Array[]): PDataTF {
  const reader = new PartReader(parts);
  const values: PresentationDataValue[] = [];
  let itemCount = 0;
  while (reader.remaining > 0) {
    const at = reader.offset;
    if (reader.remaining < 4) throw new PduError(`P-DATA-TF: ${reader.remaining} trailing bytes cannot hold a PDV item length`);
    const lengthBytes = reader.header(4);
    const length = ((lengthBytes[0]! << 24) >>> 0) + (lengthBytes[1]! << 16) + (lengthBytes[2]! << 8) + lengthBytes[3]!;
    // Presentation context ID and message control header are part of the item length (PS3.8 9.3.5.1).
    if (length < 2) throw new PduError(`P-DATA-TF: PDV item at byte ${at} declares ${length} bytes, fewer than its 2-byte header`);
    if (length > reader.remaining) {
      throw new PduError(`P-DATA-TF: PDV item at byte ${at} declares ${length} bytes but only ${reader.remaining} remain`);
    }
    const header = reader.header(2);
    const presentationContextId = header[0]!;
    const command = (header[1]! & 0x01) !== 0;
    const last = (header[1]! & 0x02) !== 0;
    const pieces = reader.views(length - 2);
    if (pieces.length === 0) values.push({ presentationContextId, command, last, data: new Uint8Array(0) });
    pieces.forEach((data, i) => values.push({ presentationContextId, command, last: last && i === pieces.length - 1, data }));
    itemCount++;
  }
  if (itemCount === 0) throw new PduError('P-DATA-TF holds no PDV item (PS3.8 9.3.5)');
  return { type: PduType.PDataTF, values };
}

/** Reads consecutive parts as one byte sequence, handing out views. */
class PartReader {
  private index = 0;
  private within = 0;
  offset = 0;
  remaining: number;

  constructor(private readonly parts: readonly Uint8Array[]) {
    this.remaining = parts.reduce((n, part) => n + part.length, 0);
  }

  /** The next `n` bytes (a few header bytes), consumed; a copy only when they straddle parts. */
  header(n: number): Uint8Array {
    const views = this.views(n);
    return views.length === 1 ? views[0]! : Buffer.concat(views);
  }

  /** The next `n` bytes as views, consumed. The caller has checked that `n` bytes remain. */
  views(n: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let left = n;
    while (left > 0) {
      const part = this.parts[this.index]!;
      const take = Math.min(part.length - this.within, left);
      if (take > 0) out.push(part.subarray(this.within, this.within + take));
      this.within += take;
      left -= take;
      if (this.within === part.length) {
        this.index++;
        this.within = 0;
      }
    }
    this.offset += n;
    this.remaining -= n;
    return out;
  }
}

interface RawItem {
  readonly type: number;
  /** The item's value: a view after its 4-byte header. */
  readonly value: Uint8Array;
}

/** Items of the form type (1), reserved (1), length (2, big endian), value (PS3.8 9.3.2). */
function readItems(bytes: Uint8Array, where: string): RawItem[] {
  const view = dataView(bytes);
  const items: RawItem[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 4) throw new PduError(`${where}: ${bytes.length - at} trailing bytes cannot hold an item header`);
    const length = view.getUint16(at + 2);
    if (length > bytes.length - at - 4) {
      throw new PduError(`${where}: item 0x${bytes[at]!.toString(16)} at byte ${at} declares ${length} bytes but only ${bytes.length - at - 4} remain`);
    }
    items.push({ type: bytes[at]!, value: bytes.subarray(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return items;
}

function decodeAssociate(body: Uint8Array, type: typeof PduType.AAssociateRQ | typeof PduType.AAssociateAC): AAssociateRQ | AAssociateAC {
  const name = type === PduType.AAssociateRQ ? 'A-ASSOCIATE-RQ' : 'A-ASSOCIATE-AC';
  if (body.length < ASSOCIATE_FIXED_LENGTH) throw new PduError(`${name} has ${body.length} bytes, fewer than its ${ASSOCIATE_FIXED_LENGTH}-byte fixed fields`);
  const protocolVersion = dataView(body).getUint16(0);
  const calledAeTitle = aeTitle(body.subarray(4, 20));
  const callingAeTitle = aeTitle(body.subarray(20, 36));
  let applicationContext: string | undefined;
  let userInformation: UserInformation | undefined;
  const proposals: PresentationContextProposal[] = [];
  const answers: PresentationContextAnswer[] = [];
  for (const item of readItems(body.subarray(ASSOCIATE_FIXED_LENGTH), name)) {
    switch (item.type) {
      case Item.ApplicationContext:
        if (applicationContext !== undefined) throw new PduError(`${name} holds two Application Context items`, AbortReason.UnexpectedPduParameter);
        applicationContext = uid(item.value);
        break;
      case Item.PresentationContextRQ:
        if (type !== PduType.AAssociateRQ) throw new PduError(`${name} holds a proposal presentation context item (0x20)`, AbortReason.UnexpectedPduParameter);
        proposals.push(decodeProposal(item.value));
        break;
      case Item.PresentationContextAC:
        if (type !== PduType.AAssociateAC) throw new PduError(`${name} holds an answer presentation context item (0x21)`, AbortReason.UnexpectedPduParameter);
        answers.push(decodeAnswer(item.value));
        break;
      case Item.UserInformation:
        if (userInformation !== undefined) throw new PduError(`${name} holds two User Information items`, AbortReason.UnexpectedPduParameter);
        userInformation = decodeUserInformation(item.value);
        break;
      default:
        break;
    }
  }
  if (applicationContext === undefined) throw new PduError(`${name} has no Application Context item (PS3.8 9.3.2.1)`);
  if (userInformation === undefined) throw new PduError(`${name} has no User Information item (PS3.8 9.3.2.3)`);
  const fields = { protocolVersion, calledAeTitle, callingAeTitle, applicationContext, userInformation };
  return type === PduType.AAssociateRQ
    ? { type, ...fields, presentationContexts: proposals }
    : { type, ...fields, presentationContexts: answers };
}

/** Presentation context ID (1), three reserved bytes, one abstract syntax and 1-n transfer syntaxes (PS3.8 9.3.2.2). */
function decodeProposal(value: Uint8Array): PresentationContextProposal {
  if (value.length < 4) throw new PduError(`presentation context item of ${value.length} bytes is shorter than its 4 fixed bytes`);
  const id = value[0]!;
  let abstractSyntax: string | undefined;
  const transferSyntaxes: string[] = [];
  for (const sub of readItems(value.subarray(4), `presentation context ${id}`)) {
    if (sub.type === Item.AbstractSyntax) {
      if (abstractSyntax !== undefined) throw new PduError(`presentation context ${id} holds two abstract syntaxes`, AbortReason.UnexpectedPduParameter);
      abstractSyntax = uid(sub.value);
    } else if (sub.type === Item.TransferSyntax) {
      transferSyntaxes.push(uid(sub.value));
    }
  }
  if (abstractSyntax === undefined) throw new PduError(`presentation context ${id} has no abstract syntax (PS3.8 9.3.2.2.1)`);
  if (transferSyntaxes.length === 0) throw new PduError(`presentation context ${id} has no transfer syntax (PS3.8 9.3.2.2.2)`);
  return { id, abstractSyntax, transferSyntaxes };
}

/** Presentation context ID (1), reserved, result/reason (1), reserved, one transfer syntax (PS3.8 9.3.3.2). */
function decodeAnswer(value: Uint8Array): PresentationContextAnswer {
  if (value.length < 4) throw new PduError(`presentation context item of ${value.length} bytes is shorter than its 4 fixed bytes`);
  const id = value[0]!;
  const result = value[2]!;
  if (result > 4) throw new PduError(`presentation context ${id} has result ${result}, not 0-4 (PS3.8 Table 9-18)`);
  let transferSyntax = '';
  for (const sub of readItems(value.subarray(4), `presentation context ${id}`)) {
    if (sub.type === Item.TransferSyntax) transferSyntax = uid(sub.value);
  }
  return { id, result: result as PresentationContextResultCode, transferSyntax };
}

function decodeUserInformation(value: Uint8Array): UserInformation {
  let maxPduLength = 0;
  let implementationClassUid = '';
  let implementationVersionName: string | undefined;
  let asyncOperations: UserInformation['asyncOperations'];
  let userIdentity: UserIdentityRequest | undefined;
  let userIdentityResponse: Uint8Array | undefined;
  const roleSelections: RoleSelection[] = [];
  const extendedNegotiations: ExtendedNegotiation[] = [];
  for (const sub of readItems(value, 'User Information')) {
    const v = sub.value;
    const view = dataView(v);
    switch (sub.type) {
      case Item.MaximumLength:
        if (v.length !== 4) throw new PduError(`Maximum Length sub-item has ${v.length} bytes, not 4 (PS3.8 D.1)`);
        maxPduLength = view.getUint32(0);
        break;
      case Item.ImplementationClassUid:
        implementationClassUid = uid(v);
        break;
      case Item.ImplementationVersionName:
        implementationVersionName = aeTitle(v);
        break;
      case Item.AsynchronousOperationsWindow:
        if (v.length !== 4) throw new PduError(`Asynchronous Operations Window sub-item has ${v.length} bytes, not 4 (PS3.7 D.3.3.3)`);
        asyncOperations = { invoked: view.getUint16(0), performed: view.getUint16(2) };
        break;
      case Item.RoleSelection:
        roleSelections.push(decodeRoleSelection(v));
        break;
      case Item.SopClassExtendedNegotiation: {
        const length = lengthPrefixed(v, 0, 'SOP Class Extended Negotiation');
        extendedNegotiations.push({ sopClassUid: uid(v.subarray(2, 2 + length)), applicationInformation: v.subarray(2 + length) });
        break;
      }
      case Item.UserIdentityRQ: {
        if (v.length < 4) throw new PduError('User Identity sub-item is shorter than its fixed fields (PS3.7 D.3.3.7.1)');
        const primary = lengthPrefixed(v, 2, 'User Identity primary field');
        const secondaryAt = 4 + primary;
        const secondary = lengthPrefixed(v, secondaryAt, 'User Identity secondary field');
        userIdentity = {
          type: v[0]!,
          positiveResponseRequested: v[1] === 1,
          primaryField: v.subarray(4, 4 + primary),
          secondaryField: v.subarray(secondaryAt + 2, secondaryAt + 2 + secondary),
        };
        break;
      }
      case Item.UserIdentityAC: {
        const length = lengthPrefixed(v, 0, 'User Identity response');
        userIdentityResponse = v.subarray(2, 2 + length);
        break;
      }
      default:
        break;
    }
  }
  return {
    maxPduLength,
    implementationClassUid,
    ...(implementationVersionName !== undefined && { implementationVersionName }),
    ...(asyncOperations !== undefined && { asyncOperations }),
    roleSelections,
    extendedNegotiations,
    ...(userIdentity !== undefined && { userIdentity }),
    ...(userIdentityResponse !== undefined && { userIdentityResponse }),
  };
}

/** UID length (2), UID, SCU role (1), SCP role (1) (PS3.7 D.3.3.4). */
function decodeRoleSelection(v: Uint8Array): RoleSelection {
  const length = lengthPrefixed(v, 0, 'SCP/SCU Role Selection');
  if (v.length !== 2 + length + 2) throw new PduError(`SCP/SCU Role Selection sub-item has ${v.length} bytes, not ${4 + length} (PS3.7 D.3.3.4)`);
  return { sopClassUid: uid(v.subarray(2, 2 + length)), scuRole: v[2 + length] === 1, scpRole: v[3 + length] === 1 };
}

/** A 16-bit big-endian length at `at`, checked against the bytes after it. */
function lengthPrefixed(v: Uint8Array, at: number, what: string): number {
  if (v.length < at + 2) throw new PduError(`${what} has no room for its length`);
  const length = (v[at]! << 8) | v[at + 1]!;
  if (length > v.length - at - 2) throw new PduError(`${what} declares ${length} bytes but only ${v.length - at - 2} remain`);
  return length;
}

const latin1 = new TextDecoder('latin1');

/** UIDs are ASCII; trailing NUL or space padding is tolerated (PS3.8 9.3.2.2.1 and common practice). */
function uid(bytes: Uint8Array): string {
  return trimPaddingEnd(latin1.decode(bytes));
}

/** AE titles are padded with spaces; leading and trailing spaces are not significant (PS3.5 6.2 AE). */
function aeTitle(bytes: Uint8Array): string {
  return trimLeadingSpaces(trimPaddingEnd(latin1.decode(bytes)));
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
