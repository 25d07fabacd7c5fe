/**
 * The retrieve use cases as the WADO routes call them: one instance by its full path
 * (retrieve-instance.ts), or the instances of a study or series (retrieve-instance-plan.ts,
 * then retrieve-instance.ts for each). Each instance is decided, read and recorded by the use
 * case before anything of it is served; a denied study is "not found", exactly as a missing one.
 */
import { buffer } from 'node:stream/consumers';
import type { FastifyRequest } from 'fastify';
import type { FindQuery } from '../dicom/query/index.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { writeDicomFile } from '../dicom/write-dicom-file.js';
import { internalError } from '../errors.js';
import type { ActingUser } from '../gateway/actor-for-user.js';
import { type PlannedInstance, planInstanceRetrieval } from '../gateway/retrieve-instance-plan.js';
import { defaultPixelMasking, type MaskedRepresentation, type PixelMasking } from '../gateway/mask-instance-pixels.js';
import { type RetrieveDeps, type RetrieveResult, retrieveInstance } from '../gateway/retrieve-instance.js';
import type { AccessChannel } from '../gateway/search-index.js';
import type { DicomwebRouteDeps } from './dicomweb-deps.js';
import type { ResourcePath } from './dicomweb-paths.js';
import { isRefusal, NOT_FOUND, type Refusal } from './dicomweb-reply.js';
import type { ResponsePart } from './multipart-related-writer.js';

export type FullInstance = Extract<RetrieveResult, { outcome: 'full' }>;
export type StreamedInstance = Extract<RetrieveResult, { outcome: 'full-stream' }>;
export type MaskedInstance = Extract<RetrieveResult, { outcome: 'masked' }>;
export type MaskedPixelsInstance = Extract<RetrieveResult, { outcome: 'masked-pixels' }>;

/** A masked actor asked for bulk data other than Pixel Data, which no masked view carries. */
export const MASKED_PIXELS: Refusal = {
  status: 403,
  error: 'masked-pixels-unavailable',
  message: 'you may see this study only masked: its pixels are served masked (instances, frames, rendered), its other bulk data not at all; the metadata resource has the masked header',
  deny: true,
};

/** The pixels could not be decoded for masking: recorded as a serious failure, nothing served. */
export const MASKING_FAILED: Refusal = {
  status: 422,
  error: 'masking-failed',
  message: 'you may see this study only masked, and its pixel data could not be decoded to be masked, so nothing of it is served; the metadata resource has the masked header',
};

let defaultMasking: PixelMasking | undefined;

export function retrieveDeps(deps: DicomwebRouteDeps, request: FastifyRequest): RetrieveDeps {
  const masking = deps.masking ?? (defaultMasking ??= defaultPixelMasking());
  return { index: deps.index, objects: deps.objects, audit: request.medveil.audit, clock: deps.clock, suite: deps.suite, maskedView: deps.maskedView, masking };
}

/** One instance named by study, series and SOP Instance UID, whole. */
export async function retrieveOne(
  deps: DicomwebRouteDeps,
  request: FastifyRequest,
  who: ActingUser,
  path: Required<ResourcePath>,
  options: { part: 'instance' | 'header'; via?: AccessChannel; maskedPixels?: MaskedRepresentation },
): Promise<FullInstance | MaskedInstance | MaskedPixelsInstance | Refusal> {
  const result = await retrieve(deps, request, who, path, { ...options, delivery: 'bytes' });
  if (isRefusal(result)) return result;
  if (result.outcome === 'full-stream') throw internalError('a retrieve of bytes gave a stream');
  return result;
}

/** One instance as a stream of its stored bytes (see retrieve-instance.ts), to be sent or destroyed. */
export async function streamOne(
  deps: DicomwebRouteDeps,
  request: FastifyRequest,
  who: ActingUser,
  path: Required<ResourcePath>,
): Promise<StreamedInstance | MaskedPixelsInstance | Refusal> {
  const result = await retrieve(deps, request, who, path, { part: 'instance', delivery: 'stream', maskedPixels: { kind: 'instance' } });
  if (isRefusal(result) || result.outcome === 'masked-pixels') return result;
  if (result.outcome !== 'full-stream') throw internalError(`a streamed retrieve of a whole instance gave ${result.outcome}`);
  return result;
}

