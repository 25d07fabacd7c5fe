/**
 * The tables of the SQLite index and the mapping between their rows and the records of
 * index-store.ts. Person-name columns hold the folded component groups
 * (sqlite-index-store-where.ts); date columns hold YYYYMMDD where the stored date could be read.
 */
import { isSensitivityLevel } from '../../access/sensitivity-level.js';
import type { FindQuery } from '../../dicom/query/index.js';
import type { InstanceRecord, SeriesRecord, StudyRecord } from '../index-store.js';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS studies (
  pk INTEGER PRIMARY KEY,
  study_uid TEXT NOT NULL UNIQUE,
  patient_name TEXT, patient_name_fold TEXT, patient_id TEXT, patient_birth_date TEXT, patient_sex TEXT,
  study_date TEXT, study_time TEXT, accession_number TEXT, study_description TEXT,
  referring_physician_name TEXT, referring_physician_name_fold TEXT, study_id TEXT,
  modalities TEXT NOT NULL DEFAULT '',
  number_of_series INTEGER NOT NULL DEFAULT 0, number_of_instances INTEGER NOT NULL DEFAULT 0,
  level INTEGER CHECK (level IS NULL OR level BETWEEN 1 AND 5),
  department TEXT, patient_ref TEXT) STRICT;
CREATE INDEX IF NOT EXISTS studies_patient_id ON studies (patient_id);
CREATE INDEX IF NOT EXISTS studies_study_date ON studies (study_date);
CREATE INDEX IF NOT EXISTS studies_accession_number ON studies (accession_number);
CREATE TABLE IF NOT EXISTS series (
  pk INTEGER PRIMARY KEY,
  series_uid TEXT NOT NULL UNIQUE,
  study_pk INTEGER NOT NULL REFERENCES studies (pk),
  modality TEXT, series_number INTEGER, series_description TEXT, body_part_examined TEXT,
  pps_start_date TEXT, pps_start_time TEXT,
  number_of_instances INTEGER NOT NULL DEFAULT 0) STRICT;
CREATE INDEX IF NOT EXISTS series_study ON series (study_pk, pk);
CREATE TABLE IF NOT EXISTS instances (
  pk INTEGER PRIMARY KEY,
  sop_instance_uid TEXT NOT NULL UNIQUE,
  series_pk INTEGER NOT NULL REFERENCES series (pk),
  sop_class_uid TEXT NOT NULL, instance_number INTEGER, transfer_syntax_uid TEXT NOT NULL,
  image_rows INTEGER, image_columns INTEGER, number_of_frames INTEGER, bits_allocated INTEGER,
  size INTEGER NOT NULL, sha256 TEXT NOT NULL, blob_key TEXT NOT NULL) STRICT;
