/**
 * The study index (ARCHITECTURE.md, flows 1 and 2): what is known of every stored instance,
 * its series and its study, for QIDO-RS, C-FIND and the retrieve services, and the facts the
 * access decision reads per study. Adapters: SQLite (adapters/sqlite-index-store.ts); PostgreSQL
 * is the scale-out path.
 *
 * Searching applies the access decision inside the store, before paging: a study the actor
 * may not see is skipped as if it did not exist, so it never counts toward `offset`, `limit`,
 * `more` or `remaining`, and paging cannot be used to find out that it is there.
 */
import type { Effect } from '../access/policy-table.js';
import type { SensitivityLevel } from '../access/sensitivity-level.js';
import type { StudyFacts } from '../access/access-resource.js';
import type { AttributeValues, FindQuery } from '../dicom/query/index.js';
import { Tag } from '../dicom/tag.js';
import type { BlobKey } from './blob-store.js';

/** Study and patient attributes as the first instance of the study brought them (decoded text). */
export interface StudyAttributes {
  readonly studyUid: string;
  readonly patientName?: string;
  readonly patientId?: string;
  readonly patientBirthDate?: string;
  readonly patientSex?: string;
  readonly studyDate?: string;
  readonly studyTime?: string;
  readonly accessionNumber?: string;
  readonly studyDescription?: string;
  readonly referringPhysicianName?: string;
  readonly studyId?: string;
}

/** What the access decision reads of a study (src/access/access-resource.ts, StudyFacts). */
export interface StudyAccess {
  /** Undefined: unlabeled, which every decision denies. */
  readonly level: SensitivityLevel | undefined;
  readonly department?: string;
  /** An opaque, pseudonymous reference to the patient; never a name or an ID in clear. */
  readonly patientRef?: string;
}

export interface SeriesAttributes {
  readonly seriesUid: string;
  readonly modality?: string;
  readonly seriesNumber?: number;
  readonly seriesDescription?: string;
  readonly bodyPartExamined?: string;
  readonly performedProcedureStepStartDate?: string;
  readonly performedProcedureStepStartTime?: string;
}

export interface InstanceAttributes {
  readonly sopInstanceUid: string;
  readonly sopClassUid: string;
  readonly instanceNumber?: number;
  /** The transfer syntax of the stored object. */
  readonly transferSyntaxUid: string;
  readonly rows?: number;
  readonly columns?: number;
  readonly numberOfFrames?: number;
  readonly bitsAllocated?: number;
  /** Bytes of the object before encryption. */
  readonly size: number;
  /** SHA-256 of the object before encryption, 64 lowercase hex digits. */
  readonly sha256: string;
  /** Where the encrypted object lives in the BlobStore. */
  readonly blobKey: BlobKey;
}

/** One instance as ingest indexes it, with its series and study. */
export interface IndexedInstance {
  readonly study: StudyAttributes & StudyAccess;
  readonly series: SeriesAttributes;
  readonly instance: InstanceAttributes;
}

export interface StudyRecord extends StudyAttributes, StudyAccess {
  /** The distinct modalities of the study's series, sorted. */
  readonly modalitiesInStudy: readonly string[];
  readonly numberOfSeries: number;
  readonly numberOfInstances: number;
}

export interface SeriesRecord extends SeriesAttributes {
  readonly studyUid: string;
  readonly numberOfInstances: number;
}

export interface InstanceRecord extends InstanceAttributes {
  readonly studyUid: string;
  readonly seriesUid: string;
}

/**
 * Why an instance was not indexed. Each would otherwise move an object, or a whole study, under
 * facts it did not come with:
 * - `instance-differs`: the SOP Instance UID is indexed with other content (another digest);
 * - `instance-in-other-series`: the SOP Instance UID is indexed under another series or study;
 * - `series-in-other-study`: the Series Instance UID is indexed under another study;
 * - `patient-differs`: the study is indexed for another patient (Patient ID or patient reference).
 */
export type IndexConflict = 'instance-differs' | 'instance-in-other-series' | 'series-in-other-study' | 'patient-differs';

export type PutInstanceResult =
  | { readonly outcome: 'stored'; readonly record: InstanceRecord }
  /** Re-sent: the same SOP Instance UID with the same digest, under the same parents. Nothing changed. */
  | { readonly outcome: 'unchanged'; readonly record: InstanceRecord }
  | { readonly outcome: 'conflict'; readonly conflict: IndexConflict };

/** A match the actor may see, and how. */
export interface FindMatch {
  readonly effect: 'full' | 'masked';
  readonly study: StudyRecord;
  /** Present for series and instance searches. */
  readonly series?: SeriesRecord;
  /** Present for instance searches. */
  readonly instance?: InstanceRecord;
}

export interface FindOptions {
  /**
   * The access decision for the `query` action on one study (decideAccess). `denied` studies,
   * their series and their instances are skipped before paging.
   */
  readonly visibility: (study: StudyFacts) => Effect;
  /**
   * The attributes a `masked` study may be matched on (default MASKED_MATCH_KEYS,
   * src/dicom/query/masked-match-keys.ts). A masked study does not match a query with any
   * other matching key, so that matching cannot reveal what the masked response hides.
   */
  readonly maskedMatchKeys?: ReadonlySet<number>;
  /** The archive's own maximum number of matches in one response (PS3.18 8.3.4.4.1 maxResults). */
  readonly maxResults?: number;
  /** Also count every further visible match, for the Warning header of PS3.18 8.3.4.4.1. */
  readonly countRemaining?: boolean;
  /** Stops the search between rows (C-FIND C-CANCEL, a closed connection). */
  readonly signal?: AbortSignal;
}

