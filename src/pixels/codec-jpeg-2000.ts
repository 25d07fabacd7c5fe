/**
 * JPEG 2000 frames (PS3.5 A.4.4, ITU-T T.800) through OpenJPEG's WebAssembly build
 * (@cornerstonejs/codec-openjpeg). Frames are written with the reversible 5/3 wavelet in both
 * syntaxes: the lossy syntax allows it, and a frame re-encoded after cleaning loses nothing more.
 */
import type { FrameCodec } from './frame-codec.js';
import { WasmCodecModule } from './codec-wasm-module.js';
import { pixelsError } from './codec-frame-checks.js';
import { type J2kDecoder, type J2kEncoder, type J2kFamily, decodeJ2kFrame, encodeJ2kFrame } from './codec-jpeg-2000-family.js';

export const JPEG_2000_LOSSLESS = '1.2.840.10008.1.2.4.90';
export const JPEG_2000 = '1.2.840.10008.1.2.4.91';

interface OpenJpegModule {
  J2KDecoder: new () => J2kDecoder;
  J2KEncoder: new () => J2kEncoder;
}

const openJpeg: J2kFamily<OpenJpegModule, J2kEncoder> = {
  name: 'JPEG 2000',
  module: new WasmCodecModule<OpenJpegModule>('@cornerstonejs/codec-openjpeg/wasmjs'),
  newDecoder: (module) => new module.J2KDecoder(),
  newEncoder: (module) => new module.J2KEncoder(),
  configure: () => {},
  alwaysTransformsColour: true,
};

export const jpeg2000Codec: FrameCodec = {
  transferSyntaxUids: [JPEG_2000_LOSSLESS, JPEG_2000],
  lossless: true,
  decode: (encoded, geometry) => decodeJ2kFrame(openJpeg, encoded, geometry),
  encode: async (frame, transferSyntaxUid) => {
    if (transferSyntaxUid !== JPEG_2000_LOSSLESS && transferSyntaxUid !== JPEG_2000) throw pixelsError(`JPEG 2000 encode: ${transferSyntaxUid} is not a JPEG 2000 syntax`);
    return encodeJ2kFrame(openJpeg, frame, transferSyntaxUid);
  },
};
