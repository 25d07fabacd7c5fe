/**
 * RLE Lossless decoding (PS3.5 Annex G). A frame is a 64-byte header, sixteen 32-bit little
 * endian numbers: the number of segments (1 to 15), then the offset of each segment from the
 * start of the frame (unused ones 0); then the segments. Segment k holds one byte of every
 * pixel for one sample: samples in order, and within a sample the most significant byte first
 * (G.2). Each segment is PackBits (G.3.1): a header byte n, 0..127 copies the next n + 1
 * bytes, -127..-1 repeats the next byte 1 - n times, -128 is nothing.
 *
 * The frame is attacker-controlled: every offset, count and run is checked, every loop step
 * consumes at least one input byte, and nothing is allocated from a stated length.
 */
import { MedVeilError } from '../errors.js';
import type { FrameGeometry } from './frame-codec.js';

export const RLE_HEADER_LENGTH = 64;
export const RLE_MAX_SEGMENTS = 15;

/** The frame's samples in native little endian layout with `geometry`'s planar configuration. */
export function decodeRleFrame(frame: Uint8Array, geometry: FrameGeometry): Uint8Array {
  const bytesPerSample = rleBytesPerSample(geometry);
  const expected = geometry.samplesPerPixel * bytesPerSample;
  if (frame.length < RLE_HEADER_LENGTH) refuse(`the frame is ${frame.length} bytes, shorter than the 64-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = view.getUint32(0, true);
  if (count < 1 || count > RLE_MAX_SEGMENTS) refuse(`the header states ${count} segments, not 1 to ${RLE_MAX_SEGMENTS}`);
  if (count !== expected) {
    refuse(`the header states ${count} segments, but ${geometry.samplesPerPixel} samples of ${bytesPerSample} bytes need ${expected}`);
  }
  const offsets: number[] = [];
  for (let k = 0; k < count; k++) {
    const offset = view.getUint32(4 + 4 * k, true);
    if (offset < RLE_HEADER_LENGTH || offset >= frame.length) {
      refuse(`segment ${k} starts at ${offset}, outside the ${frame.length}-byte frame after its header`);
    }
    if (k > 0 && offset <= offsets[k - 1]!) refuse(`segment ${k} starts at ${offset}, not after segment ${k - 1}`);
    offsets.push(offset);
  }

  const pixels = geometry.rows * geometry.columns;
  for (let k = 0; k < count; k++) {
    // Two bytes of PackBits give at most 128: a plane that large cannot come from this segment,
    // and memory for it is not taken on the word of a hostile header.
    const length = (offsets[k + 1] ?? frame.length) - offsets[k]!;
    if (Math.ceil(length / 2) * 128 < pixels) refuse(`segment ${k} holds ${length} bytes, too few to decode to a plane of ${pixels}`);
  }
  const plane = new Uint8Array(pixels);
  const out = new Uint8Array(pixels * expected);
  for (let k = 0; k < count; k++) {
    unpackBits(frame.subarray(offsets[k]!, offsets[k + 1] ?? frame.length), plane, k);
    const sample = Math.floor(k / bytesPerSample);
    // Segments run from the most significant byte; little endian puts it last.
    const byte = bytesPerSample - 1 - (k % bytesPerSample);
    const [start, step] = geometry.planarConfiguration === 1
      ? [sample * pixels * bytesPerSample + byte, bytesPerSample]
      : [sample * bytesPerSample + byte, expected];
    for (let p = 0, at = start; p < pixels; p++, at += step) out[at] = plane[p]!;
  }
  return out;
}

/** RLE segments hold whole bytes: 8, 16 or 32 bits allocated (PS3.5 G.2). */
export function rleBytesPerSample(geometry: FrameGeometry): number {
  if (geometry.bitsAllocated % 8 !== 0) refuse(`RLE Lossless holds whole bytes per sample, not ${geometry.bitsAllocated} bits allocated`);
  if (geometry.photometricInterpretation === 'YBR_FULL_422') refuse('RLE Lossless does not hold YBR_FULL_422 (PS3.5 G.2 uses YBR_FULL)');
  return geometry.bitsAllocated / 8;
}

/**
 * Fills `out` from the PackBits `segment`. What would go past a full plane is dropped, as
 * pydicom and dcmtk do: some encoders run a segment's last run into its padding (PS3.5 G.4).
 */
function unpackBits(segment: Uint8Array, out: Uint8Array, index: number): void {
  let at = 0;
  let filled = 0;
  while (filled < out.length && at < segment.length) {
    const header = segment[at++]!;
    if (header < 0x80) {
      const length = header + 1;
      if (at + length > segment.length) refuse(`a literal run of ${length} bytes in segment ${index} runs past its end`);
      const kept = Math.min(length, out.length - filled);
      out.set(segment.subarray(at, at + kept), filled);
      at += length;
      filled += kept;
    } else if (header > 0x80) {
      const length = 257 - header;
      if (at >= segment.length) refuse(`a replicate run in segment ${index} runs past its end`);
      const kept = Math.min(length, out.length - filled);
      out.fill(segment[at++]!, filled, filled + kept);
      filled += kept;
    }
  }
  if (filled < out.length) refuse(`segment ${index} decodes to ${filled} bytes, fewer than the ${out.length} of a plane`);
}

function refuse(message: string): never {
  throw new MedVeilError('pixels', `RLE Lossless: ${message}`);
}
