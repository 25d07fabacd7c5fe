/**
 * What the pixel stage (`cleanPixels`, src/pixels/clean-pixels.ts, PS3.15 E.3.1 Clean Pixel
 * Data Option) did to a file before its header was de-identified. The engine learns it as a
 * value, so `deidentifyDataset` stays pure and synchronous: its presence means the stage ran to
 * the end on this data set; a stage that could not clean threw instead, and the file was
 * quarantined. Rule names and counts only, never a value read from the data set or the pixels.
 *
 * `CleanPixelsReport` has this shape; the caller adds whether a text finder (OCR) looked too.
 */
export interface PixelCleaning {
  /** The names of the pixel rules that matched the image (device, model, modality, size). */
  readonly rulesMatched: readonly string[];
  /** Per frame, how many regions were filled. */
  readonly regionsPerFrame: readonly number[];
  readonly framesWithHighBitsCleared: number;
  /** The overlay groups (e.g. 0x6000) the stage removed. */
  readonly overlayGroupsRemoved: readonly number[];
  readonly iconSequencesRemoved: number;
  /** Set when the frames were written in another transfer syntax than they were read in. */
  readonly transferSyntaxChanged?: { readonly from: string; readonly to: string };
  /** A text finder (OCR) looked at every frame, besides the rules. */
  readonly textFinder: boolean;
}
