import { lookupAttribute } from '../dictionary.js';
import { Tag, type TagKeyword } from '../tag.js';
import type { VR } from '../vr.js';
import type { InformationEntity } from './query-level.js';

/** An attribute the index holds, so that it can be matched and returned. */
export interface QueryAttribute {
  readonly tag: number;
  readonly keyword: string;
  readonly vr: VR;
  readonly entity: InformationEntity;
  /**
   * False for values the archive computes or reports (the Number of ... Related ... counts,
   * the transfer syntax it holds): they are returned, and a match on them is refused rather
   * than answered from a count that changes while objects arrive.
   */
  readonly matchable: boolean;
  /** The index may hold several values (Modalities in Study). */
  readonly multiValued: boolean;
}

interface Row {
  readonly keyword: TagKeyword;
  readonly entity: InformationEntity;
  readonly matchable?: false;
  readonly multiValued?: true;
}

/*
 * The required matching attributes of PS3.18 Table 10.6.1-5 and the default return attributes of
 * Tables 10.6.3-3 to 10.6.3-5 that an index can hold, plus Study Description, Series Description
 * and Body Part Examined, which viewers list. Request Attributes Sequence (0040,0275) is not
 * held (sequence matching is refused, see docs/query.md).
 */
const ROWS: readonly Row[] = [
  { keyword: 'PatientName', entity: 'patient' },
  { keyword: 'PatientID', entity: 'patient' },
  { keyword: 'PatientBirthDate', entity: 'patient' },
  { keyword: 'PatientSex', entity: 'patient' },
  { keyword: 'StudyInstanceUID', entity: 'study' },
  { keyword: 'StudyDate', entity: 'study' },
  { keyword: 'StudyTime', entity: 'study' },
  { keyword: 'AccessionNumber', entity: 'study' },
  { keyword: 'StudyDescription', entity: 'study' },
  { keyword: 'ModalitiesInStudy', entity: 'study', multiValued: true },
  { keyword: 'ReferringPhysicianName', entity: 'study' },
  { keyword: 'StudyID', entity: 'study' },
  { keyword: 'NumberOfStudyRelatedSeries', entity: 'study', matchable: false },
  { keyword: 'NumberOfStudyRelatedInstances', entity: 'study', matchable: false },
  { keyword: 'SeriesInstanceUID', entity: 'series' },
  { keyword: 'Modality', entity: 'series' },
  { keyword: 'SeriesNumber', entity: 'series' },
  { keyword: 'SeriesDescription', entity: 'series' },
  { keyword: 'BodyPartExamined', entity: 'series' },
  { keyword: 'PerformedProcedureStepStartDate', entity: 'series' },
  { keyword: 'PerformedProcedureStepStartTime', entity: 'series' },
  { keyword: 'NumberOfSeriesRelatedInstances', entity: 'series', matchable: false },
  { keyword: 'SOPInstanceUID', entity: 'instance' },
  { keyword: 'SOPClassUID', entity: 'instance' },
  { keyword: 'InstanceNumber', entity: 'instance' },
  { keyword: 'Rows', entity: 'instance' },
  { keyword: 'Columns', entity: 'instance' },
  { keyword: 'NumberOfFrames', entity: 'instance' },
  { keyword: 'BitsAllocated', entity: 'instance' },
  { keyword: 'AvailableTransferSyntaxUID', entity: 'instance', matchable: false },
];

function toAttribute(row: Row): QueryAttribute {
  const tag = Tag[row.keyword];
  const info = lookupAttribute(tag);
  if (!info) throw new Error(`query attribute ${row.keyword} is missing from the data dictionary`);
  return {
    tag,
    keyword: row.keyword,
    vr: info.vr,
    entity: row.entity,
    matchable: row.matchable !== false,
    multiValued: row.multiValued === true,
  };
}

/** Every attribute the index holds, in ascending tag order. */
export const QUERY_ATTRIBUTES: readonly QueryAttribute[] = ROWS.map(toAttribute).sort((a, b) => a.tag - b.tag);

const BY_TAG: ReadonlyMap<number, QueryAttribute> = new Map(QUERY_ATTRIBUTES.map((a) => [a.tag, a]));

/** The attribute the index holds under `tag`, or undefined when it holds none. */
export function queryAttribute(tag: number): QueryAttribute | undefined {
  return BY_TAG.get(tag);
}

/** The Unique Key of each level (PS3.4 C.6.2.1). */
export const UNIQUE_KEYS = {
  study: Tag.StudyInstanceUID,
  series: Tag.SeriesInstanceUID,
  instance: Tag.SOPInstanceUID,
} as const;

/**
 * Date and time attributes that form one moment, for combined date-time matching
 * (PS3.4 C.2.2.2.5: "a pair of Attributes that are a date and a time").
 */
export const DATE_TIME_PAIRS: readonly (readonly [date: number, time: number])[] = [
  [Tag.StudyDate, Tag.StudyTime],
  [Tag.PerformedProcedureStepStartDate, Tag.PerformedProcedureStepStartTime],
];
