/**
 * Indexing one instance in the SQLite index (index-store.ts, putInstance): the rows of its
 * study, series and instance and the aggregates of both, checked for conflicts before the
 * first write. Shared by SqliteIndexStore on its own connection and by the index writer
 * thread (sqlite-index-writer.ts) on its connection.
 */
import type Database from 'better-sqlite3';
import { canonicalDate } from '../../dicom/query/index.js';
import type { IndexedInstance, PutInstanceResult } from '../index-store.js';
import { FROM, instanceFromRow, optionalText, type Row, SERIES_COLUMNS, STUDY_COLUMNS } from './sqlite-index-store-rows.js';
import { personNameColumn } from './sqlite-index-store-where.js';

/** `putInstance` as a better-sqlite3 transaction on `db` (call `.immediate(entry)`, or nest it in another transaction). */
export function createPutInstance(db: Database.Database): Database.Transaction<(entry: IndexedInstance) => PutInstanceResult> {
  const statements = preparePutStatements(db);
  return db.transaction((entry: IndexedInstance) => putInstanceRows(statements, entry));
}

type PutStatements = ReturnType<typeof preparePutStatements>;

function preparePutStatements(db: Database.Database) {
  return {
    studyByUid: db.prepare<[string], Row>(`SELECT ${STUDY_COLUMNS} FROM studies st WHERE st.study_uid = ?`),
    seriesByUid: db.prepare<[string], Row>(`SELECT ${STUDY_COLUMNS}, ${SERIES_COLUMNS} FROM ${FROM.series.from} WHERE se.series_uid = ?`),
    instanceByUid: db.prepare<[string], Row>(`SELECT ${FROM.instance.columns} FROM ${FROM.instance.from} WHERE i.sop_instance_uid = ?`),
    insertStudy: db.prepare(
      `INSERT INTO studies (study_uid, patient_name, patient_name_fold, patient_id, patient_birth_date, patient_sex, study_date,
         study_time, accession_number, study_description, referring_physician_name, referring_physician_name_fold, study_id,
         level, department, patient_ref)
       VALUES (@studyUid, @patientName, @patientNameFold, @patientId, @patientBirthDate, @patientSex, @studyDate, @studyTime,
         @accessionNumber, @studyDescription, @referringPhysicianName, @referringPhysicianNameFold, @studyId, @level, @department,
         @patientRef)`,
    ),
    insertSeries: db.prepare(
      `INSERT INTO series (series_uid, study_pk, modality, series_number, series_description, body_part_examined, pps_start_date, pps_start_time)
       VALUES (@seriesUid, @studyPk, @modality, @seriesNumber, @seriesDescription, @bodyPartExamined, @ppsStartDate, @ppsStartTime)`,
    ),
    insertInstance: db.prepare(
      `INSERT INTO instances (sop_instance_uid, series_pk, sop_class_uid, instance_number, transfer_syntax_uid, image_rows, image_columns,
         number_of_frames, bits_allocated, size, sha256, blob_key)
       VALUES (@sopInstanceUid, @seriesPk, @sopClassUid, @instanceNumber, @transferSyntaxUid, @rows, @columns, @numberOfFrames,
         @bitsAllocated, @size, @sha256, @blobKey)`,
    ),
    countSeriesInstance: db.prepare<[number]>('UPDATE series SET number_of_instances = number_of_instances + 1 WHERE pk = ?'),
    countStudy: db.prepare<[number, number]>(
      'UPDATE studies SET number_of_series = number_of_series + ?, number_of_instances = number_of_instances + 1 WHERE pk = ?',
    ),
    setModalities: db.prepare<[string, number]>('UPDATE studies SET modalities = ? WHERE pk = ?'),
    raiseLevel: db.prepare<[number, number]>('UPDATE studies SET level = max(coalesce(level, 0), ?) WHERE pk = ?'),
    modalities: db.prepare<[number], { modality: string }>(
      "SELECT DISTINCT modality FROM series WHERE study_pk = ? AND modality IS NOT NULL AND modality <> '' ORDER BY modality",
    ),
  };
}

