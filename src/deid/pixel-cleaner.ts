import type { Dataset } from '../dicom/dataset.js';

/** What a pixel cleaner reports; `notes` must carry no text read from the pixels. */
export interface PixelCleanResult {
  /** True only when every burned-in annotation the cleaner looks for has been covered. */
  readonly cleaned: boolean;
  /** How many regions were filled. */
  readonly regions: number;
  readonly notes: string[];
}

/**
 * Covers burned-in text in Pixel Data (PS3.15 E.3.1 Clean Pixel Data Option), in place.
 * Implemented in `src/pixels/`; the engine calls it only when the recipe asks for clean pixels
 * or Burned In Annotation (0028,0301) is YES.
 */
export interface PixelCleaner {
  clean(dataset: Dataset): PixelCleanResult;
}
