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

/** Side of a DCT block; with 4:4:4 sampling (and for one component) a block is also the MCU. */
const BLOCK = 8;
/**
 * Room the encoder's output needs. libjpeg-turbo bounds a stream by 2 bytes per sample of the
 * block-padded frame plus 2048 bytes (tjBufSize); the marker segments it writes here (SOI, JFIF,
 * at most two DQT, SOF, four standard DHT, SOS, EOI) take about 630 bytes, so 1024 is plenty and
 * keeps the smallest frame's sample width within the 8 bits FrameInfo.bitsPerSample holds.
 */
const HEADER_BOUND = 1024;
const BYTES_PER_SAMPLE_BOUND = 2;

/**
 * Extends a frame to whole blocks by repeating its last column and row, as libjpeg does itself
 * for the blocks on the edge, so that the padding costs no extra ringing.
 */
function padToBlocks(samples: Uint8Array, columns: number, rows: number, samplesPerPixel: number, paddedColumns: number, paddedRows: number): Uint8Array {
  if (columns === paddedColumns && rows === paddedRows) return samples;
  const padded = new Uint8Array(paddedColumns * paddedRows * samplesPerPixel);
  const rowLength = columns * samplesPerPixel;
  const paddedRowLength = paddedColumns * samplesPerPixel;
  for (let row = 0; row < paddedRows; row++) {
    const source = samples.subarray(Math.min(row, rows - 1) * rowLength, Math.min(row, rows - 1) * rowLength + rowLength);
    const at = row * paddedRowLength;
    padded.set(source, at);
    const lastPixel = source.subarray(rowLength - samplesPerPixel);
    for (let column = columns; column < paddedColumns; column++) padded.set(lastPixel, at + column * samplesPerPixel);
  }
  return padded;
}

/**
 * Writes the frame's true size into the frame header of a stream encoded from its block-padded
 * copy. The entropy-coded data is the same either way: with one block per MCU, a frame and its
 * padded copy have the same MCUs, and the decoder crops the padding (ITU-T T.81 A.2.4).
 */
function withFrameSize(encoded: Uint8Array, columns: number, rows: number): Uint8Array {
  let at = 2;
  while (at + 9 <= encoded.length && encoded[at] === 0xff) {
    const marker = encoded[at + 1]!;
    if (marker === 0xc0 || marker === 0xc1) {
      encoded.set([rows >> 8, rows & 0xff, columns >> 8, columns & 0xff], at + 5);
      return encoded;
    }
    at += 2 + ((encoded[at + 2]! << 8) | encoded[at + 3]!);
  }
  throw pixelsError('JPEG baseline/extended encode: libjpeg-turbo wrote no SOF0 or SOF1 frame header');
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
  const { columns, rows, samplesPerPixel } = geometry;
  const paddedColumns = Math.ceil(columns / BLOCK) * BLOCK;
  const paddedRows = Math.ceil(rows / BLOCK) * BLOCK;
  const paddedSamples = paddedColumns * paddedRows * samplesPerPixel;
  // The encoder presizes its output buffer to the size of its input buffer and lets libjpeg-turbo
  // write into it unchecked (TJFLAG_NOREALLOC with libjpeg-turbo's own, larger, size bound), so a
  // stream longer than the input runs past the buffer: a trap at the end of the heap, silent heap
  // corruption elsewhere. The headers alone outgrow monochrome frames below about 18x18. The input
  // buffer is sized from bitsPerSample, which encode() otherwise ignores, so asking for wider
  // samples than are passed buys the output room the worst case needs. bitsPerSample is 8 bits
  // wide, at most 31 bytes a sample, too little for a frame of a few pixels; padding to whole
  // blocks makes every frame at least 64 pixels, which then always fits.
  const bytesPerSample = Math.ceil((HEADER_BOUND + BYTES_PER_SAMPLE_BOUND * paddedSamples) / paddedSamples);
  const encoded = await libjpegTurbo.run(what, (module) => withEmbindObject(new module.JPEGEncoder(), (encoder) => {
    encoder.getDecodedBuffer({
      width: paddedColumns,
      height: paddedRows,
      bitsPerSample: 8 * bytesPerSample,
      componentCount: samplesPerPixel,
      isSigned: false,
    }).set(padToBlocks(samples, columns, rows, samplesPerPixel, paddedColumns, paddedRows));
    encoder.setProgressive(0);
    encoder.setQuality(QUALITY);
    encoder.setSubSampling(TJSAMP_444);
    encoder.encode();
    return withFrameSize(new Uint8Array(encoder.getEncodedBuffer()), columns, rows);
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
