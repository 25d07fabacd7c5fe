/**
 * The pixels of a `masked` view (issue 5, dynamic masking), as retrieve-instance.ts serves them:
 * every frame asked for is decoded through the codec registry, the regions where devices burn
 * text (the pixel rules) and the regions a finder reports (the OCR seam) are filled solid, and
 * then the whole frame is mosaicked with the block size configured for the study's sensitivity
 * level. Text is filled before the mosaic, never only mosaicked (ARCHITECTURE.md).
 *
 * What comes out, by representation:
 * - `instance`: the masked header (already de-identified by the caller) with the masked frames
 *   as native Pixel Data, written as a Part 10 file in Explicit VR Little Endian, overlays and
 *   icon thumbnails removed;
 * - `frames`: each masked frame asked for, native little endian (PS3.18 8.7.3.3.1);
 * - `rendered`: one masked frame as PNG or JPEG.
 *
 * Every sample served is computed from the mosaic, so no run of the stored pixel bytes can
 * reach a masked actor; a block of 1 would change nothing and is refused (mosaic.ts, config).
 * A frame that cannot be decoded is a MedVeilError ('pixels'): the caller records the failure
 * and serves nothing.
 */
import type { SensitivityLevel } from '../access/sensitivity-level.js';
import type { DicomFile } from '../dicom/dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../dicom/transfer-syntax.js';
import { writeDicomFile } from '../dicom/write-dicom-file.js';
import { internalError } from '../errors.js';
import type { FindTextRegions } from '../pixels/clean-pixels.js';
import { nativeLittleEndianCodec } from '../pixels/codec-native.js';
import { type DecodedFrame, type FrameGeometry, sameGeometry } from '../pixels/frame-codec.js';
import { frameCodecFor } from '../pixels/frame-codecs.js';
import { fillRegions } from '../pixels/fill-regions.js';
import { mosaicBlocks, mosaicFrame } from '../pixels/mosaic.js';
import { defaultPixelRules, imageSignature, matchPixelRules, type PixelRule } from '../pixels/pixel-rules.js';
import { readFrames } from '../pixels/read-frames.js';
import { type RenderRequest, renderDecodedFrame, renderFactsOf, renderMosaicBlocks } from '../pixels/render-frame.js';
import { removeOverlaysAndIcons } from '../pixels/remove-overlays-and-icons.js';
import { writeFrames } from '../pixels/write-frames.js';

/** How masked pixels are made in this deployment (server config `masking`). */
export interface PixelMasking {
  /** The mosaic block, in pixels, for studies of each sensitivity level; at least 2. */
  readonly mosaicBlockByLevel: Readonly<Record<SensitivityLevel, number>>;
  /** The pixel rules to fill; the bundled ones unless a file was configured. */
  readonly rules: readonly PixelRule[];
  /** Finds more text in a frame (the OCR adapter); none by default. */
  readonly findTextRegions?: FindTextRegions;
}

/** The default blocks: coarser as the study is more sensitive (docs/server.md). */
export const DEFAULT_MOSAIC_BLOCK_BY_LEVEL: Readonly<Record<SensitivityLevel, number>> = { 1: 4, 2: 8, 3: 12, 4: 16, 5: 24 };

export function defaultPixelMasking(): PixelMasking {
  return { mosaicBlockByLevel: DEFAULT_MOSAIC_BLOCK_BY_LEVEL, rules: defaultPixelRules() };
}

export type MaskedRepresentation =
  | { readonly kind: 'instance' }
  /** Frame numbers from 1, in the order served, or every frame in order. */
  | { readonly kind: 'frames'; readonly frameNumbers: readonly number[] | 'all' }
  | ({ readonly kind: 'rendered' } & RenderRequest);

export type MaskedPixelsResult =
  | {
      readonly outcome: 'masked';
      /** One body per part: the Part 10 file, each frame asked for, or the image. */
      readonly parts: readonly Buffer[];
      readonly blockSize: number;
    }
  | { readonly outcome: 'no-such-frame'; readonly numberOfFrames: number };

