/**
 * Use case: retrieve one instance for an actor (ARCHITECTURE.md flow 2), shared by WADO-RS,
 * C-GET and C-MOVE. Locate it under the parents the request named, decide, read and decrypt,
 * record, and only then hand anything out:
 *
 * - `full`: the stored Part 10 bytes, whole (`delivery: 'bytes'`, for whoever parses them), or
 *   as a stream that passes each segment on once it verified (`delivery: 'stream'`, for
 *   whoever forwards them unchanged).
 * - `masked`: the header only (`part: 'header'`), de-identified by the engine with the masked-view
 *   recipe, with every bulk element (pixels, waveforms, documents) removed first; or, when the
 *   request names how it wants masked pixels (`maskedPixels`, WADO only), that header with the
 *   pixels filled and mosaicked (mask-instance-pixels.ts), or the masked frames or a rendering
 *   of one. A masked request for the whole instance without `maskedPixels` (DIMSE, which only
 *   ever carries originals) is refused. A frame that cannot be decoded for masking is recorded
 *   as a serious failure and refused: never served unmasked.
 * - `denied`: `not-found`, the same answer as for an instance that does not exist.
 *
 * Every outcome appends one audit event before the answer: `view` or `export` with the digest
 * ingest recorded for the stored object (so the two events can be linked), `view-masked` with
 * the digests of exactly what was served (the header, the masked file, frames or image) and, for
 * pixels, the mosaic block, `deny` with the reasons. If the append fails, the error
 * propagates and nothing is served.
 *
 * Integrity is the sealed format's (envelope-format.ts): every segment's tag covers the header
 * and the object's storage key, so a changed, cut, extended or swapped object fails to open and
 * is recorded as a serious failure and reported, never served. The object is not hashed again
 * on read: against the digest in the index, a second hash would add nothing an attacker who
 * can rewrite the index could not also rewrite. A streamed object is checked segment by
 * segment: its first segment (for most objects, all of it) before the event and the answer, a
 * later one while it is sent, which ends the stream with an error (the answer is cut off) and
 * records the failure.
 */
import type { Readable } from 'node:stream';
import type { AccessResource } from '../access/access-resource.js';
import { type AccessDecision, decideAccess } from '../access/decide-access.js';
import type { SensitivityLevel } from '../access/sensitivity-level.js';
import type { Clock } from '../audit/clock.js';
import type { AuditEventType, AuditObject, AuditOutcome } from '../audit/event/audit-event.js';
import { dataDigests, type DataDigest } from '../crypto/data-digest.js';
import type { CryptoSuite } from '../crypto/suite.js';
import { deidentifyDataset } from '../deid/deidentify-dataset.js';
import { deidentifyFileMeta } from '../deid/deidentify-file-meta.js';
import type { Pseudonymizer } from '../deid/pseudonymizer.js';
import type { Recipe } from '../deid/recipe.js';
import type { DicomFile } from '../dicom/dicom-file.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../dicom/transfer-syntax.js';
import { writeDicomFile } from '../dicom/write-dicom-file.js';
import { MedVeilError } from '../errors.js';
import type { EncryptedBlobStore, OpenedBlob } from '../storage/encrypted-blob-store.js';
import { type IndexStore, type InstancePath, type LocatedInstance, studyFacts } from '../storage/index-store.js';
import type { ActingUser } from './actor-for-user.js';
import type { AuditAppender } from './audit-actor.js';
import { maskInstancePixels, type MaskedRepresentation, type PixelMasking } from './mask-instance-pixels.js';
import { part10DataSetOffset } from './retrieve-instance-data-set.js';
import type { AccessChannel } from './search-index.js';

/** How a masked actor's headers are de-identified: recipes/masked-view.yaml and a keyed pseudonymizer. */
export interface MaskedView {
  readonly recipe: Recipe;
  readonly pseudonymizer: Pseudonymizer;
}

export interface RetrieveDeps {
  readonly index: Pick<IndexStore, 'getInstance'>;
  readonly objects: Pick<EncryptedBlobStore, 'get' | 'open'>;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly suite: CryptoSuite;
  readonly maskedView: MaskedView;
  /** How masked pixels are made; without it masked pixels are refused as over DIMSE. */
  readonly masking?: PixelMasking;
}

