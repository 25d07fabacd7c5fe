/**
 * Use case: ingest one instance (ARCHITECTURE.md, flow 1), whether it came by STOW-RS or C-STORE.
 * Validate, hash, classify, encrypt at rest, audit, index, so that nothing is ever visible in
 * the index that was not first stored encrypted and recorded in the audit log. A C-STORE data
 * set is hashed and encrypted while it arrives (receive-instance-object.ts) and kept only once
 * validated; the object is made durable while its ingest event is appended, and the index is
 * written after both. If the audit append fails, the object is deleted again and the instance
 * is refused; if the object fails after its event, a refusal event follows (docs/storage.md).
 *
 * Re-sending an instance is idempotent: the same SOP Instance UID with the same bytes is
 * `unchanged` and stores nothing again. Another object under an indexed SOP Instance UID, or a
 * series or study claimed by another patient, is refused as a conflict and never overwrites.
 */
import type { SensitivityRules } from '../access/sensitivity-rules.js';
import { classifySensitivity } from '../access/classify-sensitivity.js';
import { patientReference } from '../access/patient-reference.js';
import type { SensitivityLevel } from '../access/sensitivity-level.js';
import type { AuditActor, AuditEventInput, AuditObject } from '../audit/event/audit-event.js';
import { dataDigests, type DataDigest } from '../crypto/data-digest.js';
import type { CryptoSuite } from '../crypto/suite.js';
import type { Dataset } from '../dicom/dataset.js';
import type { DicomFile } from '../dicom/dicom-file.js';
import type { ReceivedDataset } from '../dicom/part10-from-dataset.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { MedVeilError } from '../errors.js';
import { newBlobKey, type BlobKey } from '../storage/blob-store.js';
import type { EncryptedBlobStore } from '../storage/encrypted-blob-store.js';
import type { IndexConflict, IndexStore, IndexedInstance } from '../storage/index-store.js';
import type { AuditAppender } from './audit-actor.js';
import { receiveInstanceObject, type SealingObject } from './receive-instance-object.js';

export interface IngestDeps {
  readonly index: IndexStore;
  readonly objects: Pick<EncryptedBlobStore, 'put' | 'delete'>;
  readonly audit: AuditAppender;
  readonly sensitivityRules: SensitivityRules;
  /** The key of pseudonymous patient references (src/access/patient-reference.ts). */
  readonly patientKey: Uint8Array;
  readonly suite: CryptoSuite;
  /** Objects larger than this are refused before anything is stored. */
  readonly maxObjectBytes: number;
}

/** A Part 10 file (STOW-RS), or a bare data set with the UIDs of its C-STORE command. */
export type IngestInput =
  | { readonly kind: 'part10'; readonly bytes: Uint8Array }
  | ({
      readonly kind: 'dataset';
      /** The data set's fragments as they arrive (a C-STORE's P-DATA values), or all of them at once. */
      readonly fragments: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
    } & ReceivedDataset);

export interface IngestSource {
  readonly actor: AuditActor;
  /** The department that owns what this source sends (from the account or the AE title's config). */
  readonly department?: string;
  readonly via: 'stow-rs' | 'c-store';
}

/**
 * Why an instance was refused. The protocol adapters map these to statuses: DIMSE PS3.4 B.2.3
 * (0xA900, 0xC000, 0xA700) and HTTP (400, 409, 413).
 */
export type IngestRefusal = 'unreadable' | 'missing-uid' | 'invalid-uid' | 'uid-mismatch' | 'too-large' | IndexConflict;

export type IngestResult =
  | {
      readonly outcome: 'stored' | 'unchanged';
      readonly studyUid: string;
      readonly seriesUid: string;
      readonly sopClassUid: string;
      readonly sopInstanceUid: string;
      readonly level: SensitivityLevel;
    }
  | { readonly outcome: 'refused'; readonly refusal: IngestRefusal; readonly sopClassUid?: string; readonly sopInstanceUid?: string; readonly message: string };

const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

