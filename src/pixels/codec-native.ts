/**
 * Native (uncompressed) frames: Implicit and Explicit VR Little Endian, Deflated Explicit VR
 * Little Endian (whose Pixel Data is native once the data set is inflated), Encapsulated
 * Uncompressed (PS3.5 A.4.11: one native frame per fragment), and the retired Explicit VR Big
 * Endian. A little endian frame already is the DecodedFrame layout; a big endian one is
 * swapped per sample both ways. Geometry, signedness and colour layout are kept as they are.
 */
import {
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_BIG_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN,
} from '../dicom/transfer-syntax.js';
import { swapBytes } from '../dicom/write-swap-bytes.js';
import { MedVeilError } from '../errors.js';
import type { DecodedFrame, FrameCodec, FrameGeometry } from './frame-codec.js';
import { frameByteLength } from './frame-geometry.js';
import { sampleWidth } from './native-byte-order.js';

export const ENCAPSULATED_UNCOMPRESSED = '1.2.840.10008.1.2.1.98';

export const nativeLittleEndianCodec: FrameCodec = nativeCodec(
  [IMPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN, DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, ENCAPSULATED_UNCOMPRESSED],
  true,
);

export const nativeBigEndianCodec: FrameCodec = nativeCodec([EXPLICIT_VR_BIG_ENDIAN], false);

function nativeCodec(transferSyntaxUids: readonly string[], littleEndian: boolean): FrameCodec {
  const reorder = (bytes: Uint8Array, geometry: FrameGeometry): Uint8Array => (littleEndian ? bytes : swapBytes(bytes, sampleWidth(geometry)));
  return {
    transferSyntaxUids,
    lossless: true,
    async decode(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
      const length = frameByteLength(geometry);
      if (encoded.length < length) {
        throw new MedVeilError('pixels', `a native frame of ${geometry.rows} x ${geometry.columns} needs ${length} bytes, not ${encoded.length}`);
      }
      return { geometry, samples: reorder(encoded.subarray(0, length), geometry) };
    },
    async encode(frame: DecodedFrame, transferSyntaxUid: string) {
      if (!transferSyntaxUids.includes(transferSyntaxUid)) {
        throw new MedVeilError('pixels', `the native ${littleEndian ? 'little' : 'big'} endian codec does not write ${transferSyntaxUid}`);
      }
      const length = frameByteLength(frame.geometry);
      if (frame.samples.length !== length) {
        throw new MedVeilError('pixels', `a frame of this geometry holds ${length} bytes of samples, not ${frame.samples.length}`);
      }
      return { encoded: reorder(frame.samples, frame.geometry), geometry: frame.geometry };
    },
  };
}
