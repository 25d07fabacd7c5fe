/**
 * The contract between the pixel stage (issue 5) and each transfer syntax's codec: a codec turns
 * one frame's encoded bytes into samples and back. Reading frames out of a data set (native Pixel
 * Data, or the fragments of encapsulated Pixel Data) and writing them back is not a codec's job.
 */

/** How a frame's samples are laid out, from the Image Pixel module (PS3.3 C.7.6.3). */
export interface FrameGeometry {
  readonly rows: number;
  readonly columns: number;
  /** 1 (monochrome, palette) or 3 (RGB, YBR). */
  readonly samplesPerPixel: 1 | 3;
  /** 1, 8, 16 or 32. */
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  /** 0 unsigned, 1 two's complement. */
  readonly pixelRepresentation: 0 | 1;
  /** As the data set states it for the encoded frame (MONOCHROME2, RGB, YBR_FULL_422, ...). */
  readonly photometricInterpretation: string;
  /** 0 pixel-interleaved (R1 G1 B1 R2 ...), 1 planar (all R, then all G, then all B). */
  readonly planarConfiguration: 0 | 1;
}

/** True when two geometries describe samples laid out the same way (a re-encode can keep them as they are). */
export function sameGeometry(a: FrameGeometry, b: FrameGeometry): boolean {
  return (
    a.rows === b.rows &&
    a.columns === b.columns &&
    a.samplesPerPixel === b.samplesPerPixel &&
    a.bitsAllocated === b.bitsAllocated &&
    a.bitsStored === b.bitsStored &&
    a.pixelRepresentation === b.pixelRepresentation &&
    a.photometricInterpretation === b.photometricInterpretation &&
    a.planarConfiguration === b.planarConfiguration
  );
}

/**
 * One decoded frame: its samples as native little-endian Pixel Data would hold them (PS3.5 8.1.1),
 * `bitsAllocated` bits each, in the layout of `geometry` — whose photometric interpretation and
 * planar configuration are those of the decoded samples, which can differ from the encoded
 * frame's (a JPEG baseline YBR_FULL_422 frame decodes to YBR_FULL or RGB, pixel-interleaved).
 */
export interface DecodedFrame {
  readonly geometry: FrameGeometry;
  readonly samples: Uint8Array;
}

export interface FrameCodec {
  /** The transfer syntaxes this codec reads and writes. */
  readonly transferSyntaxUids: readonly string[];
  /** True when decode(encode(frame)) gives back every sample exactly. */
  readonly lossless: boolean;
  decode(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame>;
  /**
   * Encodes `frame` in `transferSyntaxUid`; the result's geometry says how the data set must
   * describe the encoded frame (photometric interpretation, planar configuration).
   */
  encode(frame: DecodedFrame, transferSyntaxUid: string): Promise<{ readonly encoded: Uint8Array; readonly geometry: FrameGeometry }>;
}
