/**
 * Use case: de-identify one DICOM instance held in memory. Reads the bytes, runs the pixel
 * stage when the recipe asks for Clean Pixel Data or Burned In Annotation is YES, applies the
 * recipe to the header through the engine, and encodes the result; pixel data the stage left
 * as it was goes from the input buffer to the output chunks without a copy. Any failure
 * throws: the caller quarantines, never writes a half-cleaned file (fail closed).
 *
 * The pixel stage runs first, on the original header: its rules match Manufacturer and model,
 * which the profile may remove. It owns the removal of overlay planes and icon thumbnails when
 * it runs (docs/deid.md, "Pixels and Patient Identity Removed").
 */
import { createHash } from 'node:crypto';
import type { DeidReport } from '../deid/deid-report.js';
import { deidentifyDataset } from '../deid/deidentify-dataset.js';
import { deidentifyFileMeta } from '../deid/deidentify-file-meta.js';
import { pixelStageRequired, refuseUncleanablePixels } from '../deid/assess-pixels.js';
import type { PixelCleaning } from '../deid/pixel-cleaning.js';
import type { Pseudonymizer } from '../deid/pseudonymizer.js';
import type { Recipe } from '../deid/recipe.js';
import { MedVeilError } from '../errors.js';
import type { DicomFile } from '../dicom/dicom-file.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { writeDicomFile } from '../dicom/write-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import type { FindTextRegions } from '../pixels/clean-pixels.js';
import type { PixelRule } from '../pixels/pixel-rules.js';

export interface DeidentifiedInstance {
  readonly kind: 'instance';
  readonly chunks: Uint8Array[];
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly sopInstanceUid: string;
  readonly report: DeidReport;
  readonly readWarnings: number;
}

export interface DeidentifyInstanceOptions {
  readonly recipe: Recipe;
  readonly pseudonymizer: Pseudonymizer;
  /** Pixel rules for the stage; by default the bundled ones (`defaultPixelRules()`). */
  readonly pixelRules?: readonly PixelRule[];
  /** A text finder (OCR) for the stage, besides the rules. */
  readonly findTextRegions?: FindTextRegions;
  /**
   * Called once the file is parsed, before anything changes; throwing stops the use case.
   * `pixelStage` says whether the pixel stage will decode Pixel Data. The CLI uses it to check
   * that bytes it did not read (large pixel data it copies in the kernel) were never parsed,
   * and will not be decoded.
   */
  readonly checkRead?: (file: DicomFile, pixelStage: boolean) => void;
}

export const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';

const UID_PATTERN = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

/** A DICOMDIR is a media index naming patients and files: it is never copied, and can be rebuilt for the output. */
export interface SkippedDicomdir {
  readonly kind: 'dicomdir';
}

export async function deidentifyInstance(bytes: Uint8Array, options: DeidentifyInstanceOptions): Promise<DeidentifiedInstance | SkippedDicomdir> {
  const file = readDicomFile(bytes);
  const sopClass = file.dataset.getString(Tag.SOPClassUID) ?? file.meta.getString(Tag.MediaStorageSOPClassUID);
  const dicomdir = sopClass === MEDIA_STORAGE_DIRECTORY;
  const pixelStage = !dicomdir && pixelStageRequired(file.dataset, options.recipe);
  options.checkRead?.(file, pixelStage);
  if (dicomdir) return { kind: 'dicomdir' };
  refuseUncleanablePixels(file.dataset, options.recipe);
  const pixelCleaning = pixelStage ? await runPixelStage(file, options) : undefined;
  const report = deidentifyDataset(file.dataset, { recipe: options.recipe, pseudonymizer: options.pseudonymizer, pixelCleaning });
  deidentifyFileMeta(file.meta, file.dataset);
  const sopInstanceUid = outputUid(file.dataset.getString(Tag.SOPInstanceUID), 'SOP Instance UID') ??
    options.pseudonymizer.uid(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  const studyInstanceUid = outputUid(file.dataset.getString(Tag.StudyInstanceUID), 'Study Instance UID') ?? 'no-study-uid';
  const seriesInstanceUid = outputUid(file.dataset.getString(Tag.SeriesInstanceUID), 'Series Instance UID') ?? 'no-series-uid';
  const chunks = writeDicomFile(file, { preamble: 'zero' });
  return { kind: 'instance', chunks, studyInstanceUid, seriesInstanceUid, sopInstanceUid, report, readWarnings: file.warnings.length };
}

async function runPixelStage(file: DicomFile, options: DeidentifyInstanceOptions): Promise<PixelCleaning> {
  const { findTextRegions, pixelRules } = options;
  // The codecs load only when a file needs the stage: most runs never decode a frame, and a
  // short run of `medveil deid` is mostly the start-up of its workers.
  const { cleanPixels } = await import('../pixels/clean-pixels.js');
  const report = await cleanPixels(file, {
    ...(pixelRules !== undefined ? { rules: pixelRules } : {}),
    ...(findTextRegions !== undefined ? { findTextRegions } : {}),
  });
  return { ...report, textFinder: findTextRegions !== undefined };
}

/**
 * Output paths are built from these UIDs, so a present one must be a plain UID (no separators,
 * no `..`); a hostile value is refused. An absent one (a bare data set, not an instance) gives
 * undefined, and the caller names the file by a keyed digest of its content instead.
 */
function outputUid(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.length > 64 || !UID_PATTERN.test(value)) {
    throw new MedVeilError('deid', `the de-identified ${name} is not a valid UID, so the file has no safe output name`);
  }
  return value;
}
