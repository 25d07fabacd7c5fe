/**
 * Whether the pixels of a dataset are known to hold no identity, deciding before any header is
 * touched. Fail closed: a hospital must never receive burned-in names under Patient Identity
 * Removed YES, so when pixels may carry identity and nothing can clean them, we throw
 * MedVeilError('deid') and the caller quarantines the file.
 *
 * - No Pixel Data (SR, KOS, ...): nothing to clean.
 * - The recipe states `pixelsKnownClean`: the author vouches (cleaned upstream, or a modality
 *   known to burn in nothing); we trust it and say so in the report.
 * - Clean Pixel Data requested, or Burned In Annotation (0028,0301) YES: the PixelCleaner must
 *   run and report `cleaned`; without one, or when it cannot, the file is refused.
 * - Clean Recognizable Visual Features requested: we have no cleaner for faces or other
 *   features, so only `pixelsKnownClean` satisfies it; otherwise the file is refused.
 * - Otherwise the pixels are not verified: the header is de-identified and Patient Identity
 *   Removed is NO (PS3.3 C.12.1.1.1 says YES covers the Pixel Data as well).
 */
import type { Dataset } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import { MedVeilError } from '../errors.js';
import type { PixelCleaner } from './pixel-cleaner.js';
import type { Recipe } from './recipe.js';

export interface PixelAssessment {
  /** Pixel Data and overlay planes are known to carry no identity. */
  readonly clean: boolean;
  /** The cleaner ran and covered burned-in text just now. */
  readonly cleanedNow: boolean;
  readonly regions: number | undefined;
  readonly reason: string;
}

const PIXEL_TAGS = [Tag.PixelData, Tag.FloatPixelData, Tag.DoubleFloatPixelData];

export function hasPixelData(dataset: Dataset): boolean {
  return PIXEL_TAGS.some((tag) => dataset.has(tag));
}

export function assessPixels(dataset: Dataset, recipe: Recipe, cleaner: PixelCleaner | undefined): PixelAssessment {
  if (!hasPixelData(dataset)) return { clean: true, cleanedNow: false, regions: undefined, reason: 'no pixel data' };
  if (recipe.pixelsKnownClean) return { clean: true, cleanedNow: false, regions: undefined, reason: 'the recipe states the pixels are clean' };
  if (recipe.options.has('cleanRecognizableVisualFeatures')) {
    throw new MedVeilError('deid', 'the recipe asks for Clean Recognizable Visual Features and MedVeil has no cleaner for them', {
      hint: 'remove the option, or clean the images upstream and set pixelsKnownClean: true in the recipe',
    });
  }
  const burnedIn = (dataset.getString(Tag.BurnedInAnnotation) ?? '').trim().toUpperCase() === 'YES';
  const wanted = recipe.options.has('cleanPixelData');
  if (!burnedIn && !wanted) return { clean: false, cleanedNow: false, regions: undefined, reason: 'pixels not verified' };
  const why = burnedIn ? 'Burned In Annotation is YES' : 'the recipe asks for Clean Pixel Data';
  if (!cleaner) {
    throw new MedVeilError('deid', `${why} and no pixel cleaner is configured, so burned-in identity cannot be removed`, {
      hint: 'configure a pixel cleaner, or set pixelsKnownClean: true in the recipe if the pixels were cleaned upstream',
    });
  }
  const result = cleaner.clean(dataset);
  if (!result.cleaned) {
    throw new MedVeilError('deid', `${why} and the pixel cleaner could not clean this image`, {
      hint: 'review the file by hand; it stays in quarantine',
    });
  }
  return { clean: true, cleanedNow: true, regions: result.regions, reason: 'pixel cleaner covered burned-in text' };
}
