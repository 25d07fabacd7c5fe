/**
 * The main header of a JPEG 2000 codestream (ITU-T T.800 A.5.1, SIZ), read before a decoder
 * allocates anything, and the end of codestream marker whose absence means a truncated frame:
 * OpenJPEG decodes a cut-off codestream without complaint, filling in what is missing.
 */
import type { WasmFrameInfo } from './codec-wasm-module.js';
import { pixelsError } from './codec-frame-checks.js';

const SOC_SIZ = [0xff, 0x4f, 0xff, 0x51];
const EOC = [0xff, 0xd9];

export interface Codestream {
  /** The codestream without any JP2 boxes around it or fragment padding after it. */
  readonly bytes: Uint8Array;
  /** From SIZ: the image area, the component count, and the first component's precision and sign. */
  readonly info: WasmFrameInfo;
}

/**
 * Finds the codestream in a frame: either the frame itself (PS3.5 A.4.4), or the contents of the
 * Contiguous Codestream box of a JP2 file (ISO/IEC 15444-1 I.5.4) that some writers put there.
 */
export function readCodestream(what: string, frame: Uint8Array): Codestream {
  let bytes = startsWith(frame, SOC_SIZ, 0) ? frame : contiguousCodestreamBox(frame);
  if (bytes === undefined) throw pixelsError(`${what}: the frame is neither a JPEG 2000 codestream nor a JP2 file`);
  // An odd-length codestream is padded to even length with one zero byte (PS3.5 A.4).
  if (bytes.length > 2 && bytes[bytes.length - 1] === 0 && !endsWithEoc(bytes)) bytes = bytes.subarray(0, bytes.length - 1);
  if (!endsWithEoc(bytes)) throw pixelsError(`${what}: the codestream does not end with an EOC marker (truncated)`);
  if (bytes.length < 4 + 38 + 3) throw pixelsError(`${what}: the codestream is too short for its SIZ segment`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const xsiz = view.getUint32(8);
  const ysiz = view.getUint32(12);
  const xosiz = view.getUint32(16);
  const yosiz = view.getUint32(20);
  const components = view.getUint16(40);
  const ssiz = bytes[42]!;
  if (xosiz > xsiz || yosiz > ysiz || components === 0) throw pixelsError(`${what}: the SIZ segment describes an empty image`);
  return {
    bytes,
    info: {
      width: xsiz - xosiz,
      height: ysiz - yosiz,
      componentCount: components,
      bitsPerSample: (ssiz & 0x7f) + 1,
      isSigned: (ssiz & 0x80) !== 0,
    },
  };
}

function endsWithEoc(bytes: Uint8Array): boolean {
  return startsWith(bytes, EOC, bytes.length - 2);
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], at: number): boolean {
  return at >= 0 && at + prefix.length <= bytes.length && prefix.every((byte, i) => bytes[at + i] === byte);
}

function contiguousCodestreamBox(frame: Uint8Array): Uint8Array | undefined {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let at = 0;
  while (at + 8 <= frame.length) {
    let length = view.getUint32(at);
    const type = String.fromCharCode(...frame.subarray(at + 4, at + 8));
    let header = 8;
    if (length === 1) {
      if (at + 16 > frame.length) return undefined;
      length = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (length === 0) {
      length = frame.length - at;
    }
    if (length < header || at + length > frame.length) return undefined;
    if (type === 'jp2c') return frame.subarray(at + header, at + length);
    at += length;
  }
  return undefined;
}
