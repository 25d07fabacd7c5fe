/**
 * DIMSE command sets (PS3.7 6.3, 9.3, Annex E): group 0000 elements, always implicit VR
 * little endian, read with our data set reader and written with our writer (which recomputes
 * the Command Group Length). Only the fields of C-ECHO, C-STORE, C-FIND, C-GET, C-MOVE and
 * C-CANCEL are modelled; other elements are skipped on read.
 */
import { Dataset, IMPLICIT_LITTLE } from '../dicom/dataset.js';
import { readDataset } from '../dicom/read-dataset.js';
import { encodeNumbers, encodeStrings } from '../dicom/values.js';
import type { VR } from '../dicom/vr.js';
import { writeDataset } from '../dicom/write-dataset.js';
import { trimLeadingSpaces, trimPaddingEnd } from '../dicom/trim-padding.js';
import { MedVeilError } from '../errors.js';

/** Command Field values (PS3.7 E.1-1). */
export const CommandField = {
  CStoreRQ: 0x0001,
  CStoreRSP: 0x8001,
  CGetRQ: 0x0010,
  CGetRSP: 0x8010,
  CFindRQ: 0x0020,
  CFindRSP: 0x8020,
  CMoveRQ: 0x0021,
  CMoveRSP: 0x8021,
  CEchoRQ: 0x0030,
  CEchoRSP: 0x8030,
  CCancelRQ: 0x0fff,
} as const;

/** Priority (0000,0700) (PS3.7 9.3.1). */
export const Priority = { Medium: 0x0000, High: 0x0001, Low: 0x0002 } as const;

/** Command Data Set Type (0000,0800): this value means no data set follows; any other means one does (PS3.7 E.1-1). */
export const NO_DATA_SET = 0x0101;

/** Command elements (PS3.7 Table E.1-1); group 0000 is not in the PS3.6 dictionary, so their VRs are here. */
const CommandTag = {
  CommandGroupLength: 0x00000000,
  AffectedSOPClassUID: 0x00000002,
  RequestedSOPClassUID: 0x00000003,
  CommandField: 0x00000100,
  MessageID: 0x00000110,
  MessageIDBeingRespondedTo: 0x00000120,
  MoveDestination: 0x00000600,
  Priority: 0x00000700,
  CommandDataSetType: 0x00000800,
  Status: 0x00000900,
  OffendingElement: 0x00000901,
  ErrorComment: 0x00000902,
  ErrorID: 0x00000903,
  AffectedSOPInstanceUID: 0x00001000,
  RequestedSOPInstanceUID: 0x00001001,
  NumberOfRemainingSuboperations: 0x00001020,
  NumberOfCompletedSuboperations: 0x00001021,
  NumberOfFailedSuboperations: 0x00001022,
  NumberOfWarningSuboperations: 0x00001023,
  MoveOriginatorApplicationEntityTitle: 0x00001030,
  MoveOriginatorMessageID: 0x00001031,
} as const;

export interface DimseCommand {
  readonly commandField: number;
  readonly messageId?: number;
  readonly messageIdBeingRespondedTo?: number;
  readonly affectedSopClassUid?: string;
  readonly affectedSopInstanceUid?: string;
  readonly priority?: number;
  /** False when Command Data Set Type is 0x0101. */
  readonly hasDataSet: boolean;
  readonly status?: number;
  readonly moveDestination?: string;
  readonly moveOriginatorAeTitle?: string;
  readonly moveOriginatorMessageId?: number;
  readonly remainingSubOperations?: number;
  readonly completedSubOperations?: number;
  readonly failedSubOperations?: number;
  readonly warningSubOperations?: number;
  readonly offendingElements?: readonly number[];
  /** At most 64 characters (LO); it reaches the peer, so it holds no secret and no PHI. */
  readonly errorComment?: string;
}

const FIELDS: ReadonlyArray<readonly [keyof DimseCommand, number, VR]> = [
  ['affectedSopClassUid', CommandTag.AffectedSOPClassUID, 'UI'],
  ['commandField', CommandTag.CommandField, 'US'],
  ['messageId', CommandTag.MessageID, 'US'],
  ['messageIdBeingRespondedTo', CommandTag.MessageIDBeingRespondedTo, 'US'],
  ['moveDestination', CommandTag.MoveDestination, 'AE'],
  ['priority', CommandTag.Priority, 'US'],
  ['status', CommandTag.Status, 'US'],
  ['offendingElements', CommandTag.OffendingElement, 'AT'],
  ['errorComment', CommandTag.ErrorComment, 'LO'],
  ['affectedSopInstanceUid', CommandTag.AffectedSOPInstanceUID, 'UI'],
  ['remainingSubOperations', CommandTag.NumberOfRemainingSuboperations, 'US'],
  ['completedSubOperations', CommandTag.NumberOfCompletedSuboperations, 'US'],
  ['failedSubOperations', CommandTag.NumberOfFailedSuboperations, 'US'],
  ['warningSubOperations', CommandTag.NumberOfWarningSuboperations, 'US'],
  ['moveOriginatorAeTitle', CommandTag.MoveOriginatorApplicationEntityTitle, 'AE'],
  ['moveOriginatorMessageId', CommandTag.MoveOriginatorMessageID, 'US'],
];