function putInstanceRows(statements: PutStatements, entry: IndexedInstance): PutInstanceResult {
  const { study, series, instance } = entry;
  const existing = statements.instanceByUid.get(instance.sopInstanceUid);
  if (existing) {
    if (existing.se_series_uid !== series.seriesUid || existing.st_study_uid !== study.studyUid) {
      return { outcome: 'conflict', conflict: 'instance-in-other-series' };
    }
    if (existing.i_sha256 !== instance.sha256) return { outcome: 'conflict', conflict: 'instance-differs' };
    return { outcome: 'unchanged', record: instanceFromRow(existing) };
  }

  // Every conflict is found before the first write, so a refused instance leaves nothing behind.
  let seriesRow = statements.seriesByUid.get(series.seriesUid);
  if (seriesRow && seriesRow.st_study_uid !== study.studyUid) return { outcome: 'conflict', conflict: 'series-in-other-study' };
  let studyRow = statements.studyByUid.get(study.studyUid);
  if (studyRow) {
    const differs = (held: string | number | null | undefined, given: string | undefined): boolean =>
      optionalText(held) !== undefined && blank(given) !== null && optionalText(held) !== given;
    if (differs(studyRow.st_patient_id, study.patientId) || differs(studyRow.st_patient_ref, study.patientRef)) {
      return { outcome: 'conflict', conflict: 'patient-differs' };
    }
  } else {
    statements.insertStudy.run({
      studyUid: study.studyUid,
      patientName: blank(study.patientName),
      patientNameFold: personNameColumn(study.patientName),
      patientId: blank(study.patientId),
      patientBirthDate: dateColumn(study.patientBirthDate),
      patientSex: blank(study.patientSex),
      studyDate: dateColumn(study.studyDate),
      studyTime: blank(study.studyTime),
      accessionNumber: blank(study.accessionNumber),
      studyDescription: blank(study.studyDescription),
      referringPhysicianName: blank(study.referringPhysicianName),
      referringPhysicianNameFold: personNameColumn(study.referringPhysicianName),
      studyId: blank(study.studyId),
      level: study.level ?? null,
      department: blank(study.department),
      patientRef: blank(study.patientRef),
    });
    studyRow = statements.studyByUid.get(study.studyUid)!;
  }
  const studyPk = Number(studyRow.st_pk);

  const newSeries = seriesRow === undefined;
  if (!seriesRow) {
    statements.insertSeries.run({
      seriesUid: series.seriesUid,
      studyPk,
      modality: blank(series.modality),
      seriesNumber: series.seriesNumber ?? null,
      seriesDescription: blank(series.seriesDescription),
      bodyPartExamined: blank(series.bodyPartExamined),
      ppsStartDate: dateColumn(series.performedProcedureStepStartDate),
      ppsStartTime: blank(series.performedProcedureStepStartTime),
    });
    seriesRow = statements.seriesByUid.get(series.seriesUid)!;
  }
  const seriesPk = Number(seriesRow.se_pk);

  statements.insertInstance.run({
    sopInstanceUid: instance.sopInstanceUid,
    seriesPk,
    sopClassUid: instance.sopClassUid,
    instanceNumber: instance.instanceNumber ?? null,
    transferSyntaxUid: instance.transferSyntaxUid,
    rows: instance.rows ?? null,
    columns: instance.columns ?? null,
    numberOfFrames: instance.numberOfFrames ?? null,
    bitsAllocated: instance.bitsAllocated ?? null,
    size: instance.size,
    sha256: instance.sha256,
    blobKey: instance.blobKey,
  });
  statements.countSeriesInstance.run(seriesPk);
  statements.countStudy.run(newSeries ? 1 : 0, studyPk);
  if (newSeries) {
    const modalities = statements.modalities.all(studyPk).map((row) => row.modality);
    statements.setModalities.run(modalitiesColumn(modalities), studyPk);
  }
  if (study.level !== undefined) statements.raiseLevel.run(study.level, studyPk);
  return { outcome: 'stored', record: instanceFromRow(statements.instanceByUid.get(instance.sopInstanceUid)!) };
}

function blank(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function dateColumn(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : canonicalDate(value);
}

function modalitiesColumn(modalities: readonly string[]): string {
  return modalities.length === 0 ? '' : `\\${modalities.join('\\')}\\`;
}
