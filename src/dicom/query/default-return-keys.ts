/**
 * The attributes a QIDO-RS search returns for every match without being asked (PS3.18
 * 10.6.3.3), as tags. The tables are PS3.18's own, top-level rows only: the items of Request
 * Attributes Sequence go with the sequence. `default-return-keys.test.ts` compares them with
 * the copy of PS3.18 in ../shared/dicom-standard. A response leaves out what the archive does not
 * hold (Retrieve URL is the HTTP adapter's to add).
 */
import { Tag } from '../tag.js';
import type { QueryScope } from './find-query.js';
import type { QueryLevel } from './query-level.js';

/** PS3.18 Table 10.6.3-3, Study Resource Search Response Payload. */
export const STUDY_RETURN_KEYS: readonly number[] = [
  Tag.StudyDate,
  Tag.StudyTime,
  Tag.AccessionNumber,
  Tag.InstanceAvailability,
  Tag.ModalitiesInStudy,
  Tag.ReferringPhysicianName,
  Tag.TimezoneOffsetFromUTC,
  Tag.RetrieveURL,
  Tag.PatientName,
  Tag.PatientID,
  Tag.PatientBirthDate,
  Tag.PatientSex,
  Tag.StudyInstanceUID,
  Tag.StudyID,
  Tag.NumberOfStudyRelatedSeries,
  Tag.NumberOfStudyRelatedInstances,
];

/** PS3.18 Table 10.6.3-4, Series Resources Search Response Payload. */
export const SERIES_RETURN_KEYS: readonly number[] = [
  Tag.Modality,
  Tag.TimezoneOffsetFromUTC,
  Tag.SeriesDescription,
  Tag.RetrieveURL,
  Tag.SeriesInstanceUID,
  Tag.SeriesNumber,
  Tag.NumberOfSeriesRelatedInstances,
  Tag.PerformedProcedureStepStartDate,
  Tag.PerformedProcedureStepStartTime,
  Tag.RequestAttributesSequence,
];

/** PS3.18 Table 10.6.3-5, Instance Resources Search Response Payload. */
export const INSTANCE_RETURN_KEYS: readonly number[] = [
  Tag.SOPClassUID,
  Tag.SOPInstanceUID,
  Tag.InstanceAvailability,
  Tag.TimezoneOffsetFromUTC,
  Tag.RetrieveURL,
  Tag.InstanceNumber,
  Tag.Rows,
  Tag.Columns,
  Tag.BitsAllocated,
  Tag.NumberOfFrames,
];

/**
 * The defaults of a search resource (PS3.18 10.6.3.3): a series search across all studies
 * also returns the study attributes; an instance search returns the series attributes unless
 * it is confined to one series, and the study attributes unless it is confined to one study.
 */
export function defaultReturnKeys(level: QueryLevel, scope: QueryScope): number[] {
  const keys = new Set<number>();
  const add = (table: readonly number[]): void => table.forEach((tag) => keys.add(tag));
  if (level === 'study') add(STUDY_RETURN_KEYS);
  if (level === 'series') {
    add(SERIES_RETURN_KEYS);
    if (scope.studyUid === undefined) add(STUDY_RETURN_KEYS);
  }
  if (level === 'instance') {
    add(INSTANCE_RETURN_KEYS);
    if (scope.seriesUid === undefined) add(SERIES_RETURN_KEYS);
    if (scope.studyUid === undefined) add(STUDY_RETURN_KEYS);
  }
  return [...keys].sort((a, b) => a - b);
}
