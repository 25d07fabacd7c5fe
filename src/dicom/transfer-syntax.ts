/**
 * Transfer syntaxes of PS3.6 Table A-1 and how each encodes a data set (PS3.5 10, A.1-A.8).
 * Every encapsulated syntax is explicit VR little endian with Pixel Data in fragments
 * (PS3.5 A.4); only Deflated (A.5) compresses the whole data set.
 */
import { type DatasetEncoding, EXPLICIT_BIG, EXPLICIT_LITTLE, IMPLICIT_LITTLE } from './dataset.js';
import { trimPaddingEnd } from './trim-padding.js';

export interface TransferSyntax {
  readonly uid: string;
  readonly name: string;
  readonly explicitVR: boolean;
  readonly littleEndian: boolean;
  /** Pixel Data is encapsulated: undefined length, Basic Offset Table item, fragments (PS3.5 A.4). */
  readonly encapsulated: boolean;
  /** The data set after the File Meta Information is deflated with RFC 1951, no zlib header (PS3.5 A.5). */
  readonly deflated: boolean;
}

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';
export const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';

type Kind = 'implicit' | 'explicit' | 'big' | 'deflated' | 'encapsulated';
const ROWS: ReadonlyArray<readonly [string, string, Kind]> = [
  [IMPLICIT_VR_LITTLE_ENDIAN, 'Implicit VR Little Endian', 'implicit'],
  [EXPLICIT_VR_LITTLE_ENDIAN, 'Explicit VR Little Endian', 'explicit'],
  ['1.2.840.10008.1.2.1.98', 'Encapsulated Uncompressed Explicit VR Little Endian', 'encapsulated'],
  [DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, 'Deflated Explicit VR Little Endian', 'deflated'],
  [EXPLICIT_VR_BIG_ENDIAN, 'Explicit VR Big Endian (retired)', 'big'],
  ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.52', 'JPEG Extended (Process 3 & 5) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.53', 'JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.54', 'JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.55', 'JPEG Full Progression, Non-Hierarchical (Process 10 & 12) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.56', 'JPEG Full Progression, Non-Hierarchical (Process 11 & 13) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.58', 'JPEG Lossless, Non-Hierarchical (Process 15) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.59', 'JPEG Extended, Hierarchical (Process 16 & 18) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.60', 'JPEG Extended, Hierarchical (Process 17 & 19) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.61', 'JPEG Spectral Selection, Hierarchical (Process 20 & 22) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.62', 'JPEG Spectral Selection, Hierarchical (Process 21 & 23) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.63', 'JPEG Full Progression, Hierarchical (Process 24 & 26) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.64', 'JPEG Full Progression, Hierarchical (Process 25 & 27) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.65', 'JPEG Lossless, Hierarchical (Process 28) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.66', 'JPEG Lossless, Hierarchical (Process 29) (retired)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.70', 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [SV1])', 'encapsulated'],
  ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless Image Compression', 'encapsulated'],
  ['1.2.840.10008.1.2.4.81', 'JPEG-LS Lossy (Near-Lossless) Image Compression', 'encapsulated'],
  ['1.2.840.10008.1.2.4.90', 'JPEG 2000 Image Compression (Lossless Only)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.91', 'JPEG 2000 Image Compression', 'encapsulated'],
  ['1.2.840.10008.1.2.4.92', 'JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.93', 'JPEG 2000 Part 2 Multi-component Image Compression', 'encapsulated'],
  // JPIP syntaxes carry a URL instead of Pixel Data (PS3.5 A.6, A.7).
  ['1.2.840.10008.1.2.4.94', 'JPIP Referenced', 'explicit'],
  ['1.2.840.10008.1.2.4.95', 'JPIP Referenced Deflate', 'deflated'],
  ['1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile / Main Level', 'encapsulated'],
  ['1.2.840.10008.1.2.4.100.1', 'Fragmentable MPEG2 Main Profile / Main Level', 'encapsulated'],
  ['1.2.840.10008.1.2.4.101', 'MPEG2 Main Profile / High Level', 'encapsulated'],
  ['1.2.840.10008.1.2.4.101.1', 'Fragmentable MPEG2 Main Profile / High Level', 'encapsulated'],
  ['1.2.840.10008.1.2.4.102', 'MPEG-4 AVC/H.264 High Profile / Level 4.1', 'encapsulated'],
  ['1.2.840.10008.1.2.4.102.1', 'Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1', 'encapsulated'],
  ['1.2.840.10008.1.2.4.103', 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1', 'encapsulated'],
  ['1.2.840.10008.1.2.4.103.1', 'Fragmentable MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1', 'encapsulated'],
  ['1.2.840.10008.1.2.4.104', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video', 'encapsulated'],
  ['1.2.840.10008.1.2.4.104.1', 'Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video', 'encapsulated'],
  ['1.2.840.10008.1.2.4.105', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video', 'encapsulated'],
  ['1.2.840.10008.1.2.4.105.1', 'Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video', 'encapsulated'],
  ['1.2.840.10008.1.2.4.106', 'MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2', 'encapsulated'],
  ['1.2.840.10008.1.2.4.106.1', 'Fragmentable MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2', 'encapsulated'],
  ['1.2.840.10008.1.2.4.107', 'HEVC/H.265 Main Profile / Level 5.1', 'encapsulated'],
  ['1.2.840.10008.1.2.4.108', 'HEVC/H.265 Main 10 Profile / Level 5.1', 'encapsulated'],
  ['1.2.840.10008.1.2.4.110', 'JPEG XL Lossless', 'encapsulated'],
  ['1.2.840.10008.1.2.4.111', 'JPEG XL JPEG Recompression', 'encapsulated'],
  ['1.2.840.10008.1.2.4.112', 'JPEG XL', 'encapsulated'],
  ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 Image Compression (Lossless Only)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.202', 'High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)', 'encapsulated'],
  ['1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000 Image Compression', 'encapsulated'],
  ['1.2.840.10008.1.2.4.204', 'JPIP HTJ2K Referenced', 'explicit'],
  ['1.2.840.10008.1.2.4.205', 'JPIP HTJ2K Referenced Deflate', 'deflated'],
  ['1.2.840.10008.1.2.5', 'RLE Lossless', 'encapsulated'],
  ['1.2.840.10008.1.2.6.1', 'RFC 2557 MIME encapsulation (retired)', 'explicit'],
  ['1.2.840.10008.1.2.6.2', 'XML Encoding (retired)', 'explicit'],
  ['1.2.840.10008.1.2.7.1', 'SMPTE ST 2110-20 Uncompressed Progressive Active Video', 'explicit'],
  ['1.2.840.10008.1.2.7.2', 'SMPTE ST 2110-20 Uncompressed Interlaced Active Video', 'explicit'],
  ['1.2.840.10008.1.2.7.3', 'SMPTE ST 2110-30 PCM Digital Audio', 'explicit'],
  ['1.2.840.10008.1.20', 'Papyrus 3 Implicit VR Little Endian (retired)', 'implicit'],
];

export const TRANSFER_SYNTAXES: ReadonlyMap<string, TransferSyntax> = new Map(
  ROWS.map(([uid, name, kind]) => [uid, Object.freeze({
    uid,
    name,
    explicitVR: kind !== 'implicit',
    littleEndian: kind !== 'big',
    encapsulated: kind === 'encapsulated',
    deflated: kind === 'deflated',
  })]),
);

/** The table entry for a UID (trailing NUL or space padding ignored); undefined when unknown. */
export function lookupTransferSyntax(uid: string): TransferSyntax | undefined {
  return TRANSFER_SYNTAXES.get(trimPaddingEnd(uid));
}

/** The data set encoding of a transfer syntax; the shared frozen constants of `dataset.ts`. */
export function encodingOf(syntax: Pick<TransferSyntax, 'explicitVR' | 'littleEndian'>): DatasetEncoding {
  if (!syntax.explicitVR) return IMPLICIT_LITTLE;
  return syntax.littleEndian ? EXPLICIT_LITTLE : EXPLICIT_BIG;
}
