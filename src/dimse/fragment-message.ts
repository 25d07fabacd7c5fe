/**
 * Cuts one DIMSE message into P-DATA-TF PDUs that fit the peer's Maximum Length Received
 * (PS3.8 D.1): one PDV per PDU, command fragments first, the last of each marked (PS3.8 E.2).
 * PDV data are views of the caller's chunks; only a fragment that spans two chunks is copied.
 */
import { type PDataTF, PduType, type PresentationDataValue } from './pdu.js';

/** Item length (4), presentation context ID (1), message control header (1) (PS3.8 9.3.5.1). */
const PDV_HEADER_LENGTH = 6;
/** Used when the peer states no limit (0): large enough that a PDU costs little, small enough to interleave writes. */
export const UNLIMITED_PDU_FRAGMENT = 1 << 20;

export interface MessageToFragment {
  readonly presentationContextId: number;
  /** The encoded command set. */
  readonly command: Uint8Array;
  readonly dataSet?: readonly Uint8Array[];
}

/** `peerMaxPduLength` is the peer's Maximum Length Received; 0 means no limit. */
export function fragmentMessage(message: MessageToFragment, peerMaxPduLength: number): PDataTF[] {
  const { presentationContextId, command, dataSet } = message;
  const limit = peerMaxPduLength === 0 ? UNLIMITED_PDU_FRAGMENT : peerMaxPduLength;
  const room = Math.max(1, limit - PDV_HEADER_LENGTH);
  const pdus: PDataTF[] = [];
  const pdv = (data: Uint8Array, isCommand: boolean, last: boolean): void => {
    const value: PresentationDataValue = { presentationContextId, command: isCommand, last, data };
    pdus.push({ type: PduType.PDataTF, values: [value] });
  };
  // A command set is never empty: it holds at least its group length (PS3.7 6.3.1).
  for (let at = 0; at < command.length; at += room) {
    const end = Math.min(command.length, at + room);
    pdv(command.subarray(at, end), true, end === command.length);
  }
  if (dataSet === undefined) return pdus;
  const total = dataSet.reduce((n, chunk) => n + chunk.length, 0);
  if (total === 0) {
    pdv(new Uint8Array(0), false, true);
    return pdus;
  }
  let chunkIndex = 0;
  let chunkOffset = 0;
  let sent = 0;
  while (sent < total) {
    const want = Math.min(room, total - sent);
    const first = dataSet[chunkIndex]!;
    let data: Uint8Array;
    if (first.length - chunkOffset >= want) {
      data = first.subarray(chunkOffset, chunkOffset + want);
      chunkOffset += want;
    } else {
      data = new Uint8Array(want);
      let filled = 0;
      while (filled < want) {
        const chunk = dataSet[chunkIndex]!;
        const n = Math.min(chunk.length - chunkOffset, want - filled);
        data.set(chunk.subarray(chunkOffset, chunkOffset + n), filled);
        filled += n;
        chunkOffset += n;
        if (chunkOffset === chunk.length) {
          chunkIndex++;
          chunkOffset = 0;
        }
      }
    }
    while (chunkIndex < dataSet.length && chunkOffset === dataSet[chunkIndex]!.length) {
      chunkIndex++;
      chunkOffset = 0;
    }
    sent += want;
    pdv(data, false, sent === total);
  }
  return pdus;
}
