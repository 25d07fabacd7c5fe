/**
 * Checks shared by the compressed-frame codecs: an encoded frame is attacker-controlled, so what
 * its header claims is compared with the data set's geometry before anything is decoded, and what
 * comes out is compared again before it is handed on.
 */
import { MedVeilError } from '../errors.js';
import type { DecodedFrame, FrameGeometry } from './frame-codec.js';
import type { WasmFrameInfo } from './codec-wasm-module.js';

export function pixelsError(message: string, hint?: string): MedVeilError {
  return new MedVeilError('pixels', message, hint === undefined ? {} : { hint });
}

/** Bytes per sample in native Pixel Data; the compressed syntaxes carry 8- or 16-bit samples only. */
export function bytesPerSample(what: string, geometry: FrameGeometry): 1 | 2 {
  if (geometry.bitsAllocated === 8 && geometry.bitsStored >= 1 && geometry.bitsStored <= 8) return 1;
  if (geometry.bitsAllocated === 16 && geometry.bitsStored >= 1 && geometry.bitsStored <= 16) return 2;
  throw pixelsError(`${what}: Bits Allocated ${geometry.bitsAllocated} with Bits Stored ${geometry.bitsStored} is not a frame this syntax carries`);
}

export function frameLength(geometry: FrameGeometry, sampleBytes: number): number {
  return geometry.rows * geometry.columns * geometry.samplesPerPixel * sampleBytes;
}

/**
 * The largest decoded frame accepted: 1 GiB, eight times a 4096 x 4096 16-bit RGB frame. A
 * header and a data set that agree on a huge size would otherwise have a decoder allocate it.
 */
export const MAX_DECODED_FRAME_BYTES = 2 ** 30;

/** The encoded frame's own header against the data set's geometry (PS3.5 8.2: they must agree). */
export function checkStreamHeader(what: string, info: WasmFrameInfo, geometry: FrameGeometry): void {
  const decodedBytes = geometry.rows * geometry.columns * geometry.samplesPerPixel * Math.ceil(geometry.bitsAllocated / 8);
  if (decodedBytes > MAX_DECODED_FRAME_BYTES) {
    throw pixelsError(`${what}: a ${geometry.columns}x${geometry.rows} frame of ${decodedBytes} bytes is larger than the ${MAX_DECODED_FRAME_BYTES} bytes accepted`);
  }
  if (info.width !== geometry.columns || info.height !== geometry.rows) {
    throw pixelsError(`${what}: the frame is ${info.width}x${info.height} but the data set says ${geometry.columns}x${geometry.rows} (columns x rows)`);
  }
  if (info.componentCount !== geometry.samplesPerPixel) {
    throw pixelsError(`${what}: the frame has ${info.componentCount} components but Samples per Pixel is ${geometry.samplesPerPixel}`);
  }
  if (info.bitsPerSample < 1 || info.bitsPerSample > geometry.bitsAllocated || (info.bitsPerSample > 8) !== (geometry.bitsAllocated > 8)) {
    throw pixelsError(`${what}: the frame has ${info.bitsPerSample}-bit samples but Bits Allocated is ${geometry.bitsAllocated}`);
  }
}

export function checkDecodedLength(what: string, length: number, geometry: FrameGeometry, sampleBytes: number): void {
  const expected = frameLength(geometry, sampleBytes);
  if (length !== expected) {
    throw pixelsError(`${what}: the codec produced ${length} bytes where ${geometry.rows}x${geometry.columns}x${geometry.samplesPerPixel} samples of ${sampleBytes} byte(s) take ${expected}`);
  }
}

/** A frame to encode must hold exactly the samples its geometry describes. */
export function checkFrameToEncode(what: string, frame: DecodedFrame): 1 | 2 {
  const sampleBytes = bytesPerSample(what, frame.geometry);
  const expected = frameLength(frame.geometry, sampleBytes);
  if (frame.samples.length !== expected) {
    throw pixelsError(`${what}: the frame holds ${frame.samples.length} bytes, its geometry ${expected}`);
  }
  return sampleBytes;
}

/**
 * Two's complement samples narrower than their container come out of JPEG-LS and JPEG lossless
 * decoders as plain `bitsStored`-bit patterns, since those formats know no sign; native Pixel Data
 * holds them sign-extended to `bitsAllocated` (PS3.5 8.1.1), so the high bits are filled in here.
 */
export function signExtendInPlace(samples: Uint8Array, geometry: FrameGeometry): void {
  if (geometry.pixelRepresentation !== 1 || geometry.bitsStored >= geometry.bitsAllocated) return;
  const shift = 32 - geometry.bitsStored;
  if (geometry.bitsAllocated === 8) {
    for (let i = 0; i < samples.length; i++) samples[i] = ((samples[i]! << shift) >> shift) & 0xff;
    return;
  }
  const view = new DataView(samples.buffer, samples.byteOffset, samples.byteLength);
  for (let i = 0; i + 1 < samples.length; i += 2) view.setUint16(i, ((view.getUint16(i, true) << shift) >> shift) & 0xffff, true);
}

/** The inverse: keeps only the low `bitsStored` bits of each sample, as a sign-less encoder needs. */
export function maskToBitsStored(samples: Uint8Array, geometry: FrameGeometry): Uint8Array {
  if (geometry.bitsStored >= geometry.bitsAllocated) return samples;
  const mask = (1 << geometry.bitsStored) - 1;
  const out = new Uint8Array(samples);
  if (geometry.bitsAllocated === 8) {
    for (let i = 0; i < out.length; i++) out[i] = out[i]! & mask;
    return out;
  }
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i + 1 < out.length; i += 2) view.setUint16(i, view.getUint16(i, true) & mask, true);
  return out;
}

/** Colour-by-plane samples (Planar Configuration 1) rearranged pixel by pixel, as the encoders take them. */
export function interleaved(frame: DecodedFrame, sampleBytes: number): Uint8Array {
  const { geometry, samples } = frame;
  if (geometry.samplesPerPixel === 1 || geometry.planarConfiguration === 0) return samples;
  const pixels = geometry.rows * geometry.columns;
  const out = new Uint8Array(samples.length);
  for (let plane = 0; plane < 3; plane++) {
    for (let p = 0; p < pixels; p++) {
      for (let b = 0; b < sampleBytes; b++) {
        out[(p * 3 + plane) * sampleBytes + b] = samples[(plane * pixels + p) * sampleBytes + b]!;
      }
    }
  }
  return out;
}