export interface FindPage {
  readonly matches: readonly FindMatch[];
  /** Whether a visible match follows the last one returned. */
  readonly more: boolean;
  /** How many visible matches follow the last one returned, when `countRemaining` was asked. */
  readonly remaining?: number;
}

/** The default of `FindOptions.maxResults` for `find`. */
export const DEFAULT_MAX_RESULTS = 1000;

/** The entities a retrieve names by UID, each checked against its parent. */
export interface StudyPath {
  readonly studyUid: string;
}
export interface SeriesPath extends StudyPath {
  readonly seriesUid: string;
}
export interface InstancePath extends StudyPath {
  /** When given, the instance must be in this series too. */
  readonly seriesUid?: string;
  readonly sopInstanceUid: string;
}

export interface LocatedSeries {
  readonly study: StudyRecord;
  readonly series: SeriesRecord;
}

export interface LocatedInstance extends LocatedSeries {
  readonly instance: InstanceRecord;
}

export interface IndexStore {
  /**
   * Indexes one instance and updates the counts and modalities of its series and study, in one
   * transaction. Idempotent: the same instance again changes nothing (`unchanged`). The study's
   * level becomes the higher of the stored one and the given one (a study has the highest level
   * of its instances, docs/decisions/access-policy.md); its other attributes and its department
   * are those of its first instance.
   */
  putInstance(entry: IndexedInstance): Promise<PutInstanceResult>;
  /** Sets a study's level (a DSO's decision); the previous level, or `not-found`. */
  setStudyLevel(studyUid: string, level: SensitivityLevel): Promise<{ readonly previous: SensitivityLevel | undefined } | 'not-found'>;
  /** One page of visible matches: `query.offset` skipped, then at most `query.limit` (and `maxResults`). */
  find(query: FindQuery, options: FindOptions): Promise<FindPage>;
  /** Visible matches one by one in the same stable order, for C-FIND; `maxResults` applies only when given. */
  findEach(query: FindQuery, options: FindOptions): AsyncIterable<FindMatch>;
  getStudy(path: StudyPath): Promise<StudyRecord | undefined>;
  /** The series, only if it belongs to `studyUid`: under another study it is "not found", like a missing one. */
  getSeries(path: SeriesPath): Promise<LocatedSeries | undefined>;
  /** The instance, only if it belongs to `studyUid` (and `seriesUid`, when given). */
  getInstance(path: InstancePath): Promise<LocatedInstance | undefined>;
  close(): void;
}

/** The facts `decideAccess` reads, from a study record. */
export function studyFacts(study: StudyRecord): StudyFacts {
  return {
    studyUid: study.studyUid,
    level: study.level,
    ...(study.department === undefined ? {} : { department: study.department }),
    ...(study.patientRef === undefined ? {} : { patientRef: study.patientRef }),
  };
}

function text(value: string | undefined): readonly string[] {
  return value === undefined || value === '' ? [] : [value];
}

function number(value: number | undefined): readonly string[] {
  return value === undefined ? [] : [String(value)];
}

/**
 * The DICOM attribute values a match holds, by tag (those of its study, series and instance),
 * for matching (src/dicom/query/match-find-query.ts) and for building responses. An attribute
 * the index does not hold has no values.
 */
export function matchAttributeValues(match: Pick<FindMatch, 'study' | 'series' | 'instance'>): AttributeValues {
  const { study, series, instance } = match;
  return (tag) => {
    switch (tag) {
      case Tag.PatientName: return text(study.patientName);
      case Tag.PatientID: return text(study.patientId);
      case Tag.PatientBirthDate: return text(study.patientBirthDate);
      case Tag.PatientSex: return text(study.patientSex);
      case Tag.StudyInstanceUID: return text(study.studyUid);
      case Tag.StudyDate: return text(study.studyDate);
      case Tag.StudyTime: return text(study.studyTime);
      case Tag.AccessionNumber: return text(study.accessionNumber);
      case Tag.StudyDescription: return text(study.studyDescription);
      case Tag.ModalitiesInStudy: return study.modalitiesInStudy;
      case Tag.ReferringPhysicianName: return text(study.referringPhysicianName);
      case Tag.StudyID: return text(study.studyId);
      case Tag.NumberOfStudyRelatedSeries: return number(study.numberOfSeries);
      case Tag.NumberOfStudyRelatedInstances: return number(study.numberOfInstances);
      case Tag.SeriesInstanceUID: return text(series?.seriesUid);
      case Tag.Modality: return text(series?.modality);
      case Tag.SeriesNumber: return number(series?.seriesNumber);
      case Tag.SeriesDescription: return text(series?.seriesDescription);
      case Tag.BodyPartExamined: return text(series?.bodyPartExamined);
      case Tag.PerformedProcedureStepStartDate: return text(series?.performedProcedureStepStartDate);
      case Tag.PerformedProcedureStepStartTime: return text(series?.performedProcedureStepStartTime);
      case Tag.NumberOfSeriesRelatedInstances: return number(series?.numberOfInstances);
      case Tag.SOPInstanceUID: return text(instance?.sopInstanceUid);
      case Tag.SOPClassUID: return text(instance?.sopClassUid);
      case Tag.InstanceNumber: return number(instance?.instanceNumber);
      case Tag.Rows: return number(instance?.rows);
      case Tag.Columns: return number(instance?.columns);
      case Tag.NumberOfFrames: return number(instance?.numberOfFrames);
      case Tag.BitsAllocated: return number(instance?.bitsAllocated);
      case Tag.AvailableTransferSyntaxUID: return text(instance?.transferSyntaxUid);
      default: return [];
    }
  };
}
