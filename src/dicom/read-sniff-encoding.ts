import { type DatasetEncoding, EXPLICIT_BIG, EXPLICIT_LITTLE, IMPLICIT_LITTLE } from './dataset.js';
import { isVR } from './vr.js';

export interface SniffedEncoding {
  readonly encoding: DatasetEncoding;
  /**
   * Whether the first tag's group, in the chosen byte order, is one a data set starts with
   * (0000-00FF: command, meta, identifying groups). Text, JSON, gzip and other non-DICOM
   * files fail this test, because their first two bytes are both 0x0A or above; so do
   * eight zero bytes, which no data set starts with.
   */
  readonly plausible: boolean;
}

/**
 * Guesses the encoding of a data set from its first element, as pydicom does for files
 * without a transfer syntax: two uppercase letters forming a VR where explicit VR puts it
 * (bytes 4-5) mean explicit VR; the byte order is the one that makes the first group the
 * smaller number (a data set starts with a low group). Implicit VR is always little endian
 * (PS3.5 A.1). Undefined when fewer than 8 bytes remain.
 */
export function sniffEncoding(bytes: Uint8Array, offset: number): SniffedEncoding | undefined {
  if (bytes.length - offset < 8) return undefined;
  const b0 = bytes[offset]!;
  const b1 = bytes[offset + 1]!;
  const littleGroup = b0 | (b1 << 8);
  const bigGroup = (b0 << 8) | b1;
  if (bytes.subarray(offset, offset + 8).every((b) => b === 0)) return { encoding: IMPLICIT_LITTLE, plausible: false };
  const explicit = isVR(String.fromCharCode(bytes[offset + 4]!, bytes[offset + 5]!));
  if (!explicit) return { encoding: IMPLICIT_LITTLE, plausible: littleGroup <= 0x00ff };
  const little = littleGroup <= bigGroup;
  return { encoding: little ? EXPLICIT_LITTLE : EXPLICIT_BIG, plausible: Math.min(littleGroup, bigGroup) <= 0x00ff };
}