export interface RetrieveRequest {
  /** The UIDs as the request named them; the instance must lie under these parents. */
  readonly path: InstancePath;
  /** `view` to look at it; `export` when it leaves for another system (a C-MOVE to another AE). */
  readonly action: 'view' | 'export';
  /** The whole instance, or its header only (metadata). */
  readonly part: 'instance' | 'header';
  /** How a `full` instance comes: whole in memory (the default), or as a stream of the stored bytes. */
  readonly delivery?: 'bytes' | 'stream';
  readonly via: AccessChannel;
  /** The AE title a C-MOVE sends to, for the audit event. */
  readonly destination?: string;
  /** What a masked actor asking for the instance gets instead of the original (WADO only). */
  readonly maskedPixels?: MaskedRepresentation;
}

/** The instance served, by its UIDs as indexed. */
export interface ServedInstance {
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopInstanceUid: string;
  readonly sopClassUid: string;
  /** The transfer syntax of the bytes served. */
  readonly transferSyntaxUid: string;
}

export type RetrieveResult =
  | {
      readonly outcome: 'full';
      readonly instance: ServedInstance;
      /** The stored Part 10 file, exactly as ingested. */
      readonly bytes: Buffer;
      /** Where the data set starts in `bytes`, after the File Meta Information (what C-STORE sends). */
      readonly dataSetOffset: number;
      /** The SHA-256 of the stored object (hex), as the index and the ingest event hold it. */
      readonly storedSha256: string;
    }
  | {
      readonly outcome: 'full-stream';
      readonly instance: ServedInstance;
      /** Bytes of the stored Part 10 file: what `body` yields unless it fails. */
      readonly size: number;
      /**
       * The stored Part 10 file, each segment once it verified. An error means the object failed
       * its check (recorded already): whoever forwards it must abort. Destroy it if unused.
       */
      readonly body: Readable;
      /** The SHA-256 of the stored object (hex), as the index and the ingest event hold it. */
      readonly storedSha256: string;
    }
  | {
      readonly outcome: 'masked';
      readonly instance: ServedInstance;
      /** The de-identified header, without bulk data. */
      readonly file: DicomFile;
      /** `file` as a Part 10 file in explicit VR little endian: what the audit digests cover. */
      readonly chunks: readonly Uint8Array[];
    }
  | {
      readonly outcome: 'masked-pixels';
      /** Its syntax is that of the masked Pixel Data: Explicit VR Little Endian. */
      readonly instance: ServedInstance;
      /** Exactly what is served, one body per part (see mask-instance-pixels.ts); what the audit digests cover. */
      readonly parts: readonly Buffer[];
      readonly blockSize: number;
    }
  /** A masked representation named a frame the image does not have. */
  | { readonly outcome: 'no-such-frame'; readonly numberOfFrames: number }
  /**
   * The actor may see only a masked view and asked for the whole instance where masked pixels
   * are not served, or the pixels could not be decoded for masking (recorded as a serious failure).
   */
  | { readonly outcome: 'refused'; readonly reason: 'masked-instance-unavailable' | 'masking-failed' }
  /** No such instance under those parents, or the actor may not see it: the two are not told apart. */
  | { readonly outcome: 'not-found' };

/**
 * Elements removed before a header is masked: pixel data of every kind and the other bulk
 * payloads that may show a face, burned-in text or a report (waveforms, spectra, documents).
 */
const BULK_TAGS: readonly number[] = [
  Tag.PixelData,
  Tag.FloatPixelData,
  Tag.DoubleFloatPixelData,
  Tag.EncapsulatedDocument,
  Tag.WaveformSequence,
  Tag.SpectroscopyData,
];

