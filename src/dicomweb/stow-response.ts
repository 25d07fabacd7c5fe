/**
 * The STOW-RS answer (PS3.18 10.5.3, Annex I): the Store Instances Response Module as DICOM
 * JSON, and the status of Table 10.5.3-1. 200 when every instance was stored; 202 when some
 * were and others failed; 409 when none was, each failure in the Failed SOP Sequence with its
 * Failure Reason (Table I.2-2, the Storage statuses of PS3.4 B.2.3); 400 when the body was
 * malformed before any instance could be read.
 */
import type { DicomJsonObject } from '../dicom/json/index.js';
import { jsonTagKey } from '../dicom/json/index.js';
import { Tag } from '../dicom/tag.js';
import type { IngestRefusal } from '../gateway/ingest-instance.js';
import { resourcePath } from './dicomweb-paths.js';

/** PS3.18 Table I.2-2 and PS3.4 B.2.3. */
export const FailureReason = {
  RefusedOutOfResources: 0xa700,
  DataSetDoesNotMatchSopClass: 0xa900,
  CannotUnderstand: 0xc000,
  ProcessingFailure: 0x0110,
  SopClassNotSupported: 0x0122,
} as const;

/**
 * The Failure Reason of each refusal of ingest-instance.ts, as the C-STORE SCP answers the same
 * refusals (src/server/dimse-services.ts): missing, malformed or contradicting UIDs do not meet
 * the SOP class (A900); a conflict with what is stored is a refusal to take the data set (C000).
 */
export const INGEST_FAILURE_REASONS: Readonly<Record<IngestRefusal, number>> = {
  unreadable: FailureReason.CannotUnderstand,
  'missing-uid': FailureReason.DataSetDoesNotMatchSopClass,
  'invalid-uid': FailureReason.DataSetDoesNotMatchSopClass,
  'uid-mismatch': FailureReason.DataSetDoesNotMatchSopClass,
  'too-large': FailureReason.RefusedOutOfResources,
  'instance-differs': FailureReason.CannotUnderstand,
  'instance-in-other-series': FailureReason.CannotUnderstand,
  'series-in-other-study': FailureReason.CannotUnderstand,
  'patient-differs': FailureReason.CannotUnderstand,
};

export interface StoredInstance {
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
}

export interface FailedInstance {
  readonly sopClassUid?: string;
  readonly sopInstanceUid?: string;
  readonly failureReason: number;
}

export interface StowResponse {
  readonly status: 200 | 202 | 409;
  readonly body: DicomJsonObject;
}

export function stowResponse(stored: readonly StoredInstance[], failed: readonly FailedInstance[], options: { baseUrl: string; studyUid?: string }): StowResponse {
  const body: DicomJsonObject = {};
  const studyUids = new Set(stored.map((instance) => instance.studyUid));
  const studyUid = options.studyUid ?? (studyUids.size === 1 ? [...studyUids][0] : undefined);
  // PS3.18 I.2: the Retrieve URL of the study, when the request stored into one study.
  if (studyUid !== undefined && stored.length > 0) body[jsonTagKey(Tag.RetrieveURL)] = { vr: 'UR', Value: [options.baseUrl + resourcePath({ studyUid })] };
  if (failed.length > 0) {
    body[jsonTagKey(Tag.FailedSOPSequence)] = {
      vr: 'SQ',
      Value: failed.map((instance) => ({
        ...uidAttribute(Tag.ReferencedSOPClassUID, instance.sopClassUid),
        ...uidAttribute(Tag.ReferencedSOPInstanceUID, instance.sopInstanceUid),
        [jsonTagKey(Tag.FailureReason)]: { vr: 'US', Value: [instance.failureReason] },
      })),
    };
  }
  if (stored.length > 0) {
    body[jsonTagKey(Tag.ReferencedSOPSequence)] = {
      vr: 'SQ',
      Value: stored.map((instance) => ({
        ...uidAttribute(Tag.ReferencedSOPClassUID, instance.sopClassUid),
        ...uidAttribute(Tag.ReferencedSOPInstanceUID, instance.sopInstanceUid),
        [jsonTagKey(Tag.RetrieveURL)]: { vr: 'UR', Value: [options.baseUrl + resourcePath(instance)] },
      })),
    };
  }
  const status = failed.length === 0 ? 200 : stored.length === 0 ? 409 : 202;
  return { status, body };
}

function uidAttribute(tag: number, uid: string | undefined): DicomJsonObject {
  return { [jsonTagKey(tag)]: uid === undefined ? { vr: 'UI' } : { vr: 'UI', Value: [uid] } };
}
