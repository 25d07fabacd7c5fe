/**
 * Which FrameCodec reads and writes which transfer syntax. A plain list: a codec is added by
 * importing it and appending it below; the first codec naming a syntax wins.
 */
import { lookupTransferSyntax } from '../dicom/transfer-syntax.js';
import { MedVeilError } from '../errors.js';
import { htj2kCodec } from './codec-htj2k.js';
import { jpeg2000Codec } from './codec-jpeg-2000.js';
import { jpegBaselineCodec } from './codec-jpeg-baseline.js';
import { jpegLosslessCodec } from './codec-jpeg-lossless.js';
import { jpegLsCodec } from './codec-jpeg-ls.js';
import { nativeBigEndianCodec, nativeLittleEndianCodec } from './codec-native.js';
import { rleLosslessCodec } from './codec-rle.js';
import type { FrameCodec } from './frame-codec.js';

export const FRAME_CODECS: readonly FrameCodec[] = [
  nativeLittleEndianCodec,
  nativeBigEndianCodec,
  rleLosslessCodec,
  jpegBaselineCodec,
  jpegLosslessCodec,
  jpegLsCodec,
  jpeg2000Codec,
  htj2kCodec,
];

export function frameCodecFor(transferSyntaxUid: string): FrameCodec {
  const codec = FRAME_CODECS.find((candidate) => candidate.transferSyntaxUids.includes(transferSyntaxUid));
  if (codec !== undefined) return codec;
  const name = lookupTransferSyntax(transferSyntaxUid)?.name;
  throw new MedVeilError('pixels', `no pixel codec for ${name === undefined ? `the unknown transfer syntax ${transferSyntaxUid}` : `${name} (${transferSyntaxUid})`}`, {
    hint: `the syntaxes with a codec are ${FRAME_CODECS.flatMap((c) => c.transferSyntaxUids).join(', ')}`,
  });
}
