/**
 * The selection keys of each Directory Record Type (PS3.3 F.5, Tables F.5-1 to F.5-34), with
 * their Types. Specific Character Set (Type 1C in every table) is handled apart: it is added to
 * a record whose keys use a character set other than the default repertoire.
 *
 * Type 1: must hold a value. When the de-identified instance left it empty, `invent` says how
 * a value that says nothing about the patient is made (see `directory-records.ts`); a key
 * without `invent` is an error. Type 2: present, empty when the instance has no value.
 * Type 3 (and 1C keys whose condition MedVeil checks by copying what is there): copied when
 * the instance has them.
 */
import { Tag } from '../tag.js';
import type { DirectoryRecordType } from './directory-record-type.js';

/** How a missing Type 1 key is filled: a dummy date or time, or the ordinal of the entity. */
export type Invention =
  | { readonly kind: 'date'; readonly from: readonly number[] }
  | { readonly kind: 'time'; readonly from: readonly number[] }
  | { readonly kind: 'ordinal' }
  | { readonly kind: 'constant'; readonly value: string };

export interface RecordKey {
  readonly tag: number;
  readonly type: 1 | 2 | 3;
  readonly invent?: Invention;
}

/** Dates and times other attributes of the instance may stand in for, as dcmtk's dcmmkdir --invent does. */
const STUDY_DATE: Invention = { kind: 'date', from: [Tag.SeriesDate, Tag.AcquisitionDate, Tag.ContentDate] };
const STUDY_TIME: Invention = { kind: 'time', from: [Tag.SeriesTime, Tag.AcquisitionTime, Tag.ContentTime] };
const CONTENT_DATE: Invention = { kind: 'date', from: [Tag.SeriesDate, Tag.StudyDate] };
const CONTENT_TIME: Invention = { kind: 'time', from: [Tag.SeriesTime, Tag.StudyTime] };
const ORDINAL: Invention = { kind: 'ordinal' };

const INSTANCE_NUMBER: RecordKey = { tag: Tag.InstanceNumber, type: 1, invent: ORDINAL };
const CONTENT_DATE_1: RecordKey = { tag: Tag.ContentDate, type: 1, invent: CONTENT_DATE };
const CONTENT_TIME_1: RecordKey = { tag: Tag.ContentTime, type: 1, invent: CONTENT_TIME };

/** PS3.3 F.5.29, F.5.30, F.5.34: Registration, Fiducial and Real World Value Mapping share their keys. */
const CONTENT_IDENTIFICATION: readonly RecordKey[] = [
  CONTENT_DATE_1,
  CONTENT_TIME_1,
  INSTANCE_NUMBER,
  { tag: Tag.ContentLabel, type: 1 },
  { tag: Tag.ContentDescription, type: 2 },
  { tag: Tag.ContentCreatorName, type: 2 },
];