export async function ingestInstance(deps: IngestDeps, input: IngestInput, source: IngestSource): Promise<IngestResult> {
  if (input.kind === 'part10') {
    if (input.bytes.length > deps.maxObjectBytes) return refuse(deps, source, 'too-large', tooLargeMessage(deps, input.bytes.length));
    return ingestObject(deps, { bytes: input.bytes }, input, source);
  }
  const received = await receiveInstanceObject(input.fragments, input, { objects: deps.objects, scopeOf: studyScope, maxObjectBytes: deps.maxObjectBytes });
  if (received.outcome === 'too-large') return refuse(deps, source, 'too-large', tooLargeMessage(deps, received.size));
  try {
    return await ingestObject(deps, received, input, source);
  } finally {
    // Refused, unchanged or failed: the object sealed during the receive is not kept.
    await received.sealing?.discard();
  }
}

function tooLargeMessage(deps: IngestDeps, size: number): string {
  return `the object has ${size} bytes, more than the ${deps.maxObjectBytes} this server accepts`;
}

/** A Part 10 object in memory, its SHA-256 when already computed, and its sealing when already under way. */
interface ObjectToIngest {
  readonly bytes: Uint8Array;
  readonly sha256?: string;
  readonly sealing?: SealingObject;
}

async function ingestObject(deps: IngestDeps, object: ObjectToIngest, input: IngestInput, source: IngestSource): Promise<IngestResult> {
  const { bytes } = object;
  let file: DicomFile;
  try {
    file = readDicomFile(bytes);
  } catch (error) {
    const reason = error instanceof MedVeilError ? error.message : 'not a DICOM object';
    return refuse(deps, source, 'unreadable', `the object cannot be read: ${reason}`);
  }
  const facts = instanceFacts(file.dataset);
  const missing = (['studyUid', 'seriesUid', 'sopClassUid', 'sopInstanceUid'] as const).filter((name) => facts[name] === undefined);
  if (missing.length > 0) return refuse(deps, source, 'missing-uid', `the data set has no ${missing.join(', ')}`);
  const { studyUid, seriesUid, sopClassUid, sopInstanceUid } = facts as Required<Pick<typeof facts, 'studyUid' | 'seriesUid' | 'sopClassUid' | 'sopInstanceUid'>>;
  const invalid = [studyUid, seriesUid, sopClassUid, sopInstanceUid].some((uid) => uid.length > 64 || !UID.test(uid));
  if (invalid) return refuse(deps, source, 'invalid-uid', 'a UID of the data set is not a valid UID (PS3.5 9.1)', { sopClassUid, sopInstanceUid });
  const declared = input.kind === 'dataset' ? input : { sopClassUid: file.meta.getString(Tag.MediaStorageSOPClassUID), sopInstanceUid: file.meta.getString(Tag.MediaStorageSOPInstanceUID) };
  if (declared.sopClassUid !== sopClassUid || declared.sopInstanceUid !== sopInstanceUid) {
    const where = input.kind === 'dataset' ? 'the C-STORE command' : 'the File Meta Information';
    return refuse(deps, source, 'uid-mismatch', `the SOP Class or Instance UID of the data set differs from ${where}`, { sopClassUid, sopInstanceUid });
  }

  const digests = objectDigests(deps, object);
  const sha256 = digests[0]!.value;
  const patientRef = patientReference(deps.patientKey, { patientId: facts.patientId ?? '', issuer: facts.issuerOfPatientId ?? '' });
  const objects: AuditObject[] = [{ study: studyUid, series: seriesUid, instance: sopInstanceUid, ...(patientRef === undefined ? {} : { patient: patientRef }) }];
  const stored = await deps.index.getInstance({ studyUid, seriesUid, sopInstanceUid });
  if (stored !== undefined && stored.instance.sha256 === sha256 && stored.study.level !== undefined) {
    await deps.audit.append({ type: 'ingest', outcome: 'success', actor: source.actor, objects, digests, detail: { via: source.via, result: 'unchanged' } });
    return { outcome: 'unchanged', studyUid, seriesUid, sopClassUid, sopInstanceUid, level: stored.study.level };
  }

  const department = source.department;
  const classification = classifySensitivity(deps.sensitivityRules, {
    ...(facts.modality === undefined ? {} : { modality: facts.modality }),
    ...(facts.bodyPart === undefined ? {} : { bodyPart: facts.bodyPart }),
    sopClassUid,
    ...(department === undefined ? {} : { department }),
  });
  // The object sealed during the receive is kept only if the read-ahead chose this study's key.
  const sealing = object.sealing?.studyUid === studyUid ? object.sealing : undefined;
  const blobKey = sealing?.blobKey ?? newBlobKey('instance');
  await storeAndAudit(deps, source, {
    blobKey,
    store: () => sealing?.commit() ?? deps.objects.put(blobKey, bytes, studyScope(studyUid)),
    event: {
      type: 'ingest',
      outcome: 'success',
      actor: source.actor,
      objects,
      digests,
      detail: { via: source.via, level: String(classification.level), ...(classification.ruleIds.length > 0 ? { rules: classification.ruleIds.join(',').slice(0, 200) } : {}) },
    },
  });
  const entry: IndexedInstance = {
    study: { ...studyAttributes(studyUid, facts), level: classification.level, ...(department === undefined ? {} : { department }), ...(patientRef === undefined ? {} : { patientRef }) },
    series: seriesAttributes(seriesUid, facts),
    instance: { ...instanceAttributes(sopInstanceUid, sopClassUid, facts), transferSyntaxUid: file.transferSyntaxUid, size: bytes.length, sha256, blobKey },
  };
  const put = await deps.index.putInstance(entry);
  if (put.outcome === 'stored') return { outcome: 'stored', studyUid, seriesUid, sopClassUid, sopInstanceUid, level: classification.level };
  await deleteQuietly(deps, blobKey);
  if (put.outcome === 'unchanged') return { outcome: 'unchanged', studyUid, seriesUid, sopClassUid, sopInstanceUid, level: classification.level };
  // The object was stored and its ingest recorded before the index refused it: the log says so too.
  return refuse(deps, source, put.conflict, conflictMessage(put.conflict), { sopClassUid, sopInstanceUid }, objects);
}