export async function retrieveInstance(deps: RetrieveDeps, who: ActingUser, request: RetrieveRequest): Promise<RetrieveResult> {
  const located = await deps.index.getInstance(request.path);
  const requestDetail = { via: request.via, action: request.action, ...(request.destination === undefined ? {} : { destination: request.destination }) };
  if (located === undefined) {
    const objects = requestedObjects(request.path);
    await deps.audit.append({ type: 'deny', outcome: 'success', actor: who.auditActor, ...(objects.length === 0 ? {} : { objects }), detail: { ...requestDetail, reason: 'not-found' } });
    return { outcome: 'not-found' };
  }
  const decision = decide(who, request, located, deps.clock.now());
  // Access under a grant carries the purpose the grant was approved for (docs/requests.md).
  const purpose = decision.grantId === undefined ? undefined : who.grants.find((grant) => grant.id === decision.grantId)?.purpose;
  const record = (type: AuditEventType, outcome: AuditOutcome, extra: { digests?: DataDigest[]; detail?: Record<string, string> } = {}) =>
    deps.audit.append({
      type,
      outcome,
      actor: who.auditActor,
      ...(purpose === undefined ? {} : { purpose }),
      objects: [locatedObject(located)],
      ...(extra.digests === undefined ? {} : { digests: extra.digests }),
      detail: { ...requestDetail, ...decisionDetail(decision), ...extra.detail },
    });

  if (decision.effect === 'denied') {
    await record('deny', 'success');
    return { outcome: 'not-found' };
  }
  const maskedPixels = request.part === 'instance' ? request.maskedPixels : undefined;
  if (decision.effect === 'masked' && request.part === 'instance' && (maskedPixels === undefined || deps.masking === undefined)) {
    await record('deny', 'success', { detail: { reason: 'masked-instance-unavailable' } });
    return { outcome: 'refused', reason: 'masked-instance-unavailable' };
  }

  const instance = servedInstance(located);
  if (decision.effect === 'full' && request.delivery === 'stream') {
    let opened: OpenedBlob;
    try {
      opened = await openStored(deps, located);
    } catch (error) {
      await record('view', 'serious-failure', { detail: { failure: 'unreadable-object' } });
      throw error;
    }
    try {
      await record(request.action === 'export' ? 'export' : 'view', 'success', { digests: ingestDigests(located) });
    } catch (error) {
      opened.stream.destroy();
      throw error;
    }
    // The stream fails only with the object's own error, once: record it as a failure while sending.
    opened.stream.once('error', () => void record('view', 'serious-failure', { detail: { failure: 'unreadable-object', when: 'while-sent' } }).catch(() => undefined));
    return { outcome: 'full-stream', instance, size: opened.size, body: opened.stream, storedSha256: located.instance.sha256 };
  }

  let bytes: Buffer;
  try {
    bytes = await readStored(deps, located);
  } catch (error) {
    await record(decision.effect === 'full' ? 'view' : 'view-masked', 'serious-failure', { detail: { failure: 'unreadable-object' } });
    throw error;
  }
  if (decision.effect === 'full') {
    await record(request.action === 'export' ? 'export' : 'view', 'success', { digests: ingestDigests(located) });
    return { outcome: 'full', instance, bytes, dataSetOffset: part10DataSetOffset(bytes), storedSha256: located.instance.sha256 };
  }
  if (maskedPixels !== undefined && deps.masking !== undefined) {
    return serveMaskedPixels(bytes, { deps, masking: deps.masking, representation: maskedPixels, level: located.study.level, instance, record });
  }

  let masked: { file: DicomFile; chunks: Uint8Array[] };
  try {
    masked = maskedHeader(bytes, deps.maskedView);
  } catch (error) {
    await record('view-masked', 'serious-failure', { detail: { failure: 'masking-failed' } });
    throw error;
  }
  await record('view-masked', 'success', { digests: dataDigests(Buffer.concat(masked.chunks), deps.suite), detail: { recipe: deps.maskedView.recipe.name } });
  return { outcome: 'masked', instance: { ...instance, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN }, ...masked };
}

type RecordEvent = (type: AuditEventType, outcome: AuditOutcome, extra?: { digests?: DataDigest[]; detail?: Record<string, string> }) => Promise<unknown>;

async function serveMaskedPixels(
  bytes: Buffer,
  context: { deps: RetrieveDeps; masking: PixelMasking; representation: MaskedRepresentation; level: SensitivityLevel | undefined; instance: ServedInstance; record: RecordEvent },
): Promise<RetrieveResult> {
  const { deps, record } = context;
  // A study without a level is denied before this; the coarsest block is the safe reading.
  const level = context.level ?? 5;
  let result: Awaited<ReturnType<typeof maskInstancePixels>>;
  try {
    const header = maskedHeader(bytes, deps.maskedView);
    result = await maskInstancePixels(readDicomFile(bytes), header.file, { masking: context.masking, level, representation: context.representation });
  } catch (error) {
    await record('view-masked', 'serious-failure', { detail: { failure: 'masking-failed', representation: context.representation.kind } });
    if (error instanceof MedVeilError && (error.code === 'pixels' || error.code === 'dicom-parse')) return { outcome: 'refused', reason: 'masking-failed' };
    throw error;
  }
  if (result.outcome === 'no-such-frame') {
    await record('deny', 'success', { detail: { reason: 'no-such-frame' } });
    return result;
  }
  await record('view-masked', 'success', {
    digests: dataDigests(Buffer.concat(result.parts), deps.suite),
    detail: { recipe: deps.maskedView.recipe.name, representation: context.representation.kind, mosaicBlock: String(result.blockSize) },
  });
  return { outcome: 'masked-pixels', instance: { ...context.instance, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN }, parts: result.parts, blockSize: result.blockSize };
}

