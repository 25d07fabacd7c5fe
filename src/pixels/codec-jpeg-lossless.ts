/**
 * JPEG lossless frames (Process 14, any predictor or first-order prediction; PS3.5 A.4.1,
 * ITU-T T.81 H) decoded by jpeg-lossless-decoder-js, the decoder the Cornerstone and Papaya
 * viewers use. No maintained JavaScript or WebAssembly encoder of Process 14 is published on npm
 * (see docs/pixels.md, Codecs), so writing these syntaxes is refused with an error that says what
 * to write instead; a lossless frame is then re-encoded losslessly in another syntax.
 */
import { Decoder } from 'jpeg-lossless-decoder-js';
import type { DecodedFrame, FrameCodec, FrameGeometry } from './frame-codec.js';
import { checkDecodedLength, pixelsError, signExtendInPlace } from './codec-frame-checks.js';
import { checkEndsWithEoi, checkJpegFrameHeader, scanJpegHeader, startsWithSoi } from './codec-jpeg-markers.js';

export const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.57';
export const JPEG_LOSSLESS_SV1 = '1.2.840.10008.1.2.4.70';

async function decode(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const what = 'JPEG lossless frame';
  if (!startsWithSoi(encoded)) throw pixelsError(`${what}: the frame does not start with an SOI marker`);
  checkJpegFrameHeader(what, scanJpegHeader(encoded), geometry);
  checkEndsWithEoi(what, encoded);
  // Huffman coding spends at least one bit on each sample's difference (ITU-T T.81 H.1.2.2), so a
  // frame shorter than that is not this image: refused before the decoder allocates the image.
  const sampleCount = geometry.rows * geometry.columns * geometry.samplesPerPixel;
  if (encoded.length * 8 < sampleCount) throw pixelsError(`${what}: ${encoded.length} bytes cannot hold ${sampleCount} samples (truncated)`);
  const sampleBytes = geometry.bitsAllocated / 8;
  let output: Uint8Array | Uint16Array;
  try {
    // The decoder reads a whole ArrayBuffer: a frame is often a view into a larger file buffer (a Buffer too, whose slice() does not copy).
    output = new Decoder().decode(new Uint8Array(encoded).buffer, 0, encoded.length, sampleBytes) as Uint8Array | Uint16Array;
  } catch (error) {
    throw pixelsError(`${what}: the codec rejected the frame (${error instanceof Error ? error.message : String(error)})`);
  }
  // Uint16Array samples are in the machine's byte order, little endian on every platform Node.js runs on.
  const samples = new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
  checkDecodedLength(what, samples.length, geometry, sampleBytes);
  // JPEG lossless knows no sign: two's complement samples come out as Bits Stored-bit patterns.
  signExtendInPlace(samples, geometry);
  return { geometry: { ...geometry, planarConfiguration: 0 }, samples };
}

async function encode(_frame: DecodedFrame, transferSyntaxUid: string): Promise<never> {
  throw pixelsError(`JPEG lossless encode (${transferSyntaxUid}): no maintained JPEG lossless encoder is available to MedVeil`,
    'write the frame in another lossless syntax: JPEG-LS lossless (1.2.840.10008.1.2.4.80), JPEG 2000 lossless (1.2.840.10008.1.2.4.90) or RLE');
}

export const jpegLosslessCodec: FrameCodec = {
  transferSyntaxUids: [JPEG_LOSSLESS, JPEG_LOSSLESS_SV1],
  lossless: true,
  decode,
  encode,
};