async function retrieve(
  deps: DicomwebRouteDeps,
  request: FastifyRequest,
  who: ActingUser,
  path: Required<ResourcePath>,
  options: { part: 'instance' | 'header'; via?: AccessChannel; delivery: 'bytes' | 'stream'; maskedPixels?: MaskedRepresentation },
): Promise<FullInstance | StreamedInstance | MaskedInstance | MaskedPixelsInstance | Refusal> {
  const result = await retrieveInstance(retrieveDeps(deps, request), who, {
    path: { studyUid: path.studyUid, seriesUid: path.seriesUid, sopInstanceUid: path.sopInstanceUid },
    action: 'view',
    part: options.part,
    via: options.via ?? 'wado-rs',
    delivery: options.delivery,
    ...(options.maskedPixels === undefined ? {} : { maskedPixels: options.maskedPixels }),
  });
  if (result.outcome === 'not-found') return NOT_FOUND;
  if (result.outcome === 'refused') return result.reason === 'masking-failed' ? MASKING_FAILED : MASKED_PIXELS;
  if (result.outcome === 'no-such-frame') {
    return { status: 404, error: 'no-such-frame', message: `the instance has ${result.numberOfFrames} frame${result.numberOfFrames === 1 ? '' : 's'}` };
  }
  return result;
}

/**
 * The instances of a study or series the actor may retrieve, or "not found" when there are
 * none (the plan records that), or a refusal when there are more than the limit.
 */
export async function planResource(deps: DicomwebRouteDeps, request: FastifyRequest, who: ActingUser, path: ResourcePath): Promise<readonly PlannedInstance[] | Refusal> {
  const query: FindQuery = {
    level: 'instance',
    scope: { studyUid: path.studyUid, ...(path.seriesUid === undefined ? {} : { seriesUid: path.seriesUid }) },
    matchKeys: [],
    returnKeys: [],
    limit: undefined,
    offset: 0,
    fuzzy: false,
    warnings: [],
  };
  const plan = await planInstanceRetrieval({ index: deps.index, audit: request.medveil.audit, clock: deps.clock }, who, {
    query,
    action: 'view',
    via: 'wado-rs',
    maxInstances: deps.limits.maxRetrieveInstances,
  });
  if (plan.outcome === 'too-many') {
    return { status: 413, error: 'too-many-instances', message: `more than ${plan.maxInstances} instances; retrieve series or instances one by one` };
  }
  return plan.instances.length === 0 ? NOT_FOUND : plan.instances;
}

/** The served Part 10 file of a full retrieve, in `transferSyntaxUid` (converted when it differs). */
export function instanceBytes(instance: FullInstance, transferSyntaxUid: string): readonly Uint8Array[] {
  if (transferSyntaxUid === instance.instance.transferSyntaxUid) return [instance.bytes];
  return writeDicomFile(readDicomFile(instance.bytes), { transferSyntaxUid });
}

/**
 * The served Part 10 file of a streamed retrieve, in `transferSyntaxUid`: the stored bytes as
 * they verify when that is their syntax, else converted, which first reads them whole.
 */
export async function streamedInstanceContent(instance: StreamedInstance, transferSyntaxUid: string): Promise<ResponsePart['content']> {
  if (transferSyntaxUid === instance.instance.transferSyntaxUid) return { stream: instance.body, size: instance.size };
  return writeDicomFile(readDicomFile(await buffer(instance.body)), { transferSyntaxUid });
}

/** The full path of a planned instance. */
export function pathOf(instance: PlannedInstance): Required<ResourcePath> {
  return { studyUid: instance.studyUid, seriesUid: instance.seriesUid, sopInstanceUid: instance.sopInstanceUid };
}
