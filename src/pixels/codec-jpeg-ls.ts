/**
 * JPEG-LS lossless and near-lossless frames (PS3.5 A.4.3, ITU-T T.87) through CharLS's
 * WebAssembly build (@cornerstonejs/codec-charls). Frames are written with NEAR = 0 in both
 * syntaxes: near-lossless allows it, and a frame re-encoded after cleaning loses nothing more.
 */
import type { DecodedFrame, FrameCodec, FrameGeometry } from './frame-codec.js';
import { type EmbindObject, type WasmFrameInfo, WasmCodecModule, withEmbindObject } from './codec-wasm-module.js';
import {
  checkDecodedLength, checkFrameToEncode, checkStreamHeader, frameLength, interleaved, maskToBitsStored, pixelsError, signExtendInPlace,
} from './codec-frame-checks.js';
import { checkEndsWithEoi, checkJpegFrameHeader, scanJpegHeader, startsWithSoi } from './codec-jpeg-markers.js';

export const JPEG_LS_LOSSLESS = '1.2.840.10008.1.2.4.80';
export const JPEG_LS_NEAR_LOSSLESS = '1.2.840.10008.1.2.4.81';

/** CharLS interleave modes (ITU-T T.87 C.2.3, ILV): 0 one component per scan, 2 sample-interleaved. */
const INTERLEAVE_NONE = 0;
const INTERLEAVE_SAMPLE = 2;

interface JpegLsDecoder extends EmbindObject {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): WasmFrameInfo;
  getInterleaveMode(): number;
  getDecodedBuffer(): Uint8Array;
}

interface JpegLsEncoder extends EmbindObject {
  getDecodedBuffer(info: WasmFrameInfo): Uint8Array;
  setNearLossless(near: number): void;
  setInterleaveMode(mode: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
}

interface CharlsModule {
  JpegLSDecoder: new () => JpegLsDecoder;
  JpegLSEncoder: new () => JpegLsEncoder;
}

const charls = new WasmCodecModule<CharlsModule>('@cornerstonejs/codec-charls/wasmjs');

async function decode(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const what = 'JPEG-LS frame';
  if (!startsWithSoi(encoded)) throw pixelsError(`${what}: the frame does not start with an SOI marker`);
  checkJpegFrameHeader(what, scanJpegHeader(encoded), geometry);
  checkEndsWithEoi(what, encoded);
  const sampleBytes = geometry.bitsAllocated / 8;
  const { samples, interleaveMode } = await charls.run(what, (module) => withEmbindObject(new module.JpegLSDecoder(), (decoder) => {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    checkStreamHeader(what, decoder.getFrameInfo(), geometry);
    return { samples: new Uint8Array(decoder.getDecodedBuffer()), interleaveMode: decoder.getInterleaveMode() };
  }));
  checkDecodedLength(what, samples.length, geometry, sampleBytes);
  signExtendInPlace(samples, geometry);
  // A colour frame coded one component per scan comes out plane by plane.
  const planar = geometry.samplesPerPixel === 3 && interleaveMode === INTERLEAVE_NONE ? 1 : 0;
  return { geometry: { ...geometry, planarConfiguration: planar }, samples };
}

async function encode(frame: DecodedFrame, transferSyntaxUid: string): Promise<{ encoded: Uint8Array; geometry: FrameGeometry }> {
  const what = 'JPEG-LS encode';
  if (transferSyntaxUid !== JPEG_LS_LOSSLESS && transferSyntaxUid !== JPEG_LS_NEAR_LOSSLESS) throw pixelsError(`${what}: ${transferSyntaxUid} is not a JPEG-LS syntax`);
  const { geometry } = frame;
  const sampleBytes = checkFrameToEncode(what, frame);
  if (geometry.bitsStored < 2) throw pixelsError(`${what}: JPEG-LS needs at least 2 bits per sample, Bits Stored is ${geometry.bitsStored}`);
  // JPEG-LS knows no sign: two's complement samples are coded as their low Bits Stored bits.
  const samples = maskToBitsStored(interleaved(frame, sampleBytes), geometry);
  const encoded = await charls.run(what, (module) => withEmbindObject(new module.JpegLSEncoder(), (encoder) => {
    const input = encoder.getDecodedBuffer({
      width: geometry.columns,
      height: geometry.rows,
      bitsPerSample: geometry.bitsStored,
      componentCount: geometry.samplesPerPixel,
      isSigned: false,
    });
    if (input.length !== frameLength(geometry, sampleBytes)) throw pixelsError(`${what}: the codec's input buffer does not fit the frame`);
    input.set(samples);
    encoder.setNearLossless(0);
    encoder.setInterleaveMode(geometry.samplesPerPixel === 3 ? INTERLEAVE_SAMPLE : INTERLEAVE_NONE);
    encoder.encode();
    return new Uint8Array(encoder.getEncodedBuffer());
  }));
  return { encoded, geometry: { ...geometry, planarConfiguration: 0 } };
}

export const jpegLsCodec: FrameCodec = {
  transferSyntaxUids: [JPEG_LS_LOSSLESS, JPEG_LS_NEAR_LOSSLESS],
  lossless: true,
  decode,
  encode,
};
