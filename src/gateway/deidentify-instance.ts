/**
 * Use case: de-identify one DICOM instance held in memory. Reads the bytes, applies the
 * recipe through the engine, and encodes the result; pixel data goes from the input buffer to
 * the output chunks without a copy. Any failure throws: the caller quarantines, never writes
 * a half-cleaned file (fail closed).
 */
import { createHash } from 'node:crypto';
import type { DeidReport } from '../deid/deid-report.js';
import { deidentifyDataset } from '../deid/deidentify-dataset.js';
import { deidentifyFileMeta } from '../deid/deidentify-file-meta.js';
import type { PixelCleaner } from '../deid/pixel-cleaner.js';
import type { Pseudonymizer } from '../deid/pseudonymizer.js';
import type { Recipe } from '../deid/recipe.js';
import { MedVeilError } from '../errors.js';
import type { DicomFile } from '../dicom/dicom-file.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { writeDicomFile } from '../dicom/write-dicom-file.js';
import { Tag } from '../dicom/tag.js';

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
  readonly pixelCleaner?: PixelCleaner;
  /**
   * Called once the file is parsed, before anything changes; throwing stops the use case. The
   * CLI uses it to check that bytes it did not read (large pixel data it copies in the kernel)
   * were never parsed.
   */
  readonly checkRead?: (file: DicomFile) => void;
}

export const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';

const UID_PATTERN = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

/** A DICOMDIR is a media index naming patients and files: it is never copied, and can be rebuilt for the output. */
export interface SkippedDicomdir {
  readonly kind: 'dicomdir';
}

export function deidentifyInstance(bytes: Uint8Array, options: DeidentifyInstanceOptions): DeidentifiedInstance | SkippedDicomdir {
  const file = readDicomFile(bytes);
  options.checkRead?.(file);
  const sopClass = file.dataset.getString(Tag.SOPClassUID) ?? file.meta.getString(Tag.MediaStorageSOPClassUID);
  if (sopClass === MEDIA_STORAGE_DIRECTORY) return { kind: 'dicomdir' };
  const report = deidentifyDataset(file.dataset, options);
  deidentifyFileMeta(file.meta, file.dataset);
  const sopInstanceUid = outputUid(file.dataset.getString(Tag.SOPInstanceUID), 'SOP Instance UID') ??
    options.pseudonymizer.uid(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  const studyInstanceUid = outputUid(file.dataset.getString(Tag.StudyInstanceUID), 'Study Instance UID') ?? 'no-study-uid';
  const seriesInstanceUid = outputUid(file.dataset.getString(Tag.SeriesInstanceUID), 'Series Instance UID') ?? 'no-series-uid';
  const chunks = writeDicomFile(file, { preamble: 'zero' });
  return { kind: 'instance', chunks, studyInstanceUid, seriesInstanceUid, sopInstanceUid, report, readWarnings: file.warnings.length };
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
