/**
 * High-Throughput JPEG 2000 frames (PS3.5 A.4.6, ITU-T T.814) through OpenJPH's WebAssembly
 * build (@cornerstonejs/codec-openjph). Frames are written reversibly in all three syntaxes,
 * as JPEG 2000 frames are (see codec-jpeg-2000.ts).
 */
import type { FrameCodec } from './frame-codec.js';
import { WasmCodecModule } from './codec-wasm-module.js';
import { pixelsError } from './codec-frame-checks.js';
import { type J2kDecoder, type J2kEncoder, type J2kFamily, decodeJ2kFrame, encodeJ2kFrame } from './codec-jpeg-2000-family.js';

export const HTJ2K_LOSSLESS = '1.2.840.10008.1.2.4.201';
export const HTJ2K_RPCL_LOSSLESS = '1.2.840.10008.1.2.4.202';
export const HTJ2K = '1.2.840.10008.1.2.4.203';
const SYNTAXES = [HTJ2K_LOSSLESS, HTJ2K_RPCL_LOSSLESS, HTJ2K];

/** OpenJPH's progression orders by index: LRCP, RLCP, RPCL, PCRL, CPRL. */
const RPCL = 2;

interface HtJ2kEncoder extends J2kEncoder {
  setProgressionOrder(order: number): void;
  setTLMMarker(present: boolean): void;
  setTilePartDivisionsAtResolutions(divide: boolean): void;
}

interface OpenJphModule {
  HTJ2KDecoder: new () => J2kDecoder;
  HTJ2KEncoder: new () => HtJ2kEncoder;
}

const openJph: J2kFamily<OpenJphModule, HtJ2kEncoder> = {
  name: 'HTJ2K',
  module: new WasmCodecModule<OpenJphModule>('@cornerstonejs/codec-openjph/wasmjs'),
  newDecoder: (module) => new module.HTJ2KDecoder(),
  newEncoder: (module) => new module.HTJ2KEncoder(),
  configure: (encoder, transferSyntaxUid) => {
    encoder.setProgressionOrder(RPCL);
    // The RPCL options syntax adds a TLM marker segment and tile-parts split by resolution,
    // so that a reader can fetch the lower resolutions alone.
    if (transferSyntaxUid === HTJ2K_RPCL_LOSSLESS) {
      encoder.setTLMMarker(true);
      encoder.setTilePartDivisionsAtResolutions(true);
    }
  },
  alwaysTransformsColour: false,
};

export const htj2kCodec: FrameCodec = {
  transferSyntaxUids: SYNTAXES,
  lossless: true,
  decode: (encoded, geometry) => decodeJ2kFrame(openJph, encoded, geometry),
  encode: async (frame, transferSyntaxUid) => {
    if (!SYNTAXES.includes(transferSyntaxUid)) throw pixelsError(`HTJ2K encode: ${transferSyntaxUid} is not an HTJ2K syntax`);
    return encodeJ2kFrame(openJph, frame, transferSyntaxUid);
  },
};
