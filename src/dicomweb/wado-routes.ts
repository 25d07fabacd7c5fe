/**
 * WADO-RS (PS3.18 10.4) instance and metadata resources of studies, series and instances.
 *
 * - Instances: multipart/related; type="application/dicom", one PS3.10 file per part, in the
 *   transfer syntax representation-choice.ts picks. The stored bytes are streamed as each
 *   segment verifies (a later segment that fails cuts the answer off), and a study or series
 *   one instance at a time, each recorded (a `view` event) before its bytes leave.
 * - Metadata: application/dicom+json, an array with one DICOM JSON object per instance. Binary
 *   elements of a full view are BulkDataURIs to the bulkdata resource; a masked view is the
 *   header the de-identification engine produced, without pixel data, its remaining binary
 *   values inline, so that nothing in it points at data a masked actor cannot have.
 *
 * A masked instance is served masked (mask-instance-pixels.ts): the masked header with its
 * Pixel Data filled and mosaicked, in Explicit VR Little Endian only. A single instance carries
 * the cache headers of pixel-cache-headers.ts (a full one answers If-None-Match with 304 once
 * the view is recorded); a study or series keeps `no-store` and no ETag. A denied study, a study
 * that does not exist and a series named under another study all answer the same 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DicomJsonObject } from '../dicom/json/index.js';
import { datasetToJson, jsonTagKey, stringifyDicomJson } from '../dicom/json/index.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { internalError } from '../errors.js';
import type { ActingUser } from '../gateway/actor-for-user.js';
import { formatElementPath } from './bulk-data-path.js';
import type { DicomwebRouteDeps } from './dicomweb-deps.js';
import { baseUrlOf, DICOMWEB_PREFIX, type ResourcePath, resourcePath, uidParamsSchema } from './dicomweb-paths.js';
import { acceptedRanges, accepts, actingUser, isRefusal, namedPath, notAcceptable, type Refusal, refuse, refuseAfterRetrieve } from './dicomweb-reply.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../dicom/transfer-syntax.js';
import { type ResponsePart, multipartContentType, multipartLength, multipartStream, newBoundary } from './multipart-related-writer.js';
import { fullEtag, maskedEtag, matchesIfNoneMatch, sendNotModified, setFullCacheHeaders, setMaskedCacheHeaders } from './pixel-cache-headers.js';
import { acceptsParts, chooseInstanceSyntax } from './representation-choice.js';
import { type FullInstance, type MaskedInstance, type MaskedPixelsInstance, pathOf, planResource, retrieveOne, type StreamedInstance, streamedInstanceContent, streamOne } from './wado-retrieval.js';

type Level = 'study' | 'series' | 'instance';

const LEVELS: readonly { level: Level; url: string; names: readonly ('study' | 'series' | 'instance')[] }[] = [
  { level: 'study', url: '/studies/:study', names: ['study'] },
  { level: 'series', url: '/studies/:study/series/:series', names: ['study', 'series'] },
  { level: 'instance', url: '/studies/:study/series/:series/instances/:instance', names: ['study', 'series', 'instance'] },
];

const DICOM_JSON = 'application/dicom+json';

export function registerWadoRoutes(app: FastifyInstance, deps: DicomwebRouteDeps): void {
  for (const { level, url, names } of LEVELS) {
    app.get(
      DICOMWEB_PREFIX + url,
      {
        config: { access: { scope: 'dicomweb:read' }, auditType: 'view', requestLog: 'debug' },
        schema: {
          summary: `Retrieve the instances of a ${level} (WADO-RS)`,
          description: 'PS3.18 10.4. multipart/related; type="application/dicom"; transfer-syntax=* serves the stored bytes, none asks for Explicit VR Little Endian.',
          tags: ['dicomweb'],
          params: uidParamsSchema(names),
        },
      },
      (request, reply) => retrieveInstances(level, names, deps, request, reply),
    );
    app.get(
      `${DICOMWEB_PREFIX}${url}/metadata`,
      {
        config: { access: { scope: 'dicomweb:read' }, auditType: 'view', requestLog: 'debug' },
        schema: {
          summary: `Retrieve the metadata of a ${level} (WADO-RS)`,
          description: 'PS3.18 10.4. application/dicom+json; a masked view is the de-identified header.',
          tags: ['dicomweb'],
          params: uidParamsSchema(names),
        },
      },
      (request, reply) => retrieveMetadata(level, names, deps, request, reply),
    );
  }
}

async function retrieveInstances(level: Level, names: readonly ('study' | 'series' | 'instance')[], deps: DicomwebRouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const path = namedPath(request, names);
  if (isRefusal(path)) return refuse(request, reply, path);
  const ranges = acceptedRanges(request);
  if (ranges === undefined || !acceptsParts(ranges, 'application/dicom')) {
    return refuse(request, reply, notAcceptable('instances are served as multipart/related; type="application/dicom"'));
  }
  const who = await actingUser(request, deps);
  if (isRefusal(who)) return refuse(request, reply, who);
  const boundary = newBoundary();

  if (level === 'instance') {
    const result = await streamOne(deps, request, who, path as Required<ResourcePath>);
    if (isRefusal(result)) return refuse(request, reply, result);
    const part = await instancePart(result, ranges);
    if (isRefusal(part)) return refuseAfterRetrieve(request, reply, part);
    if (result.outcome === 'masked-pixels') {
      setMaskedCacheHeaders(reply, maskedEtag(result.parts, result.blockSize));
    } else {
      const etag = fullEtag(result.storedSha256, `instance;${part.contentType}`);
      if (matchesIfNoneMatch(request, etag)) {
        result.body.destroy();
        return sendNotModified(reply, etag);
      }
      setFullCacheHeaders(reply, etag);
    }
    return reply
      .code(200)
      .type(multipartContentType('application/dicom', boundary))
      .header('content-length', multipartLength(boundary, [part]))
      .send(multipartStream(boundary, [part]));
  }

  const planned = await planResource(deps, request, who, path);
  if (isRefusal(planned)) return refuse(request, reply, planned);
  // The first instance is opened before the answer starts, so that a failure there (the audit
  // log, an object that fails its check) is a proper error status, not a cut-off body.
  const first = await streamOne(deps, request, who, pathOf(planned[0]!));
  if (isRefusal(first)) return refuse(request, reply, first);
  const firstPart = await instancePart(first, ranges);
  if (isRefusal(firstPart)) return refuseAfterRetrieve(request, reply, firstPart);
  const rest = planned.slice(1);
  const acting = who;
  const accepted = ranges;
  async function* parts(): AsyncGenerator<ResponsePart> {
    yield firstPart as ResponsePart;
    for (const instance of rest) {
      const result = await streamOne(deps, request, acting, pathOf(instance));
      // Gone or re-decided since the plan: left out, and recorded by the use case.
      if (isRefusal(result)) continue;
      const part = await instancePart(result, accepted);
      if (isRefusal(part)) continue;
      yield part;
    }
  }
  return reply.code(200).type(multipartContentType('application/dicom', boundary)).send(multipartStream(boundary, parts()));
}

/**
 * The part of a streamed instance in the syntax the request accepts; a refusal releases the
 * stream. A masked instance is served only as it was made and recorded, in Explicit VR Little Endian.
 */