/** Encodes a command set in implicit VR little endian, Command Group Length first (PS3.7 6.3.1). */
export function encodeCommand(command: DimseCommand): Uint8Array {
  const dataset = new Dataset(IMPLICIT_LITTLE);
  dataset.set({ tag: CommandTag.CommandGroupLength, vr: 'UL', value: new Uint8Array(4) });
  dataset.set({ tag: CommandTag.CommandDataSetType, vr: 'US', value: encodeNumbers([command.hasDataSet ? 0x0000 : NO_DATA_SET], 'US') });
  for (const [key, tag, vr] of FIELDS) {
    const value = command[key];
    if (value === undefined) continue;
    let bytes: Uint8Array;
    if (typeof value === 'string') {
      if (vr === 'LO' && value.length > 64) throw new MedVeilError('dimse', `error comment of ${value.length} characters exceeds the 64 of LO`);
      bytes = encodeStrings([value], vr, []);
    } else if (typeof value === 'number') {
      bytes = encodeNumbers([value], vr);
    } else if (Array.isArray(value)) {
      bytes = encodeNumbers(value as number[], vr);
    } else {
      continue;
    }
    dataset.set({ tag, vr, value: bytes });
  }
  return Buffer.concat(writeDataset(dataset, IMPLICIT_LITTLE));
}

/** Reads a command set; throws a MedVeilError ('dimse') when it is not one. */
export function decodeCommand(bytes: Uint8Array): DimseCommand {
  let dataset: Dataset;
  try {
    dataset = readDataset(bytes, IMPLICIT_LITTLE, { maxDepth: 1 }).dataset;
  } catch (error) {
    throw new MedVeilError('dimse', 'a DIMSE command set is not a readable implicit VR little endian data set', { cause: error });
  }
  const command: Record<string, unknown> = {};
  for (const [key, tag, vr] of FIELDS) {
    const value = dataset.get(tag)?.value;
    if (value === undefined || value.length === 0) continue;
    if (vr === 'UI' || vr === 'AE' || vr === 'LO') command[key] = text(value);
    else if (vr === 'AT') command[key] = tags(value);
    else if (value.length >= 2) command[key] = value[0]! | (value[1]! << 8);
  }
  if (command['commandField'] === undefined) throw new MedVeilError('dimse', 'a DIMSE command set has no Command Field (0000,0100)');
  const dataSetType = dataset.get(CommandTag.CommandDataSetType)?.value;
  if (dataSetType === undefined || dataSetType.length < 2) throw new MedVeilError('dimse', 'a DIMSE command set has no Command Data Set Type (0000,0800)');
  command['hasDataSet'] = (dataSetType[0]! | (dataSetType[1]! << 8)) !== NO_DATA_SET;
  return command as unknown as DimseCommand;
}

const latin1 = new TextDecoder('latin1');

function text(bytes: Uint8Array): string {
  return trimLeadingSpaces(trimPaddingEnd(latin1.decode(bytes)));
}

function tags(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at + 4 <= bytes.length; at += 4) {
    out.push((((bytes[at]! | (bytes[at + 1]! << 8)) << 16) | (bytes[at + 2]! | (bytes[at + 3]! << 8))) >>> 0);
  }
  return out;
}

/** The name of a command field for messages and logs, e.g. "C-STORE-RQ". */
export function commandName(field: number): string {
  const names: Record<number, string> = {
    [CommandField.CStoreRQ]: 'C-STORE-RQ', [CommandField.CStoreRSP]: 'C-STORE-RSP',
    [CommandField.CGetRQ]: 'C-GET-RQ', [CommandField.CGetRSP]: 'C-GET-RSP',
    [CommandField.CFindRQ]: 'C-FIND-RQ', [CommandField.CFindRSP]: 'C-FIND-RSP',
    [CommandField.CMoveRQ]: 'C-MOVE-RQ', [CommandField.CMoveRSP]: 'C-MOVE-RSP',
    [CommandField.CEchoRQ]: 'C-ECHO-RQ', [CommandField.CEchoRSP]: 'C-ECHO-RSP',
    [CommandField.CCancelRQ]: 'C-CANCEL-RQ',
  };
  return names[field] ?? `command 0x${field.toString(16).padStart(4, '0')}`;
}