CREATE INDEX IF NOT EXISTS instances_series ON instances (series_pk, pk);
`;

export const STUDY_COLUMNS = `st.pk AS st_pk, st.study_uid AS st_study_uid, st.patient_name AS st_patient_name, st.patient_id AS st_patient_id,
  st.patient_birth_date AS st_patient_birth_date, st.patient_sex AS st_patient_sex, st.study_date AS st_study_date,
  st.study_time AS st_study_time, st.accession_number AS st_accession_number, st.study_description AS st_study_description,
  st.referring_physician_name AS st_referring_physician_name, st.study_id AS st_study_id, st.modalities AS st_modalities,
  st.number_of_series AS st_number_of_series, st.number_of_instances AS st_number_of_instances, st.level AS st_level,
  st.department AS st_department, st.patient_ref AS st_patient_ref`;
export const SERIES_COLUMNS = `se.pk AS se_pk, se.series_uid AS se_series_uid, se.modality AS se_modality, se.series_number AS se_series_number,
  se.series_description AS se_series_description, se.body_part_examined AS se_body_part_examined,
  se.pps_start_date AS se_pps_start_date, se.pps_start_time AS se_pps_start_time, se.number_of_instances AS se_number_of_instances`;
export const INSTANCE_COLUMNS = `i.pk AS i_pk, i.sop_instance_uid AS i_sop_instance_uid, i.sop_class_uid AS i_sop_class_uid,
  i.instance_number AS i_instance_number, i.transfer_syntax_uid AS i_transfer_syntax_uid, i.image_rows AS i_image_rows,
  i.image_columns AS i_image_columns, i.number_of_frames AS i_number_of_frames, i.bits_allocated AS i_bits_allocated,
  i.size AS i_size, i.sha256 AS i_sha256, i.blob_key AS i_blob_key`;

export type Row = Record<string, string | number | null>;

export const FROM: Record<FindQuery['level'], { columns: string; from: string; pk: string }> = {
  study: { columns: STUDY_COLUMNS, from: 'studies st', pk: 'st.pk' },
  series: { columns: `${STUDY_COLUMNS}, ${SERIES_COLUMNS}`, from: 'series se JOIN studies st ON st.pk = se.study_pk', pk: 'se.pk' },
  instance: {
    columns: `${STUDY_COLUMNS}, ${SERIES_COLUMNS}, ${INSTANCE_COLUMNS}`,
    from: 'instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk',
    pk: 'i.pk',
  },
};

export function optionalText(value: string | number | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : String(value);
}

export function optionalNumber(value: string | number | null | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

export function studyFromRow(row: Row): StudyRecord {
  const level = row.st_level;
  const modalities = String(row.st_modalities ?? '');
  return {
    studyUid: String(row.st_study_uid),
    patientName: optionalText(row.st_patient_name),
    patientId: optionalText(row.st_patient_id),
    patientBirthDate: optionalText(row.st_patient_birth_date),
    patientSex: optionalText(row.st_patient_sex),
    studyDate: optionalText(row.st_study_date),
    studyTime: optionalText(row.st_study_time),
    accessionNumber: optionalText(row.st_accession_number),
    studyDescription: optionalText(row.st_study_description),
    referringPhysicianName: optionalText(row.st_referring_physician_name),
    studyId: optionalText(row.st_study_id),
    modalitiesInStudy: modalities === '' ? [] : modalities.slice(1, -1).split('\\'),
    numberOfSeries: Number(row.st_number_of_series),
    numberOfInstances: Number(row.st_number_of_instances),
    level: isSensitivityLevel(level) ? level : undefined,
    department: optionalText(row.st_department),
    patientRef: optionalText(row.st_patient_ref),
  };
}

export function seriesFromRow(row: Row): SeriesRecord {
  return {
    studyUid: String(row.st_study_uid),
    seriesUid: String(row.se_series_uid),
    modality: optionalText(row.se_modality),
    seriesNumber: optionalNumber(row.se_series_number),
    seriesDescription: optionalText(row.se_series_description),
    bodyPartExamined: optionalText(row.se_body_part_examined),
    performedProcedureStepStartDate: optionalText(row.se_pps_start_date),
    performedProcedureStepStartTime: optionalText(row.se_pps_start_time),
    numberOfInstances: Number(row.se_number_of_instances),
  };
}

export function instanceFromRow(row: Row): InstanceRecord {
  return {
    studyUid: String(row.st_study_uid),
    seriesUid: String(row.se_series_uid),
    sopInstanceUid: String(row.i_sop_instance_uid),
    sopClassUid: String(row.i_sop_class_uid),
    instanceNumber: optionalNumber(row.i_instance_number),
    transferSyntaxUid: String(row.i_transfer_syntax_uid),
    rows: optionalNumber(row.i_image_rows),
    columns: optionalNumber(row.i_image_columns),
    numberOfFrames: optionalNumber(row.i_number_of_frames),
    bitsAllocated: optionalNumber(row.i_bits_allocated),
    size: Number(row.i_size),
    sha256: String(row.i_sha256),
    blobKey: String(row.i_blob_key),
  };
}
