/**
 * The frames of a data set's Pixel Data (7FE0,0010), each as its transfer syntax encodes one
 * frame, ready for that syntax's FrameCodec: native frames in the syntax's byte order, and the
 * bytes of an encapsulated frame's fragments joined (see `encapsulated-frames.ts`).
 */
import type { DicomFile } from '../dicom/dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { lookupTransferSyntax } from '../dicom/transfer-syntax.js';
import { MedVeilError } from '../errors.js';
import type { FrameGeometry } from './frame-codec.js';
import { readImagePixel } from './frame-geometry.js';
import { type ExtendedOffsetTable, splitEncapsulatedFrames } from './encapsulated-frames.js';
import { valueInSyntaxOrder } from './native-byte-order.js';
import { splitNativeFrames } from './native-frames.js';

export interface EncodedFrames {
  readonly transferSyntaxUid: string;
  /** As the data set describes the encoded frames. */
  readonly geometry: FrameGeometry;
  readonly frames: readonly Uint8Array[];
}

export interface ReadFramesResult extends EncodedFrames {
  /** What was read leniently (an offset table that does not match its fragments). */
  readonly warnings: readonly string[];
}

export function readFrames(file: Pick<DicomFile, 'dataset' | 'transferSyntaxUid'>): ReadFramesResult {
  const { dataset, transferSyntaxUid } = file;
  const pixelData = dataset.get(Tag.PixelData);
  if (pixelData === undefined) throw new MedVeilError('pixels', 'the data set has no Pixel Data (7FE0,0010)');
  const { geometry, numberOfFrames } = readImagePixel(dataset);
  const syntax = lookupTransferSyntax(transferSyntaxUid);
  const warnings: string[] = [];

  if (pixelData.fragments !== undefined) {
    if (syntax !== undefined && !syntax.encapsulated) {
      throw new MedVeilError('pixels', `the Pixel Data is encapsulated, but ${syntax.name} needs it native`);
    }
    const frames = splitEncapsulatedFrames(pixelData.fragments, numberOfFrames, {
      extended: extendedOffsetTable(file),
      endsWithEoi: endsWithEoi(transferSyntaxUid),
      warnings,
    });
    return { transferSyntaxUid, geometry, frames, warnings };
  }
  if (syntax === undefined || syntax.encapsulated) {
    throw new MedVeilError('pixels', `the Pixel Data is native, but the transfer syntax is ${syntax?.name ?? `the unknown ${transferSyntaxUid}`}`);
  }
  const value = valueInSyntaxOrder(pixelData.value ?? new Uint8Array(0), geometry, {
    vr: pixelData.vr,
    encoding: dataset.encoding,
    syntaxLittleEndian: syntax.littleEndian,
  });
  return { transferSyntaxUid, geometry, frames: splitNativeFrames(value, geometry, numberOfFrames), warnings };
}

function extendedOffsetTable(file: Pick<DicomFile, 'dataset'>): ExtendedOffsetTable | undefined {
  const offsets = file.dataset.get(Tag.ExtendedOffsetTable)?.value;
  const lengths = file.dataset.get(Tag.ExtendedOffsetTableLengths)?.value;
  if (offsets === undefined || lengths === undefined || offsets.length === 0) return undefined;
  // OV is little endian here: encapsulated syntaxes are all explicit VR little endian (PS3.5 A.4).
  return { offsets, lengths };
}

/**
 * The JPEG processes (PS3.5 A.4.1, 1.2.840.10008.1.2.4.50-70), JPEG-LS (.80, .81), JPEG 2000
 * (.90-.93) and HTJ2K (.201-.203) codestreams all end with the marker FFD9.
 */
function endsWithEoi(uid: string): boolean {
  const match = /^1\.2\.840\.10008\.1\.2\.4\.(\d+)$/.exec(uid);
  if (match === null) return false;
  const n = Number(match[1]);
  return (n >= 50 && n <= 70) || n === 80 || n === 81 || (n >= 90 && n <= 93) || (n >= 201 && n <= 203);
}
