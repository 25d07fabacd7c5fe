/**
 * pydicom's sample files (Debian python3-pydicom) that an archive can store side by side: each a
 * storage SOP instance with valid UIDs that agree with its File Meta Information, no SOP Instance
 * UID twice, no series in two studies, no study for two patients. pydicom ships several variants
 * of one object under one UID; an archive refuses the second as a conflict (and storescp
 * overwrites the first), so the benchmark keeps the first and counts what it left out and why.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readDicomFile } from '../../src/dicom/read-dicom-file.js';
import { Tag } from '../../src/dicom/tag.js';
import { isStorageSopClass } from '../../src/dimse/sop-classes.js';
import { pydicomSampleFiles } from '../pydicom-sample-files.js';

export interface SelectedFile {
  /** Path inside the output folder. */
  readonly path: string;
  readonly studyUid: string;
  readonly sopInstanceUid: string;
}

export interface PydicomSelection {
  readonly considered: number;
  readonly files: readonly SelectedFile[];
  readonly leftOut: Readonly<Record<string, number>>;
}

const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

/**
 * The transfer syntaxes storescu proposes when told nothing else (the uncompressed ones, PS3.5
 * A.1-A.3, and deflated A.5). A file in an encapsulated syntax needs its own proposal option
 * (`-xs`, `-xv`, ...) and storescu fails it otherwise ("unable to convert"), so those are left
 * out: one storescu command must send every file of a workload to both receivers.
 */
const SENT_AS_IS: ReadonlySet<string> = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99']);

export function selectPydicomFiles(outputFolder: string): PydicomSelection {
  const sources = pydicomSampleFiles();
  const leftOut: Record<string, number> = {};
  const skip = (reason: string): void => void (leftOut[reason] = (leftOut[reason] ?? 0) + 1);
  const instances = new Set<string>();
  const studyOfSeries = new Map<string, string>();
  const patientOfStudy = new Map<string, string>();
  const files: SelectedFile[] = [];
  for (const source of sources) {
    let facts: ReturnType<typeof fileFacts>;
    try {
      facts = fileFacts(readFileSync(source));
    } catch {
      skip('unreadable');
      continue;
    }
    const { study, series, sopClass, sopInstance, patient, transferSyntax, metaClass, metaInstance } = facts;
    if ([study, series, sopClass, sopInstance].some((uid) => uid === undefined || uid.length > 64 || !UID.test(uid))) {
      skip('a UID missing or invalid');
      continue;
    }
    if (!isStorageSopClass(sopClass!)) {
      skip('not a storage SOP class');
      continue;
    }
    if (transferSyntax === undefined || metaClass !== sopClass || metaInstance !== sopInstance) {
      skip('File Meta Information missing or disagreeing');
      continue;
    }
    if (!SENT_AS_IS.has(transferSyntax)) {
      skip('encapsulated transfer syntax');
      continue;
    }
    if (instances.has(sopInstance!)) {
      skip('SOP Instance UID of an earlier file');
      continue;
    }
    if ((studyOfSeries.get(series!) ?? study) !== study || (patientOfStudy.get(study!) ?? patient) !== patient) {
      skip('series or study claimed by another study or patient');
      continue;
    }
    instances.add(sopInstance!);
    studyOfSeries.set(series!, study!);
    patientOfStudy.set(study!, patient);
    const path = `${basename(dirname(source))}-${basename(source)}`;
    mkdirSync(outputFolder, { recursive: true });
    copyFileSync(source, join(outputFolder, path));
    files.push({ path, studyUid: study!, sopInstanceUid: sopInstance! });
  }
  return { considered: sources.length, files, leftOut };
}

function fileFacts(bytes: Uint8Array) {
  const file = readDicomFile(bytes);
  const text = (tag: number): string | undefined => file.dataset.getString(tag)?.trim() || undefined;
  return {
    study: text(Tag.StudyInstanceUID),
    series: text(Tag.SeriesInstanceUID),
    sopClass: text(Tag.SOPClassUID),
    sopInstance: text(Tag.SOPInstanceUID),
    patient: `${text(Tag.PatientID) ?? ''}\\${text(Tag.IssuerOfPatientID) ?? ''}`,
    transferSyntax: file.meta.getString(Tag.TransferSyntaxUID)?.trim(),
    metaClass: file.meta.getString(Tag.MediaStorageSOPClassUID)?.trim(),
    metaInstance: file.meta.getString(Tag.MediaStorageSOPInstanceUID)?.trim(),
  };
}

