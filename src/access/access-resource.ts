import type { SensitivityLevel } from './sensitivity-level.js';

/** The facts of a study the decision needs, as the index holds them. */
export interface StudyFacts {
  readonly studyUid: string;
  /** Undefined when the study has no label (never classified, or the label was lost). */
  readonly level: SensitivityLevel | undefined;
  /** The department that owns the study. */
  readonly department?: string;
  /** An opaque reference to the patient (never a name or an ID in clear). */
  readonly patientRef?: string;
}

/**
 * What is asked for. A series or an instance carries the study it belongs to, as the index
 * says, and the decision reads only that study: there is no level or department of a series
 * that could disagree with its study. The UIDs a request named on its way down (the study in
 * `/studies/{study}/series/{series}`) are carried separately and must equal the indexed
 * parents, so a forbidden series cannot be reached under an allowed study.
 */
export type AccessResource =
  | { readonly kind: 'study'; readonly study: StudyFacts }
  | {
      readonly kind: 'series';
      readonly seriesUid: string;
      readonly study: StudyFacts;
      readonly requestedStudyUid?: string;
    }
  | {
      readonly kind: 'instance';
      readonly sopInstanceUid: string;
      /** The series the index holds the instance in. */
      readonly seriesUid: string;
      readonly study: StudyFacts;
      readonly requestedStudyUid?: string;
      readonly requestedSeriesUid?: string;
    };
