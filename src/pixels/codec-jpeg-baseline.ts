/**
 * JPEG Baseline (Process 1) and JPEG Extended (Process 2 & 4) frames through libjpeg-turbo's
 * 8-bit WebAssembly build (@cornerstonejs/codec-libjpeg-turbo-8bit). No maintained 12-bit
 * build is published on npm (the cornerstone repository has one, unreleased), so 12-bit
 * Process 4 frames are refused with a clear error rather than decoded by hand.
 */
import type { DecodedFrame, FrameCodec, FrameGeometry } from './frame-codec.js';
import { type EmbindObject, type WasmFrameInfo, WasmCodecModule, withEmbindObject } from './codec-wasm-module.js';
import { scanJpegHeader } from './codec-jpeg-markers.js';
import { checkDecodedLength, checkFrameToEncode, checkStreamHeader, interleaved, pixelsError } from './codec-frame-checks.js';

export const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
export const JPEG_EXTENDED = '1.2.840.10008.1.2.4.51';

/**
 * libjpeg quality of re-encoded frames. A lossy frame is only re-encoded after its pixels were
 * changed (text filled, masked); 90 with full-resolution chroma keeps the second generation loss
 * small next to the first.
 */
const QUALITY = 90;
const TJSAMP_444 = 0;

interface JpegDecoder extends EmbindObject {
  getEncodedBuffer(length: number): Uint8Array;
  readHeader(): void;
  getFrameInfo(): WasmFrameInfo;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
}

interface JpegEncoder extends EmbindObject {
  getDecodedBuffer(info: WasmFrameInfo): Uint8Array;
  setProgressive(progressive: number): void;
  setQuality(quality: number): void;
  setSubSampling(subSampling: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
}

interface LibjpegTurboModule {
  JPEGDecoder: new () => JpegDecoder;
  JPEGEncoder: new () => JpegEncoder;
}

const libjpegTurbo = new WasmCodecModule<LibjpegTurboModule>('@cornerstonejs/codec-libjpeg-turbo-8bit/wasmjs');

/**
 * An Adobe APP14 segment with transform 0 ("no colour transform"), put after SOI of an RGB
 * frame that carries neither JFIF nor Adobe segment: libjpeg would otherwise take its three
 * components for YCbCr, while the data set says they are R, G and B (PS3.5 8.2.1).
 */
function withoutColourTransform(encoded: Uint8Array): Uint8Array {
  const app14 = [0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00];
  const out = new Uint8Array(encoded.length + app14.length);
  out.set(encoded.subarray(0, 2));
  out.set(app14, 2);
  out.set(encoded.subarray(2), 2 + app14.length);
  return out;
}

async function decode(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const what = 'JPEG baseline/extended frame';
  if (encoded.length < 4 || encoded[0] !== 0xff || encoded[1] !== 0xd8) throw pixelsError(`${what}: the frame does not start with an SOI marker`);
  const header = scanJpegHeader(encoded);
  const { precision } = header;
  if (precision !== undefined && precision !== 8) {
    throw pixelsError(`${what}: ${precision}-bit JPEG (Process 4) is not supported: no maintained 12-bit decoder is available`,
      'transcode the object to JPEG lossless or JPEG-LS with dcmtk (dcmdjpeg, then dcmcjpls) before sending it');
  }
  if (geometry.bitsAllocated !== 8 || geometry.pixelRepresentation !== 0) {
    throw pixelsError(`${what}: 8-bit JPEG needs Bits Allocated 8 and unsigned samples, the data set says ${geometry.bitsAllocated} bits, Pixel Representation ${geometry.pixelRepresentation}`);
  }
  const stream = geometry.photometricInterpretation === 'RGB' && !header.declaresColourTransform ? withoutColourTransform(encoded) : encoded;
  const samples = await libjpegTurbo.run(what, (module) => withEmbindObject(new module.JPEGDecoder(), (decoder) => {
    decoder.getEncodedBuffer(stream.length).set(stream);
    decoder.readHeader();
    checkStreamHeader(what, decoder.getFrameInfo(), geometry);
    decoder.decode();
    return new Uint8Array(decoder.getDecodedBuffer());
  }));
  checkDecodedLength(what, samples.length, geometry, 1);
  // libjpeg-turbo converts YCbCr to RGB and returns colour pixel by pixel (PS3.5 8.2.1 allows
  // the decoded photometric interpretation to differ from the encoded one).
  const decoded: FrameGeometry = geometry.samplesPerPixel === 3
    ? { ...geometry, photometricInterpretation: 'RGB', planarConfiguration: 0 }
    : geometry;
  return { geometry: decoded, samples };
}

async function encode(frame: DecodedFrame, transferSyntaxUid: string): Promise<{ encoded: Uint8Array; geometry: FrameGeometry }> {
  const what = 'JPEG baseline/extended encode';
  if (transferSyntaxUid !== JPEG_BASELINE && transferSyntaxUid !== JPEG_EXTENDED) throw pixelsError(`${what}: ${transferSyntaxUid} is not a JPEG baseline/extended syntax`);
  const { geometry } = frame;
  const sampleBytes = checkFrameToEncode(what, frame);
  if (sampleBytes !== 1 || geometry.pixelRepresentation !== 0) {
    throw pixelsError(`${what}: only unsigned 8-bit frames can be written (${geometry.bitsStored}-bit, Pixel Representation ${geometry.pixelRepresentation})`,
      'write such frames in a lossless syntax: JPEG-LS (1.2.840.10008.1.2.4.80) or JPEG 2000 (1.2.840.10008.1.2.4.90)');
  }
  if (geometry.samplesPerPixel === 3 && geometry.photometricInterpretation !== 'RGB') {
    throw pixelsError(`${what}: colour frames are written from RGB, not ${geometry.photometricInterpretation}`);
  }
  const samples = interleaved(frame, 1);
  const encoded = await libjpegTurbo.run(what, (module) => withEmbindObject(new module.JPEGEncoder(), (encoder) => {
    encoder.getDecodedBuffer({
      width: geometry.columns,
      height: geometry.rows,
      bitsPerSample: 8,
      componentCount: geometry.samplesPerPixel,
      isSigned: false,
    }).set(samples);
    encoder.setProgressive(0);
    encoder.setQuality(QUALITY);
    encoder.setSubSampling(TJSAMP_444);
    encoder.encode();
    return new Uint8Array(encoder.getEncodedBuffer());
  }));
  // libjpeg-turbo writes colour as JFIF YCbCr without subsampling: YBR_FULL (PS3.5 8.2.1).
  const written: FrameGeometry = geometry.samplesPerPixel === 3
    ? { ...geometry, photometricInterpretation: 'YBR_FULL', planarConfiguration: 0 }
    : { ...geometry, planarConfiguration: 0 };
  return { encoded, geometry: written };
}

export const jpegBaselineCodec: FrameCodec = {
  transferSyntaxUids: [JPEG_BASELINE, JPEG_EXTENDED],
  lossless: false,
  decode,
  encode,
};