function decide(who: ActingUser, request: RetrieveRequest, located: LocatedInstance, now: number): AccessDecision {
  const resource: AccessResource = {
    kind: 'instance',
    sopInstanceUid: located.instance.sopInstanceUid,
    seriesUid: located.series.seriesUid,
    study: studyFacts(located.study),
    requestedStudyUid: request.path.studyUid,
    ...(request.path.seriesUid === undefined ? {} : { requestedSeriesUid: request.path.seriesUid }),
  };
  return decideAccess({ actor: who.actor, action: request.action, resource, grants: who.grants, breakGlass: who.breakGlass ?? [], now });
}

function decisionDetail(decision: AccessDecision): Record<string, string> {
  return {
    effect: decision.effect,
    reasons: decision.reasons.join(',').slice(0, 1024),
    ...(decision.grantId === undefined ? {} : { grant: decision.grantId }),
    ...(decision.breakGlassId === undefined ? {} : { breakGlass: decision.breakGlassId }),
  };
}

/** The decrypted object, verified by the tags of its sealed format. */
async function readStored(deps: RetrieveDeps, located: LocatedInstance): Promise<Buffer> {
  const bytes = await deps.objects.get(located.instance.blobKey);
  if (bytes === undefined) throw missingObject(located);
  return bytes;
}

/** The object as a stream whose first segment verified, with its length. */
async function openStored(deps: RetrieveDeps, located: LocatedInstance): Promise<OpenedBlob> {
  const opened = await deps.objects.open(located.instance.blobKey);
  if (opened === undefined) throw missingObject(located);
  return opened;
}

function missingObject(located: LocatedInstance): MedVeilError {
  return new MedVeilError('storage', `object ${located.instance.blobKey} of an indexed instance is missing`, { hint: 'restore the object folder from a backup' });
}

/** The digests of the stored object that its ingest event holds: the SHA-256 the index keeps. */
function ingestDigests(located: LocatedInstance): DataDigest[] {
  return [{ algorithm: 'sha256', value: located.instance.sha256 }];
}

function maskedHeader(bytes: Buffer, view: MaskedView): { file: DicomFile; chunks: Uint8Array[] } {
  const file = readDicomFile(bytes);
  for (const tag of BULK_TAGS) file.dataset.delete(tag);
  deidentifyDataset(file.dataset, { recipe: view.recipe, pseudonymizer: view.pseudonymizer });
  deidentifyFileMeta(file.meta, file.dataset);
  const masked: DicomFile = { ...file, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN };
  return { file: masked, chunks: writeDicomFile(masked, { preamble: 'zero' }) };
}

function servedInstance(located: LocatedInstance): ServedInstance {
  return {
    studyUid: located.study.studyUid,
    seriesUid: located.series.seriesUid,
    sopInstanceUid: located.instance.sopInstanceUid,
    sopClassUid: located.instance.sopClassUid,
    transferSyntaxUid: located.instance.transferSyntaxUid,
  };
}

function locatedObject(located: LocatedInstance): AuditObject {
  return {
    study: located.study.studyUid,
    series: located.series.seriesUid,
    instance: located.instance.sopInstanceUid,
    ...(located.study.patientRef === undefined ? {} : { patient: located.study.patientRef }),
  };
}

const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

/** The UIDs a request named, for the audit event: only well-formed ones, as the log accepts nothing else. */
function requestedObjects(path: InstancePath): AuditObject[] {
  const valid = (uid: string | undefined): uid is string => uid !== undefined && uid.length <= 64 && UID.test(uid);
  const object: AuditObject = {
    ...(valid(path.studyUid) ? { study: path.studyUid } : {}),
    ...(valid(path.seriesUid) ? { series: path.seriesUid } : {}),
    ...(valid(path.sopInstanceUid) ? { instance: path.sopInstanceUid } : {}),
  };
  return Object.keys(object).length === 0 ? [] : [object];
}
