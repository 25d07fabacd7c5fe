/**
 * Whether the pixels of a dataset are known to hold no identity. Fail closed: a hospital must
 * never receive burned-in names under Patient Identity Removed YES (PS3.3 C.12.1.1.1 says YES
 * covers the Pixel Data as well), so when pixels may carry identity and nothing cleaned them, we
 * throw MedVeilError('deid') and the caller quarantines the file.
 *
 * - No Pixel Data (SR, KOS, ...): nothing to clean.
 * - The recipe states `pixelsKnownClean`: the author vouches (cleaned upstream, or a modality
 *   known to burn in nothing); we trust it and say so in the report.
 * - Clean Recognizable Visual Features requested: we have no cleaner for faces or other
 *   features, so only `pixelsKnownClean` satisfies it; otherwise the file is refused.
 * - Clean Pixel Data requested, or Burned In Annotation (0028,0301) YES: the pixel stage must
 *   have run (`PixelCleaning`); without it the file is refused. A stage that had nothing to look
 *   with (no rule matched the device, no text finder) covered nothing: under Burned In
 *   Annotation YES the file is refused, since the modality says text is there; otherwise the
 *   pixels are not verified.
 * - Otherwise the pixels are not verified: the header is de-identified and Patient Identity
 *   Removed is NO.
 */
import type { Dataset } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import { MedVeilError } from '../errors.js';
import type { PixelCleaning } from './pixel-cleaning.js';
import type { Recipe } from './recipe.js';

export interface PixelAssessment {
  /** Pixel Data is known to carry no identity. */
  readonly clean: boolean;
  /** The pixel stage ran and looked for burned-in text (rules or a text finder): 113101 applies. */
  readonly cleanedNow: boolean;
  readonly regions: number | undefined;
  readonly reason: string;
}

const PIXEL_TAGS = [Tag.PixelData, Tag.FloatPixelData, Tag.DoubleFloatPixelData];

export function hasPixelData(dataset: Dataset): boolean {
  return PIXEL_TAGS.some((tag) => dataset.has(tag));
}

function burnedInAnnotation(dataset: Dataset): boolean {
  return (dataset.getString(Tag.BurnedInAnnotation) ?? '').trim().toUpperCase() === 'YES';
}

/**
 * Refuses, before any pixel is decoded, a data set whose pixels no stage can satisfy: Clean
 * Recognizable Visual Features asked for pixels the recipe does not vouch for.
 */
export function refuseUncleanablePixels(dataset: Dataset, recipe: Recipe): void {
  if (!hasPixelData(dataset) || recipe.pixelsKnownClean || !recipe.options.has('cleanRecognizableVisualFeatures')) return;
  throw new MedVeilError('deid', 'the recipe asks for Clean Recognizable Visual Features and MedVeil has no cleaner for them', {
    hint: 'remove the option, or clean the images upstream and set pixelsKnownClean: true in the recipe',
  });
}

/**
 * Whether the pixel stage must run on this data set before its header is de-identified: it has
 * Pixel Data, the recipe does not vouch for it, and the recipe asks for Clean Pixel Data or
 * Burned In Annotation is YES.
 */
export function pixelStageRequired(dataset: Dataset, recipe: Recipe): boolean {
  if (!hasPixelData(dataset) || recipe.pixelsKnownClean) return false;
  return burnedInAnnotation(dataset) || recipe.options.has('cleanPixelData');
}

export function assessPixels(dataset: Dataset, recipe: Recipe, cleaning: PixelCleaning | undefined): PixelAssessment {
  if (!hasPixelData(dataset)) return { clean: true, cleanedNow: false, regions: undefined, reason: 'no pixel data' };
  if (recipe.pixelsKnownClean) return { clean: true, cleanedNow: false, regions: undefined, reason: 'the recipe states the pixels are clean' };
  refuseUncleanablePixels(dataset, recipe);
  const burnedIn = burnedInAnnotation(dataset);
  const wanted = recipe.options.has('cleanPixelData');
  const why = burnedIn ? 'Burned In Annotation is YES' : 'the recipe asks for Clean Pixel Data';
  if (cleaning === undefined) {
    if (!burnedIn && !wanted) return { clean: false, cleanedNow: false, regions: undefined, reason: 'pixels not verified' };
    throw new MedVeilError('deid', `${why} and the pixel stage did not run, so burned-in identity cannot be removed`, {
      hint: 'de-identify through deidentifyInstance (it runs the pixel stage), or set pixelsKnownClean: true in the recipe if the pixels were cleaned upstream',
    });
  }
  const regions = cleaning.regionsPerFrame.reduce((sum, n) => sum + n, 0);
  if (cleaning.rulesMatched.length > 0 || cleaning.textFinder) {
    return { clean: true, cleanedNow: true, regions, reason: 'the pixel stage covered burned-in text' };
  }
  if (burnedIn) {
    throw new MedVeilError('deid', 'Burned In Annotation is YES, no pixel rule matches this device and image size, and no text finder ran, so the burned-in text cannot be located', {
      hint: 'add a rule for this device with --pixel-rules <file> (schema in docs/pixels.md), or run with --ocr',
    });
  }
  return { clean: false, cleanedNow: false, regions, reason: 'no pixel rule matched and no text finder ran' };
}