export const RECORD_KEYS: Readonly<Record<DirectoryRecordType, readonly RecordKey[]>> = {
  // F.5.1
  PATIENT: [
    { tag: Tag.PatientName, type: 2 },
    { tag: Tag.PatientID, type: 1, invent: ORDINAL },
  ],
  // F.5.2; Study Instance UID is 1C (required when the record references no file): always here.
  STUDY: [
    { tag: Tag.StudyDate, type: 1, invent: STUDY_DATE },
    { tag: Tag.StudyTime, type: 1, invent: STUDY_TIME },
    { tag: Tag.StudyDescription, type: 2 },
    { tag: Tag.StudyInstanceUID, type: 1 },
    { tag: Tag.StudyID, type: 1, invent: ORDINAL },
    { tag: Tag.AccessionNumber, type: 2 },
  ],
  // F.5.3
  SERIES: [
    { tag: Tag.Modality, type: 1, invent: { kind: 'constant', value: 'OT' } },
    { tag: Tag.SeriesInstanceUID, type: 1 },
    { tag: Tag.SeriesNumber, type: 1, invent: ORDINAL },
  ],
  // F.5.4
  IMAGE: [INSTANCE_NUMBER],
  // F.5.19
  'RT DOSE': [INSTANCE_NUMBER, { tag: Tag.DoseSummationType, type: 1 }, { tag: Tag.DoseComment, type: 3 }],
  // F.5.20
  'RT STRUCTURE SET': [
    INSTANCE_NUMBER,
    { tag: Tag.StructureSetLabel, type: 1 },
    { tag: Tag.StructureSetDate, type: 2 },
    { tag: Tag.StructureSetTime, type: 2 },
  ],
  // F.5.21
  'RT PLAN': [
    INSTANCE_NUMBER,
    { tag: Tag.RTPlanLabel, type: 1 },
    { tag: Tag.RTPlanDate, type: 2 },
    { tag: Tag.RTPlanTime, type: 2 },
  ],
  // F.5.22
  'RT TREAT RECORD': [INSTANCE_NUMBER, { tag: Tag.TreatmentDate, type: 2 }, { tag: Tag.TreatmentTime, type: 2 }],
  // F.5.23; Referenced Series and Blending Sequence are 1C on what the state references: copied as they are.
  PRESENTATION: [
    { tag: Tag.PresentationCreationDate, type: 1, invent: { kind: 'date', from: [Tag.ContentDate, Tag.SeriesDate] } },
    { tag: Tag.PresentationCreationTime, type: 1, invent: { kind: 'time', from: [Tag.ContentTime, Tag.SeriesTime] } },
    INSTANCE_NUMBER,
    { tag: Tag.ContentLabel, type: 1 },
    { tag: Tag.ContentDescription, type: 2 },
    { tag: Tag.ContentCreatorName, type: 2 },
    { tag: Tag.ReferencedSeriesSequence, type: 3 },
    { tag: Tag.BlendingSequence, type: 3 },
  ],
  // F.5.24
  WAVEFORM: [CONTENT_DATE_1, CONTENT_TIME_1, INSTANCE_NUMBER],
  // F.5.25; Verification DateTime (1C) is added by the record builder when the flag is VERIFIED.
  'SR DOCUMENT': [
    CONTENT_DATE_1,
    CONTENT_TIME_1,
    INSTANCE_NUMBER,
    { tag: Tag.CompletionFlag, type: 1 },
    { tag: Tag.VerificationFlag, type: 1 },
    { tag: Tag.ConceptNameCodeSequence, type: 1 },
  ],
  // F.5.26
  'KEY OBJECT DOC': [CONTENT_DATE_1, CONTENT_TIME_1, INSTANCE_NUMBER, { tag: Tag.ConceptNameCodeSequence, type: 1 }],
  // F.5.27
  SPECTROSCOPY: [
    { tag: Tag.ImageType, type: 1 },
    CONTENT_DATE_1,
    CONTENT_TIME_1,
    INSTANCE_NUMBER,
    { tag: Tag.ReferencedImageEvidenceSequence, type: 3 },
    { tag: Tag.NumberOfFrames, type: 1 },
    { tag: Tag.Rows, type: 1 },
    { tag: Tag.Columns, type: 1 },
    { tag: Tag.DataPointRows, type: 1 },
    { tag: Tag.DataPointColumns, type: 1 },
  ],
  // F.5.28
  'RAW DATA': [CONTENT_DATE_1, CONTENT_TIME_1, { tag: Tag.InstanceNumber, type: 2 }],
  REGISTRATION: CONTENT_IDENTIFICATION,
  FIDUCIAL: CONTENT_IDENTIFICATION,
  // F.5.32; HL7 Instance Identifier is 1C (present in the instance when required): copied.
  'ENCAP DOC': [
    { tag: Tag.ContentDate, type: 2 },
    { tag: Tag.ContentTime, type: 2 },
    INSTANCE_NUMBER,
    { tag: Tag.DocumentTitle, type: 2 },
    { tag: Tag.HL7InstanceIdentifier, type: 3 },
    { tag: Tag.ConceptNameCodeSequence, type: 2 },
    { tag: Tag.MIMETypeOfEncapsulatedDocument, type: 1 },
  ],
  'VALUE MAP': CONTENT_IDENTIFICATION,
};

/** Every tag a record may copy from an instance, and those inventions read: what the header must keep. */
export function recordSourceTags(): ReadonlySet<number> {
  const tags = new Set<number>([
    Tag.SpecificCharacterSet, Tag.VerifyingObserverSequence, Tag.RelatedGeneralSOPClassUID, Tag.SOPClassUID, Tag.SOPInstanceUID,
  ]);
  for (const keys of Object.values(RECORD_KEYS)) {
    for (const key of keys) {
      tags.add(key.tag);
      if (key.invent?.kind === 'date' || key.invent?.kind === 'time') for (const tag of key.invent.from) tags.add(tag);
    }
  }
  return tags;
}
