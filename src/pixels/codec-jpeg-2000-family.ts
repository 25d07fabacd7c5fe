/**
 * Decoding and encoding shared by the JPEG 2000 (OpenJPEG) and HTJ2K (OpenJPH) codecs: both
 * cornerstone builds take and give frames the same way, so only the module and how its encoder
 * is set up differ.
 */
import type { DecodedFrame, FrameGeometry } from './frame-codec.js';
import { type EmbindObject, type WasmFrameInfo, type WasmCodecModule, withEmbindObject } from './codec-wasm-module.js';
import {
  checkDecodedLength, checkFrameToEncode, checkStreamHeader, frameLength, interleaved, maskToBitsStored, pixelsError, signExtendInPlace,
} from './codec-frame-checks.js';
import { readCodestream } from './codec-jpeg-2000-codestream.js';

export interface J2kDecoder extends EmbindObject {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): WasmFrameInfo;
  getDecodedBuffer(): Uint8Array;
}

export interface J2kEncoder extends EmbindObject {
  getDecodedBuffer(info: WasmFrameInfo): Uint8Array;
  setDecompositions(decompositions: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
}

export interface J2kFamily<M, E extends J2kEncoder> {
  readonly name: string;
  readonly module: WasmCodecModule<M>;
  newDecoder(module: M): J2kDecoder;
  newEncoder(module: M): E;
  /** Sets what the syntax asks of the encoder beyond the reversible 5/3 wavelet it starts with. */
  configure(encoder: E, transferSyntaxUid: string): void;
  /** The encoder applies the reversible colour transform to every colour frame, RGB or not. */
  readonly alwaysTransformsColour: boolean;
}

/** Wavelet levels: five, or fewer for images too small for them (each level halves the image). */
function decompositionsFor(geometry: FrameGeometry): number {
  return Math.max(0, Math.min(5, Math.floor(Math.log2(Math.min(geometry.rows, geometry.columns)))));
}

export async function decodeJ2kFrame<M, E extends J2kEncoder>(family: J2kFamily<M, E>, encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const what = `${family.name} frame`;
  const codestream = readCodestream(what, encoded);
  checkStreamHeader(what, codestream.info, geometry);
  const sampleBytes = geometry.bitsAllocated / 8;
  const samples = await family.module.run(what, (module) => withEmbindObject(family.newDecoder(module), (decoder) => {
    decoder.getEncodedBuffer(codestream.bytes.length).set(codestream.bytes);
    decoder.decode();
    checkStreamHeader(what, decoder.getFrameInfo(), geometry);
    return new Uint8Array(decoder.getDecodedBuffer());
  }));
  checkDecodedLength(what, samples.length, geometry, sampleBytes);
  // An unsigned codestream in a data set that says signed is read as two's complement of the
  // codestream's precision, the data set's reading (pydicom does the same; GDCM does not).
  if (!codestream.info.isSigned) signExtendInPlace(samples, { ...geometry, bitsStored: codestream.info.bitsPerSample });
  // The decoder undoes the reversible or irreversible colour transform (PS3.5 8.2.4).
  const transformed = geometry.photometricInterpretation === 'YBR_RCT' || geometry.photometricInterpretation === 'YBR_ICT';
  return {
    geometry: { ...geometry, photometricInterpretation: transformed ? 'RGB' : geometry.photometricInterpretation, planarConfiguration: 0 },
    samples,
  };
}

export async function encodeJ2kFrame<M, E extends J2kEncoder>(
  family: J2kFamily<M, E>,
  frame: DecodedFrame,
  transferSyntaxUid: string,
): Promise<{ encoded: Uint8Array; geometry: FrameGeometry }> {
  const what = `${family.name} encode`;
  const { geometry } = frame;
  const sampleBytes = checkFrameToEncode(what, frame);
  const colour = geometry.samplesPerPixel === 3;
  // Both builds copy colour frames and signed 8-bit samples wrongly (only the first component
  // of 16-bit colour, 8-bit samples as unsigned), so those frames are refused, not corrupted.
  if (colour && sampleBytes === 2) throw pixelsError(`${what}: 16-bit colour frames cannot be written by this codec`, 'write them as JPEG-LS (1.2.840.10008.1.2.4.80)');
  if (geometry.pixelRepresentation === 1 && sampleBytes === 1) throw pixelsError(`${what}: signed 8-bit frames cannot be written by this codec`, 'write them as JPEG-LS (1.2.840.10008.1.2.4.80)');
  if (colour && geometry.photometricInterpretation !== 'RGB' && family.alwaysTransformsColour) {
    throw pixelsError(`${what}: colour frames are written from RGB, not ${geometry.photometricInterpretation}`);
  }
  const samples = geometry.pixelRepresentation === 0 ? maskToBitsStored(interleaved(frame, sampleBytes), geometry) : interleaved(frame, sampleBytes);
  const transformColour = colour && geometry.photometricInterpretation === 'RGB';
  const encoded = await family.module.run(what, (module) => withEmbindObject(family.newEncoder(module), (encoder) => {
    const input = encoder.getDecodedBuffer({
      width: geometry.columns,
      height: geometry.rows,
      bitsPerSample: geometry.bitsStored,
      componentCount: geometry.samplesPerPixel,
      isSigned: geometry.pixelRepresentation === 1,
      isUsingColorTransform: transformColour,
    });
    if (input.length !== frameLength(geometry, sampleBytes)) throw pixelsError(`${what}: the codec's input buffer does not fit the frame`);
    input.set(samples);
    encoder.setDecompositions(decompositionsFor(geometry));
    family.configure(encoder, transferSyntaxUid);
    encoder.encode();
    return new Uint8Array(encoder.getEncodedBuffer());
  }));
  // The reversible colour transform makes RGB samples YBR_RCT (PS3.3 C.7.6.3.1.2).
  return {
    encoded,
    geometry: { ...geometry, photometricInterpretation: transformColour ? 'YBR_RCT' : geometry.photometricInterpretation, planarConfiguration: 0 },
  };
}