function objectDigests(deps: IngestDeps, object: ObjectToIngest): DataDigest[] {
  if (object.sha256 === undefined) return dataDigests(object.bytes, deps.suite);
  const digests: DataDigest[] = [{ algorithm: 'sha256', value: object.sha256 }];
  return deps.suite === 'gm' ? [...digests, ...dataDigests(object.bytes, 'gm').slice(1)] : digests;
}

/**
 * Makes the object durable and appends its ingest event at the same time: each waits on its
 * own fsync, and neither needs the other's. The index is written only after both. If the
 * object fails after its event was appended, a refusal follows the event, so the log does not
 * claim an object that is not there; if the event fails, the object is deleted again.
 */
async function storeAndAudit(
  deps: IngestDeps,
  source: IngestSource,
  work: { readonly blobKey: BlobKey; readonly store: () => Promise<void>; readonly event: AuditEventInput },
): Promise<void> {
  const [stored, audited] = await Promise.allSettled([work.store(), deps.audit.append(work.event)] as const);
  if (stored.status === 'rejected') {
    if (audited.status === 'fulfilled') {
      await deps.audit.append({ type: 'ingest', outcome: 'minor-failure', actor: source.actor, ...(work.event.objects === undefined ? {} : { objects: work.event.objects }), detail: { via: source.via, refused: 'not-stored' } });
    }
    throw stored.reason;
  }
  if (audited.status === 'rejected') {
    await deleteQuietly(deps, work.blobKey);
    throw audited.reason;
  }
}

/** The data-key scope of a study: its objects are destroyed together (issue 6, retention). */
export function studyScope(studyUid: string): string {
  return `study/${studyUid}`;
}

interface InstanceFacts {
  readonly studyUid?: string;
  readonly seriesUid?: string;
  readonly sopClassUid?: string;
  readonly sopInstanceUid?: string;
  readonly patientId?: string;
  readonly issuerOfPatientId?: string;
  readonly modality?: string;
  readonly bodyPart?: string;
  readonly dataset: Dataset;
}

