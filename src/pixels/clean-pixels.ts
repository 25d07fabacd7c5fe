/**
 * The burned-in text stage (PS3.15 E.3.1 Clean Pixel Data Option) for one file, in place: the
 * rules that match the image's device and size say which rectangles to fill, an optional
 * finder (OCR: `createOcrTextFinder`) adds regions per frame, and every frame is decoded through the
 * codec registry, filled solid, cleared above its High Bit and re-encoded. Overlays and icon
 * thumbnails are removed.
 *
 * Frames are re-encoded in the file's own syntax when it is lossless and MedVeil can write it;
 * otherwise in Explicit VR Little Endian, which every reader reads and which loses nothing
 * more, and the file states the new syntax (`writeFrames`). When nothing in the pixels changed,
 * Pixel Data is left as it was read. A frame that cannot be decoded or written is a
 * MedVeilError: the caller quarantines the file rather than pass its pixels on uncleaned.
 *
 * The report carries rule names and counts only, never a value of the data set or the pixels.
 */
import type { DicomFile } from '../dicom/dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { internalError } from '../errors.js';
import { clearBitsAboveHighBit } from './clear-bits-above-high-bit.js';
import { type DecodedFrame, type FrameGeometry, sameGeometry } from './frame-codec.js';
import { frameCodecFor } from './frame-codecs.js';
import { fillRegions } from './fill-regions.js';
import type { PixelRegion } from './pixel-region.js';
import { defaultPixelRules, imageSignature, matchPixelRules, type PixelRule } from './pixel-rules.js';
import { readFrames } from './read-frames.js';
import { removeOverlaysAndIcons } from './remove-overlays-and-icons.js';
import { writeFrames } from './write-frames.js';

/**
 * Finds more regions to fill in one decoded frame (the seam for OCR; `createOcrTextFinder` in
 * `ocr-text-finder.ts` gives one). It sees the frame after the rules' regions were filled, and
 * returns regions in that frame's pixels. A rejection refuses the whole file, unchanged.
 */
export type FindTextRegions = (frame: DecodedFrame, frameIndex: number) => Promise<readonly PixelRegion[]>;

export interface CleanPixelsOptions {
  /** The rules to match; by default the bundled ones (`defaultPixelRules()`). */
  readonly rules?: readonly PixelRule[];
  readonly findTextRegions?: FindTextRegions;
}

export interface CleanPixelsReport {
  /** The names of the rules that matched the image. */
  readonly rulesMatched: string[];
  /** Per frame, how many regions covered at least one pixel. */
  readonly regionsPerFrame: number[];
  /** How many frames held bits above High Bit that were cleared. */
  readonly framesWithHighBitsCleared: number;
  readonly overlayGroupsRemoved: number[];
  readonly iconSequencesRemoved: number;
  /** Set when the frames were written in another transfer syntax than they were read in. */
  readonly transferSyntaxChanged?: { readonly from: string; readonly to: string };
}

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/**
 * Lossless syntaxes MedVeil's codecs also write: native (PS3.5 A.1-A.3, A.5), RLE (A.4.2),
 * JPEG-LS lossless (A.4.3), JPEG 2000 lossless only (A.4.4) and HTJ2K lossless (A.4.6). JPEG
 * lossless (.57, .70) is read but has no encoder (see `codec-jpeg-lossless.ts`).
 */
const WRITABLE_LOSSLESS: ReadonlySet<string> = new Set([
  '1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2',
  '1.2.840.10008.1.2.5', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.90',
  '1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202',
]);

export async function cleanPixels(file: DicomFile, options: CleanPixelsOptions = {}): Promise<CleanPixelsReport> {
  if (!file.dataset.has(Tag.PixelData)) return { rulesMatched: [], regionsPerFrame: [], framesWithHighBitsCleared: 0, ...removeOverlaysAndIconsOf(file) };

  const read = readFrames(file);
  const rules = matchPixelRules(options.rules ?? defaultPixelRules(), imageSignature(file.dataset, read.geometry.rows, read.geometry.columns));
  const ruleRegions = rules.flatMap((rule) => rule.regions);
  const decoder = frameCodecFor(read.transferSyntaxUid);
  const target = WRITABLE_LOSSLESS.has(read.transferSyntaxUid) ? read.transferSyntaxUid : EXPLICIT_VR_LITTLE_ENDIAN;
  const encoder = frameCodecFor(target);

  const regionsPerFrame: number[] = [];
  const encoded: Uint8Array[] = [];
  let framesWithHighBitsCleared = 0;
  let geometry: FrameGeometry | undefined;
  const encode = async (frame: DecodedFrame): Promise<void> => {
    const result = await encoder.encode(frame, target);
    if (geometry !== undefined && !sameGeometry(geometry, result.geometry)) {
      throw internalError(`the ${target} codec described two frames of one image differently`);
    }
    geometry = result.geometry;
    encoded.push(result.encoded);
  };
  for (const [index, frameBytes] of read.frames.entries()) {
    const cleared = clearBitsAboveHighBit(await decoder.decode(frameBytes, read.geometry));
    if (cleared.changed) framesWithHighBitsCleared++;
    // The decoded samples may be the file's own bytes, which change only once every frame is
    // encoded: the first change copies them, later ones fill that copy in place.
    const byRules = fillRegions(cleared.frame, ruleRegions, { inPlace: cleared.changed });
    const found = options.findTextRegions === undefined ? [] : await options.findTextRegions(byRules.frame, index);
    const byFinder = fillRegions(byRules.frame, found, { inPlace: cleared.changed || byRules.filled > 0 });
    regionsPerFrame.push(byRules.filled + byFinder.filled);
    // Frames are encoded from the first one that changed: an image left as it was is not
    // re-encoded at all, and the unchanged frames before a change are decoded once more then.
    if (encoded.length === 0 && !cleared.changed && byRules.filled + byFinder.filled === 0) continue;
    for (let earlier = encoded.length; earlier < index; earlier++) await encode(await decoder.decode(read.frames[earlier]!, read.geometry));
    await encode(byFinder.frame);
  }

  // Nothing in the file changes before every frame was decoded, filled and encoded, so that a
  // refusal leaves the file as it came for the caller to quarantine.
  const summary = { rulesMatched: rules.map((rule) => rule.name), regionsPerFrame, framesWithHighBitsCleared, ...removeOverlaysAndIconsOf(file) };
  if (geometry === undefined) return summary;
  // Every target is lossless, so this step loses nothing; an earlier lossy step stays recorded.
  writeFrames(file, { transferSyntaxUid: target, geometry, frames: encoded }, { lossy: false });
  return target === read.transferSyntaxUid ? summary : { ...summary, transferSyntaxChanged: { from: read.transferSyntaxUid, to: target } };
}

function removeOverlaysAndIconsOf(file: DicomFile): Pick<CleanPixelsReport, 'overlayGroupsRemoved' | 'iconSequencesRemoved'> {
  const removed = removeOverlaysAndIcons(file.dataset);
  return { overlayGroupsRemoved: removed.overlayGroups, iconSequencesRemoved: removed.iconSequences };
}

