/**
 * The marker segments of a JPEG family stream up to its frame header: enough to check what the
 * stream claims (size, components, precision) before a decoder allocates anything for it.
 */
import type { FrameGeometry } from './frame-codec.js';
import { checkStreamHeader, pixelsError } from './codec-frame-checks.js';

/** What the segments before the first SOF say (ITU-T T.81 B.2.2; ITU-T T.87 C.2.2; JFIF APP0; Adobe APP14). */
export interface JpegHeader {
  /** Sample precision P of the frame header; undefined when the stream ends before one. */
  readonly precision: number | undefined;
  readonly rows: number | undefined;
  readonly columns: number | undefined;
  readonly components: number | undefined;
  /** A JFIF or Adobe segment says how the components are colour-transformed. */
  readonly declaresColourTransform: boolean;
}

/** SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC); SOF55 (F7) of JPEG-LS. */
function isFrameHeader(marker: number): boolean {
  return (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7;
}

export function scanJpegHeader(encoded: Uint8Array): JpegHeader {
  let declaresColourTransform = false;
  let at = 2;
  while (at + 4 <= encoded.length) {
    if (encoded[at] !== 0xff) break;
    const marker = encoded[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (isFrameHeader(marker) && at + 10 <= encoded.length) {
      return {
        precision: encoded[at + 4],
        rows: (encoded[at + 5]! << 8) | encoded[at + 6]!,
        columns: (encoded[at + 7]! << 8) | encoded[at + 8]!,
        components: encoded[at + 9],
        declaresColourTransform,
      };
    }
    const identifier = String.fromCharCode(...encoded.subarray(at + 4, at + 9));
    if ((marker === 0xe0 && identifier === 'JFIF\0') || (marker === 0xee && identifier === 'Adobe')) declaresColourTransform = true;
    at += 2 + ((encoded[at + 2]! << 8) | encoded[at + 3]!);
  }
  return { precision: undefined, rows: undefined, columns: undefined, components: undefined, declaresColourTransform };
}

/** Refuses a stream without a frame header, or whose frame header disagrees with the data set. */
export function checkJpegFrameHeader(what: string, header: JpegHeader, geometry: FrameGeometry): void {
  if (header.precision === undefined || header.rows === undefined || header.columns === undefined || header.components === undefined) {
    throw pixelsError(`${what}: no frame header (SOF) before the stream ends`);
  }
  checkStreamHeader(what, {
    width: header.columns,
    height: header.rows,
    bitsPerSample: header.precision,
    componentCount: header.components,
    isSigned: false,
  }, geometry);
}

export function startsWithSoi(encoded: Uint8Array): boolean {
  return encoded.length >= 4 && encoded[0] === 0xff && encoded[1] === 0xd8;
}

/**
 * Refuses a stream that does not end with EOI (after the zero bytes that pad fragments to even
 * length, PS3.5 A.4): some decoders fill in a cut-off frame's missing rows without complaint.
 */
export function checkEndsWithEoi(what: string, encoded: Uint8Array): void {
  let end = encoded.length;
  while (end > 0 && encoded[end - 1] === 0) end--;
  if (end < 2 || encoded[end - 2] !== 0xff || encoded[end - 1] !== 0xd9) throw pixelsError(`${what}: the frame does not end with an EOI marker (truncated)`);
}