function instanceFacts(dataset: Dataset): InstanceFacts {
  const text = (tag: number): string | undefined => {
    const value = dataset.getString(tag)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const fields: Record<string, string | undefined> = {
    studyUid: text(Tag.StudyInstanceUID),
    seriesUid: text(Tag.SeriesInstanceUID),
    sopClassUid: text(Tag.SOPClassUID),
    sopInstanceUid: text(Tag.SOPInstanceUID),
    patientId: text(Tag.PatientID),
    issuerOfPatientId: text(Tag.IssuerOfPatientID),
    modality: text(Tag.Modality),
    bodyPart: text(Tag.BodyPartExamined),
  };
  return { ...(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Omit<InstanceFacts, 'dataset'>), dataset };
}

function studyAttributes(studyUid: string, facts: InstanceFacts): IndexedInstance['study'] {
  const d = facts.dataset;
  return defined({
    studyUid,
    patientName: d.getString(Tag.PatientName),
    patientId: facts.patientId,
    patientBirthDate: d.getString(Tag.PatientBirthDate),
    patientSex: d.getString(Tag.PatientSex),
    studyDate: d.getString(Tag.StudyDate),
    studyTime: d.getString(Tag.StudyTime),
    accessionNumber: d.getString(Tag.AccessionNumber),
    studyDescription: d.getString(Tag.StudyDescription),
    referringPhysicianName: d.getString(Tag.ReferringPhysicianName),
    studyId: d.getString(Tag.StudyID),
    level: undefined,
  });
}

function seriesAttributes(seriesUid: string, facts: InstanceFacts): IndexedInstance['series'] {
  const d = facts.dataset;
  return defined({
    seriesUid,
    modality: facts.modality,
    seriesNumber: integer(d, Tag.SeriesNumber),
    seriesDescription: d.getString(Tag.SeriesDescription),
    bodyPartExamined: facts.bodyPart,
    performedProcedureStepStartDate: d.getString(Tag.PerformedProcedureStepStartDate),
    performedProcedureStepStartTime: d.getString(Tag.PerformedProcedureStepStartTime),
  });
}

function instanceAttributes(sopInstanceUid: string, sopClassUid: string, facts: InstanceFacts): Omit<IndexedInstance['instance'], 'transferSyntaxUid' | 'size' | 'sha256' | 'blobKey'> {
  const d = facts.dataset;
  return defined({
    sopInstanceUid,
    sopClassUid,
    instanceNumber: integer(d, Tag.InstanceNumber),
    rows: integer(d, Tag.Rows),
    columns: integer(d, Tag.Columns),
    numberOfFrames: integer(d, Tag.NumberOfFrames),
    bitsAllocated: integer(d, Tag.BitsAllocated),
  });
}

/** A whole number value, or undefined when absent or not a safe integer (a malformed IS is not indexed). */
function integer(dataset: Dataset, tag: number): number | undefined {
  const value = dataset.getNumber(tag);
  return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
}

/** The object without its undefined fields (the index records take optional fields, not undefined values). */
function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

const CONFLICT_MESSAGES: Record<IndexConflict, string> = {
  'instance-differs': 'another object is stored under this SOP Instance UID',
  'instance-in-other-series': 'this SOP Instance UID is stored under another series or study',
  'series-in-other-study': 'this Series Instance UID is stored under another study',
  'patient-differs': 'this study is stored for another patient',
};

function conflictMessage(conflict: IndexConflict): string {
  return CONFLICT_MESSAGES[conflict];
}

async function refuse(
  deps: IngestDeps,
  source: IngestSource,
  refusal: IngestRefusal,
  message: string,
  uids: { readonly sopClassUid?: string; readonly sopInstanceUid?: string } = {},
  objects?: AuditObject[],
): Promise<IngestResult> {
  // Only UIDs that passed validation reach the event; a refused object's values never do.
  const valid = uids.sopInstanceUid !== undefined && UID.test(uids.sopInstanceUid) && uids.sopInstanceUid.length <= 64;
  await deps.audit.append({
    type: 'ingest',
    outcome: 'minor-failure',
    actor: source.actor,
    ...(objects ? { objects } : valid ? { objects: [{ instance: uids.sopInstanceUid! }] } : {}),
    detail: { via: source.via, refused: refusal },
  });
  return { outcome: 'refused', refusal, message, ...uids };
}

async function deleteQuietly(deps: IngestDeps, key: BlobKey): Promise<void> {
  try {
    await deps.objects.delete(key);
  } catch {
    // An orphaned object stays encrypted and unreferenced; the purge job's sweep removes it.
  }
}
