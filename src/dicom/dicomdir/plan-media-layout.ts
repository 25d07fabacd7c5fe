/**
 * The layout of a media folder: instances grouped patient → study → series, in a fixed order
 * (Patient ID, Study Instance UID, Series Instance UID, Instance Number, SOP Instance UID), each
 * given a File ID made only of ordinals: DICOM\P0000001\ST000001\SE000001\I0000001. Names carry
 * nothing of the patient, and the same instances always get the same names. Instances without
 * a Patient ID get a patient of their own per study, as dcmtk's dcmmkdir files them.
 */
import { MedVeilError } from '../../errors.js';
import { checkFileId, ordinalComponent } from './file-id.js';
import type { InstanceHeader } from './instance-header.js';

/** The first File ID component of every instance: the folder that holds the images. */
export const MEDIA_ROOT_COMPONENT = 'DICOM';

export interface LaidOutInstance {
  /** 1-based position in its series. */
  readonly ordinal: number;
  readonly header: InstanceHeader;
  /** The Referenced File ID (0004,1500): one value per folder level, the file name last. */
  readonly fileId: readonly string[];
}

export interface SeriesEntry {
  readonly ordinal: number;
  readonly seriesInstanceUid: string;
  readonly instances: readonly LaidOutInstance[];
}

export interface StudyEntry {
  readonly ordinal: number;
  readonly studyInstanceUid: string;
  readonly series: readonly SeriesEntry[];
}

export interface PatientEntry {
  readonly ordinal: number;
  /** "" for instances without a Patient ID; nothing says two such studies are of one patient, so each gets its own. */
  readonly patientId: string;
  readonly studies: readonly StudyEntry[];
}

export interface MediaLayout {
  readonly patients: readonly PatientEntry[];
}

/** Groups and names the instances; throws on two files of one instance, or a study or series filed under two parents. */
export function planMediaLayout(headers: readonly InstanceHeader[]): MediaLayout {
  checkConsistency(headers);
  const sorted = [...headers].sort(compareHeaders);
  const patients: PatientEntry[] = [];
  for (const [, ofPatient] of groupBy(sorted, patientKey)) {
    const p = ordinalComponent('P', patients.length + 1);
    const studies: StudyEntry[] = [];
    for (const [studyInstanceUid, ofStudy] of groupBy(ofPatient, (h) => h.studyInstanceUid)) {
      const st = ordinalComponent('ST', studies.length + 1);
      const series: SeriesEntry[] = [];
      for (const [seriesInstanceUid, ofSeries] of groupBy(ofStudy, (h) => h.seriesInstanceUid)) {
        const se = ordinalComponent('SE', series.length + 1);
        const instances = ofSeries.map((header, i): LaidOutInstance => {
          const fileId = [MEDIA_ROOT_COMPONENT, p, st, se, ordinalComponent('I', i + 1)];
          checkFileId(fileId);
          return { ordinal: i + 1, header, fileId };
        });
        series.push({ ordinal: series.length + 1, seriesInstanceUid, instances });
      }
      studies.push({ ordinal: studies.length + 1, studyInstanceUid, series });
    }
    patients.push({ ordinal: patients.length + 1, patientId: ofPatient[0]!.patientId, studies });
  }
  return { patients };
}

/** Every laid-out instance, in directory order. */
export function layoutInstances(layout: MediaLayout): LaidOutInstance[] {
  return layout.patients.flatMap((p) => p.studies.flatMap((st) => st.series.flatMap((se) => [...se.instances])));
}

/** The Patient ID; for an instance without one, its study (NUL sorts these first and cannot occur in an LO). */
function patientKey(header: InstanceHeader): string {
  return header.patientId === '' ? `\0${header.studyInstanceUid}` : header.patientId;
}

function compareHeaders(a: InstanceHeader, b: InstanceHeader): number {
  return compareText(patientKey(a), patientKey(b)) ||
    compareText(a.studyInstanceUid, b.studyInstanceUid) ||
    compareText(a.seriesInstanceUid, b.seriesInstanceUid) ||
    (a.instanceNumber ?? Infinity) - (b.instanceNumber ?? Infinity) ||
    compareText(a.sopInstanceUid, b.sopInstanceUid);
}

/** Code-unit order, the same on every machine and locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Consecutive runs of equal keys (the input is sorted), in order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const groups: [string, T[]][] = [];
  for (const item of items) {
    const k = key(item);
    const last = groups[groups.length - 1];
    if (last !== undefined && last[0] === k) last[1].push(item);
    else groups.push([k, [item]]);
  }
  return groups;
}

function checkConsistency(headers: readonly InstanceHeader[]): void {
  const instances = new Map<string, InstanceHeader>();
  const studyPatient = new Map<string, InstanceHeader>();
  const seriesStudy = new Map<string, InstanceHeader>();
  for (const header of headers) {
    const sameInstance = instances.get(header.sopInstanceUid);
    if (sameInstance !== undefined) {
      throw conflict(sameInstance, header, 'hold the same SOP Instance UID; a File-set lists each instance once');
    }
    instances.set(header.sopInstanceUid, header);
    const study = studyPatient.get(header.studyInstanceUid);
    if (study !== undefined && study.patientId !== header.patientId) {
      throw conflict(study, header, 'are of one study but name different Patient IDs');
    }
    if (study === undefined) studyPatient.set(header.studyInstanceUid, header);
    const series = seriesStudy.get(header.seriesInstanceUid);
    if (series !== undefined && series.studyInstanceUid !== header.studyInstanceUid) {
      throw conflict(series, header, 'are of one series but name different Study Instance UIDs');
    }
    if (series === undefined) seriesStudy.set(header.seriesInstanceUid, header);
  }
}

function conflict(first: InstanceHeader, second: InstanceHeader, what: string): MedVeilError {
  return new MedVeilError('dicomdir', `${first.source} and ${second.source} ${what}`, {
    hint: 'de-identify the whole study in one `medveil deid` run with one key, or remove one of the files',
  });
}
