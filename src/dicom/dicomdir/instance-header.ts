/**
 * What a DICOMDIR needs from one instance: its identity (SOP Class and Instance, study,
 * series, transfer syntax), its record type, and a copy of the elements its records may hold
 * (`recordSourceTags`). The copy is re-encoded in explicit VR little endian, the DICOMDIR's
 * syntax, into a buffer of its own, so that the instance's bytes (pixel data included) can be
 * dropped as soon as the header is taken.
 */
import { MedVeilError } from '../../errors.js';
import { Dataset, EXPLICIT_LITTLE } from '../dataset.js';
import type { DicomFile } from '../dicom-file.js';
import { readDataset } from '../read-dataset.js';
import { Tag } from '../tag.js';
import { writeDataset } from '../write-dataset.js';
import { type InstanceRecordType, instanceRecordTypeFor } from './directory-record-type.js';
import { recordSourceTags } from './record-keys.js';

export const MEDIA_STORAGE_DIRECTORY_STORAGE = '1.2.840.10008.1.3.10';

/** PS3.5 9.1: components of digits without leading zeros, at most 64 characters. */
const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
const SOURCE_TAGS = recordSourceTags();

export interface InstanceHeader {
  /** How messages name the instance (the caller's name for its file). */
  readonly source: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly transferSyntaxUid: string;
  readonly recordType: InstanceRecordType;
  /** Patient ID (0010,0020), "" when absent or empty: the patient the instance is filed under. */
  readonly patientId: string;
  readonly instanceNumber: number | undefined;
  /** The elements records may copy, explicit VR little endian, in a buffer of their own. */
  readonly keys: Dataset;
}

/** Takes the header of a PS3.10 file; throws a MedVeilError naming `source` when it cannot go on media. */
export function instanceHeader(file: DicomFile, source: string): InstanceHeader {
  const { dataset, meta } = file;
  const fail = (reason: string): never => {
    throw new MedVeilError('dicomdir', `${source}: ${reason}`, { hint: 'remove the file from the folder, or de-identify its source again with `medveil deid`' });
  };
  if (meta.size === 0) fail('has no File Meta Information; media files must be DICOM files of PS3.10 7.1');
  const metaClass = meta.getString(Tag.MediaStorageSOPClassUID);
  // A DICOMDIR names its SOP Class in the meta only (PS3.10 7.1).
  if (metaClass === MEDIA_STORAGE_DIRECTORY_STORAGE || dataset.has(Tag.DirectoryRecordSequence)) fail('is a DICOMDIR itself, not an instance to list');
  const sopClassUid = requiredUid(dataset, Tag.SOPClassUID, 'SOP Class UID', fail);
  const sopInstanceUid = requiredUid(dataset, Tag.SOPInstanceUID, 'SOP Instance UID', fail);
  const metaInstance = meta.getString(Tag.MediaStorageSOPInstanceUID);
  if (metaClass !== sopClassUid) fail(`its Media Storage SOP Class UID (${metaClass ?? 'absent'}) differs from its SOP Class UID (${sopClassUid})`);
  if (metaInstance !== sopInstanceUid) fail(`its Media Storage SOP Instance UID (${metaInstance ?? 'absent'}) differs from its SOP Instance UID`);
  const studyInstanceUid = requiredUid(dataset, Tag.StudyInstanceUID, 'Study Instance UID', fail);
  const seriesInstanceUid = requiredUid(dataset, Tag.SeriesInstanceUID, 'Series Instance UID', fail);
  if (!UID.test(file.transferSyntaxUid) || file.transferSyntaxUid.length > 64) fail('has no valid Transfer Syntax UID');
  const hasPixels = dataset.has(Tag.PixelData) || dataset.has(Tag.FloatPixelData) || dataset.has(Tag.DoubleFloatPixelData);
  const recordType = instanceRecordTypeFor(sopClassUid, hasPixels);
  if (recordType === undefined) fail(`MedVeil knows no directory record type for SOP Class ${sopClassUid} (PS3.3 F.4)`);
  const keys = detachedKeys(dataset);
  const instanceNumber = keys.getNumber(Tag.InstanceNumber);
  return {
    source,
    sopClassUid,
    sopInstanceUid,
    studyInstanceUid,
    seriesInstanceUid,
    transferSyntaxUid: file.transferSyntaxUid,
    recordType: recordType!,
    patientId: keys.getString(Tag.PatientID) ?? '',
    instanceNumber: Number.isFinite(instanceNumber) ? instanceNumber : undefined,
    keys,
  };
}

function requiredUid(dataset: Dataset, tag: number, name: string, fail: (reason: string) => never): string {
  const value = dataset.getString(tag);
  if (value === undefined) return fail(`has no ${name}`);
  if (value.length > 64 || !UID.test(value)) return fail(`its ${name} is not a valid UID (PS3.5 9.1)`);
  return value;
}

/** The source tags of the top-level data set, written and read back so that nothing points into the instance's buffer. */
function detachedKeys(dataset: Dataset): Dataset {
  const kept = new Dataset(dataset.encoding);
  for (const tag of dataset.tags()) {
    if (SOURCE_TAGS.has(tag)) kept.addRead(dataset.get(tag)!);
  }
  const bytes = Buffer.concat(writeDataset(kept, EXPLICIT_LITTLE));
  return readDataset(new Uint8Array(bytes), EXPLICIT_LITTLE).dataset;
}