/**
 * The masked pixels of `original` (the stored file as read) for a study of `level`. `header` is
 * the de-identified header without bulk data; for `instance` it receives the masked Pixel Data.
 */
export async function maskInstancePixels(
  original: DicomFile,
  header: DicomFile,
  options: { masking: PixelMasking; level: SensitivityLevel; representation: MaskedRepresentation },
): Promise<MaskedPixelsResult> {
  const { masking, representation } = options;
  const blockSize = masking.mosaicBlockByLevel[options.level];
  if (!original.dataset.has(Tag.PixelData)) {
    // Nothing to mask: an instance is its masked header, whose bulk data the caller removed.
    if (representation.kind !== 'instance') return { outcome: 'no-such-frame', numberOfFrames: 0 };
    removeOverlaysAndIcons(header.dataset);
    return { outcome: 'masked', parts: [Buffer.concat(writeDicomFile(header, { preamble: 'zero' }))], blockSize };
  }
  const read = readFrames(original);
  const count = read.frames.length;
  const every = read.frames.map((_, i) => i + 1);
  const wanted = representation.kind === 'rendered' ? [representation.frameNumber]
    : representation.kind === 'frames' && representation.frameNumbers !== 'all' ? representation.frameNumbers : every;
  if (wanted.some((n) => n < 1 || n > count)) return { outcome: 'no-such-frame', numberOfFrames: count };

  const rules = matchPixelRules(masking.rules, imageSignature(original.dataset, read.geometry.rows, read.geometry.columns));
  const ruleRegions = rules.flatMap((rule) => rule.regions);
  const decoder = frameCodecFor(read.transferSyntaxUid);
  const filled = async (number: number): Promise<DecodedFrame> => {
    const decoded = await decoder.decode(read.frames[number - 1]!, read.geometry);
    const byRules = fillRegions(decoded, ruleRegions);
    const found = masking.findTextRegions === undefined ? [] : await masking.findTextRegions(byRules.frame, number - 1);
    // A frame the rules filled is a copy already, and the finder's regions go into it.
    return fillRegions(byRules.frame, found, { inPlace: byRules.filled > 0 }).frame;
  };

  if (representation.kind === 'rendered') {
    const frame = await filled(representation.frameNumber);
    const facts = renderFactsOf(original);
    // Rendered from the mosaic's squares where the layout allows: the same picture for less work.
    const blocks = mosaicBlocks(frame, blockSize);
    const image = blocks === undefined
      ? await renderDecodedFrame(mosaicFrame(frame, blockSize), facts, representation)
      : await renderMosaicBlocks(blocks, blockSize, frame.geometry, facts, representation);
    return { outcome: 'masked', parts: [image], blockSize };
  }
  const masked = new Map<number, DecodedFrame>();
  for (const number of wanted) {
    if (!masked.has(number)) masked.set(number, mosaicFrame(await filled(number), blockSize));
  }
  const encoded = new Map<number, { encoded: Uint8Array; geometry: FrameGeometry }>();
  for (const [number, frame] of masked) encoded.set(number, await nativeLittleEndianCodec.encode(frame, EXPLICIT_VR_LITTLE_ENDIAN));
  if (representation.kind === 'frames') {
    return { outcome: 'masked', parts: wanted.map((n) => asBuffer(encoded.get(n)!.encoded)), blockSize };
  }
  const frames = wanted.map((n) => encoded.get(n)!);
  const geometry = frames[0]!.geometry;
  if (frames.some((frame) => !sameGeometry(frame.geometry, geometry))) throw internalError('the frames of one image decoded to different geometries');
  writeFrames(header, { transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, geometry, frames: frames.map((frame) => frame.encoded) }, { lossy: false });
  removeOverlaysAndIcons(header.dataset);
  return { outcome: 'masked', parts: [Buffer.concat(writeDicomFile(header, { preamble: 'zero' }))], blockSize };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