async function instancePart(result: StreamedInstance | MaskedPixelsInstance, ranges: Parameters<typeof chooseInstanceSyntax>[0]): Promise<ResponsePart | Refusal> {
  if (result.outcome === 'masked-pixels') {
    const choice = chooseInstanceSyntax(ranges, EXPLICIT_VR_LITTLE_ENDIAN);
    if (!choice.ok || choice.value !== EXPLICIT_VR_LITTLE_ENDIAN) {
      return notAcceptable(`a masked instance is served in Explicit VR Little Endian (${EXPLICIT_VR_LITTLE_ENDIAN}) only; ask for that transfer syntax, * or none`);
    }
    return { contentType: `application/dicom; transfer-syntax=${EXPLICIT_VR_LITTLE_ENDIAN}`, content: result.parts };
  }
  const choice = chooseInstanceSyntax(ranges, result.instance.transferSyntaxUid);
  if (!choice.ok) {
    result.body.destroy();
    return notAcceptable(choice.message);
  }
  return { contentType: `application/dicom; transfer-syntax=${choice.value}`, content: await streamedInstanceContent(result, choice.value) };
}

async function retrieveMetadata(level: Level, names: readonly ('study' | 'series' | 'instance')[], deps: DicomwebRouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const path = namedPath(request, names);
  if (isRefusal(path)) return refuse(request, reply, path);
  const ranges = acceptedRanges(request);
  if (ranges === undefined || !(accepts(ranges, 'application', 'dicom+json') || accepts(ranges, 'application', 'json'))) {
    return refuse(request, reply, notAcceptable(`metadata is served as ${DICOM_JSON}`));
  }
  const who = await actingUser(request, deps);
  if (isRefusal(who)) return refuse(request, reply, who);
  const baseUrl = baseUrlOf(request);

  let targets: readonly Required<ResourcePath>[];
  if (level === 'instance') {
    targets = [path as Required<ResourcePath>];
  } else {
    const planned = await planResource(deps, request, who, path);
    if (isRefusal(planned)) return refuse(request, reply, planned);
    targets = planned.map(pathOf);
  }
  const objects: DicomJsonObject[] = [];
  for (const target of targets) {
    const result = await retrieveOne(deps, request, who, target, { part: 'header' });
    if (isRefusal(result)) {
      if (level === 'instance') return refuse(request, reply, result);
      continue;
    }
    objects.push(metadataOf(result, baseUrl));
  }
  if (objects.length === 0) return refuse(request, reply, { status: 404, error: 'not-found', message: 'no such resource', deny: true });
  return reply.code(200).type(DICOM_JSON).send(stringifyDicomJson(objects));
}

/** One instance's metadata: BulkDataURIs for a full view, the masked header as it is otherwise. */
function metadataOf(result: FullInstance | MaskedInstance | MaskedPixelsInstance, baseUrl: string): DicomJsonObject {
  if (result.outcome === 'masked-pixels') throw internalError('a metadata retrieve gave masked pixels');
  if (result.outcome === 'masked') return datasetToJson(result.file.dataset);
  const { dataset } = readDicomFile(result.bytes);
  const instanceUrl = baseUrl + resourcePath(result.instance);
  const json = datasetToJson(dataset, { bulkDataUri: (tag, path) => `${instanceUrl}/bulkdata/${formatElementPath(path, tag)}` });
  json[jsonTagKey(Tag.AvailableTransferSyntaxUID)] ??= { vr: 'UI', Value: [result.instance.transferSyntaxUid] };
  return json;
}
