/**
 * Where the data set of a stored Part 10 file starts: after the preamble, "DICM" and the File
 * Meta Information (PS3.10 7.1: group 0002, always explicit VR little endian). A C-STORE sends
 * the data set alone (PS3.7 9.3.1), so a retrieve over DIMSE serves the stored bytes from here,
 * unchanged. The stored files are ours (ingest read each one whole before storing it), so a
 * malformed meta here is a broken invariant, not bad input.
 */
import { isVR, hasLongHeader } from '../dicom/vr.js';
import { internalError } from '../errors.js';

const PREAMBLE_AND_MAGIC = 132;

export function part10DataSetOffset(bytes: Uint8Array): number {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The reader accepts a file without the preamble too (read-dicom-file.ts), and so may ingest.
  let at = view.toString('latin1', 128, 132) === 'DICM' ? PREAMBLE_AND_MAGIC : view.toString('latin1', 0, 4) === 'DICM' ? 4 : 0;
  while (at + 8 <= view.length && view.readUInt16LE(at) === 0x0002) {
    const vr = view.toString('latin1', at + 4, at + 6);
    if (isVR(vr) && hasLongHeader(vr) && at + 12 > view.length) throw internalError(`a stored object's File Meta ends inside an element header at byte ${at}`);
    if (!isVR(vr)) throw internalError(`a stored object has a File Meta element without an explicit VR at byte ${at}`);
    const next = hasLongHeader(vr) ? at + 12 + view.readUInt32LE(at + 8) : at + 8 + view.readUInt16LE(at + 6);
    if (next > view.length) throw internalError(`a stored object's File Meta element at byte ${at} runs past its end`);
    at = next;
  }
  return at;
}
