/**
 * RLE Lossless (1.2.840.10008.1.2.5, PS3.5 Annex G), our own encoder and decoder. The byte
 * planes of RLE are separate whatever the Planar Configuration says, so a frame decodes to,
 * and is encoded from, the layout the data set states, and its geometry is kept unchanged.
 */
import { MedVeilError } from '../errors.js';
import type { DecodedFrame, FrameCodec, FrameGeometry } from './frame-codec.js';
import { decodeRleFrame } from './rle-decode.js';
import { encodeRleFrame } from './rle-encode.js';

export const RLE_LOSSLESS = '1.2.840.10008.1.2.5';

export const rleLosslessCodec: FrameCodec = {
  transferSyntaxUids: [RLE_LOSSLESS],
  lossless: true,
  async decode(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
    return { geometry, samples: decodeRleFrame(encoded, geometry) };
  },
  async encode(frame: DecodedFrame, transferSyntaxUid: string) {
    if (transferSyntaxUid !== RLE_LOSSLESS) throw new MedVeilError('pixels', `the RLE codec does not write ${transferSyntaxUid}`);
    return { encoded: encodeRleFrame(frame.samples, frame.geometry), geometry: frame.geometry };
  },
};
