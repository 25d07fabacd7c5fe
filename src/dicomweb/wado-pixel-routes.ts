/**
 * WADO-RS resources that serve pixel data or other bulk values of one instance (PS3.18
 * 10.4.1.1.3 to 10.4.1.1.6): frames, bulkdata, rendered and thumbnail.
 *
 * A full view gets the stored frames (native little endian, or compressed in their own media
 * type), and renderings of any syntax the codec registry decodes, grey or colour. A masked view
 * gets the masked pixels the gateway made and recorded (mask-instance-pixels.ts): frames native
 * little endian (Explicit VR Little Endian), Pixel Data as its bulk data, renderings of the
 * masked frame; any other bulk data is refused (MASKED_PIXELS).
 *
 * Rendered and thumbnail images are PNG, or JPEG (baseline) when the Accept header prefers
 * image/jpeg. A multi-frame instance renders its first frame; `frames/{n}/rendered` renders
 * frame n (one frame per request). Cache headers: pixel-cache-headers.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Dataset } from '../dicom/dataset.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../dicom/transfer-syntax.js';
import { internalError, MedVeilError } from '../errors.js';
import type { MaskedRepresentation } from '../gateway/mask-instance-pixels.js';
import { type RenderedMediaType, renderFileFrame } from '../pixels/render-frame.js';
import type { VoiWindow } from '../pixels/render-monochrome.js';
import { elementAt, type ElementPath, parseElementPath } from './bulk-data-path.js';
import type { DicomwebRouteDeps } from './dicomweb-deps.js';
import { DICOMWEB_PREFIX, type ResourcePath, uidParamsSchema } from './dicomweb-paths.js';
import { acceptedRanges, actingUser, isRefusal, namedPath, notAcceptable, queryPairs, rawQuery, type Refusal, refuse, refuseAfterRetrieve } from './dicomweb-reply.js';
import { type MediaRange, rangeCovers } from './media-type.js';
import { type ResponsePart, multipartContentType, multipartLength, multipartStream, newBoundary } from './multipart-related-writer.js';
import { fullEtag, maskedEtag, matchesIfNoneMatch, sendNotModified, setFullCacheHeaders, setMaskedCacheHeaders } from './pixel-cache-headers.js';
import { type PixelFrames, pixelFrames } from './pixel-frames.js';
import { acceptsParts, chooseFrameMediaType } from './representation-choice.js';
import { type FullInstance, type MaskedPixelsInstance, retrieveOne } from './wado-retrieval.js';

const INSTANCE = '/studies/:study/series/:series/instances/:instance';
const NAMES = ['study', 'series', 'instance'] as const;
/** The thumbnail's bounding box when the request names no viewport. */
const THUMBNAIL_SIZE = 128;
/** The most frames one frames request may list. */
const MAX_FRAME_LIST = 10_000;

export function registerWadoPixelRoutes(app: FastifyInstance, deps: DicomwebRouteDeps): void {
  const config = { access: { scope: 'dicomweb:read' as const }, auditType: 'view' as const, requestLog: 'debug' as const };
  const withFrames = { ...uidParamsSchema(NAMES), properties: { ...uidParamsSchema(NAMES).properties, frames: { type: 'string', description: 'frame numbers from 1, comma-separated' } }, required: [...NAMES, 'frames'] };
  app.get(`${DICOMWEB_PREFIX}${INSTANCE}/frames/:frames`, {
    config,
    schema: { summary: 'Retrieve frames of an instance (WADO-RS)', description: 'PS3.18 10.4.1.1.6. Uncompressed frames as application/octet-stream, compressed ones in their own media type; masked frames always uncompressed.', tags: ['dicomweb'], params: withFrames },
  }, (request, reply) => retrieveFrames(deps, request, reply));
  app.get(`${DICOMWEB_PREFIX}${INSTANCE}/bulkdata/:element`, {
    config,
    schema: {
      summary: 'Retrieve a bulk data value of an instance (WADO-RS)',
      description: 'PS3.18 10.4.1.1.5. The element is the last segment of a BulkDataURI of the metadata.',
      tags: ['dicomweb'],
      params: { ...uidParamsSchema(NAMES), properties: { ...uidParamsSchema(NAMES).properties, element: { type: 'string', description: 'tag path, e.g. 7FE00010' } }, required: [...NAMES, 'element'] },
    },
  }, (request, reply) => retrieveBulkData(deps, request, reply));
  for (const kind of ['rendered', 'thumbnail'] as const) {
    const summary = kind === 'rendered' ? 'Retrieve an instance rendered as PNG or JPEG (WADO-RS)' : 'Retrieve a thumbnail of an instance as PNG or JPEG (WADO-RS)';
    app.get(`${DICOMWEB_PREFIX}${INSTANCE}/${kind}`, { config, schema: { summary, tags: ['dicomweb'], params: uidParamsSchema(NAMES) } }, (request, reply) => retrieveRendered(kind, deps, request, reply));
    app.get(`${DICOMWEB_PREFIX}${INSTANCE}/frames/:frames/${kind}`, { config, schema: { summary: summary.replace('an instance', 'a frame'), tags: ['dicomweb'], params: withFrames } }, (request, reply) =>
      retrieveRendered(kind, deps, request, reply),
    );
  }
}

/** The instance the path names, full (with its data set) or masked as `masked` asks, or a refusal. */
async function pixelInstance(
  deps: DicomwebRouteDeps,
  request: FastifyRequest,
  masked: MaskedRepresentation | undefined,
  options: { path?: Required<ResourcePath>; via?: 'wado-uri' } = {},
): Promise<{ full: FullInstance; dataset: Dataset } | { masked: MaskedPixelsInstance } | Refusal> {
  const path = options.path ?? namedPath(request, NAMES);
  if (isRefusal(path)) return path;
  const { via } = options;
  const who = await actingUser(request, deps);
  if (isRefusal(who)) return who;
  const result = await retrieveOne(deps, request, who, path as Required<ResourcePath>, {
    part: 'instance',
    ...(masked === undefined ? {} : { maskedPixels: masked }),
    ...(via === undefined ? {} : { via }),
  });
  if (isRefusal(result)) return result;
  if (result.outcome === 'masked-pixels') return { masked: result };
  if (result.outcome !== 'full') throw internalError(`a pixel retrieve gave ${result.outcome}`);
  return { full: result, dataset: readDicomFile(result.bytes).dataset };
}

/** Sends a full answer with its cache headers, or 304 when the client holds it already (the view is recorded by then). */
function sendFull(request: FastifyRequest, reply: FastifyReply, full: FullInstance, representation: string, send: () => FastifyReply): FastifyReply {
  const etag = fullEtag(full.storedSha256, representation);
  if (matchesIfNoneMatch(request, etag)) return sendNotModified(reply, etag);
  setFullCacheHeaders(reply, etag);
  return send();
}

function sendMasked(reply: FastifyReply, masked: MaskedPixelsInstance, send: () => FastifyReply): FastifyReply {
  setMaskedCacheHeaders(reply, maskedEtag(masked.parts, masked.blockSize));
  return send();
}

/** PS3.18 10.4.1.1.6: a frame list is numbers from 1, separated by commas (no leading zeros here). */
function frameNumbers(text: unknown): number[] | Refusal {
  const bad: Refusal = { status: 400, error: 'invalid-frame-list', message: 'frames are numbers from 1, separated by commas, e.g. 1,2,3', deny: true };
  if (typeof text !== 'string' || !/^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8})*$/.test(text)) return bad;
  const numbers = text.split(',').map(Number);
  return numbers.length > MAX_FRAME_LIST ? bad : numbers;
}

function framesWithin(numbers: readonly number[], frames: PixelFrames): Refusal | undefined {
  const last = frames.facts.numberOfFrames;
  return numbers.some((n) => n > last) ? { status: 404, error: 'no-such-frame', message: `the instance has ${last} frame${last === 1 ? '' : 's'}` } : undefined;
}

function frameParts(frames: PixelFrames, numbers: readonly number[], mediaType: string, transferSyntaxUid: string): ResponsePart[] {
  const contentType = `${mediaType}; transfer-syntax=${transferSyntaxUid}`;
  return numbers.map((n) => {
    const frame = frames.frame(n - 1);
    return { contentType, content: frames.kind === 'native' ? [frame as Uint8Array] : (frame as readonly Uint8Array[]) };
  });
}

function sendParts(reply: FastifyReply, type: string, parts: readonly ResponsePart[]): FastifyReply {
  const boundary = newBoundary();
  return reply.code(200).type(multipartContentType(type, boundary)).header('content-length', multipartLength(boundary, parts)).send(multipartStream(boundary, parts));
}

async function retrieveFrames(deps: DicomwebRouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const numbers = frameNumbers((request.params as { frames?: unknown }).frames);
  if (isRefusal(numbers)) return refuse(request, reply, numbers);
  const ranges = acceptedRanges(request);
  if (ranges === undefined || ranges.length === 0) return refuse(request, reply, notAcceptable('frames are served as multipart/related'));
  const found = await pixelInstance(deps, request, { kind: 'frames', frameNumbers: numbers });
  if (isRefusal(found)) return refuse(request, reply, found);
  if ('masked' in found) return sendMaskedFrames(request, reply, found.masked, ranges, found.masked.parts.map((part) => [part]));
  const frames = pixelFrames(found.dataset);
  if (!frames.ok) return refuseAfterRetrieve(request, reply, { status: 404, error: 'no-frames', message: frames.message });
  const outside = framesWithin(numbers, frames.frames);
  if (outside !== undefined) return refuseAfterRetrieve(request, reply, outside);
  const choice = chooseFrameMediaType(ranges, found.full.instance.transferSyntaxUid);
  if (!choice.ok) return refuseAfterRetrieve(request, reply, notAcceptable(choice.message));
  const { mediaType, transferSyntaxUid } = choice.value;
  return sendFull(request, reply, found.full, `frames;${numbers.join(',')};${mediaType};${transferSyntaxUid}`, () =>
    sendParts(reply, mediaType, frameParts(frames.frames, numbers, mediaType, transferSyntaxUid)));
}

/** Masked frames, native little endian, in parts as `groups` joins them. */
function sendMaskedFrames(request: FastifyRequest, reply: FastifyReply, masked: MaskedPixelsInstance, ranges: readonly MediaRange[], groups: readonly (readonly Uint8Array[])[]): FastifyReply {
  const choice = chooseFrameMediaType(ranges, EXPLICIT_VR_LITTLE_ENDIAN);
  if (!choice.ok) return refuseAfterRetrieve(request, reply, notAcceptable(`masked frames are uncompressed: ${choice.message}`));
  const contentType = `${choice.value.mediaType}; transfer-syntax=${choice.value.transferSyntaxUid}`;
  const parts: ResponsePart[] = groups.map((content) => ({ contentType, content }));
  return sendMasked(reply, masked, () => sendParts(reply, choice.value.mediaType, parts));
}

const PIXEL_DATA_PATH: ElementPath = [Tag.PixelData];

async function retrieveBulkData(deps: DicomwebRouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const element = String((request.params as { element?: unknown }).element ?? '');
  const path = parseElementPath(element);
  if (path === undefined) return refuse(request, reply, { status: 400, error: 'invalid-bulkdata-path', message: 'the bulk data path is the last segment of a BulkDataURI, e.g. 7FE00010', deny: true });
  const ranges = acceptedRanges(request);
  if (ranges === undefined || ranges.length === 0) return refuse(request, reply, notAcceptable('bulk data is served as multipart/related'));
  const isPixelData = path.length === 1 && path[0] === PIXEL_DATA_PATH[0];
  // A masked view has masked Pixel Data and no other bulk data (its metadata names none).
  const found = await pixelInstance(deps, request, isPixelData ? { kind: 'frames', frameNumbers: 'all' } : undefined);
  if (isRefusal(found)) return refuse(request, reply, found);
  if ('masked' in found) {
    if (!acceptsParts(ranges, 'application/octet-stream')) return refuseAfterRetrieve(request, reply, notAcceptable('masked Pixel Data is served as multipart/related; type="application/octet-stream"'));
    // The native Pixel Data value: every masked frame, one after the other, in one part.
    return sendMaskedFrames(request, reply, found.masked, ranges, [[...found.masked.parts]]);
  }
  const located = elementAt(found.dataset, path);
  if (located === undefined || located.element.items !== undefined) return refuseAfterRetrieve(request, reply, { status: 404, error: 'no-such-element', message: 'the instance has no bulk data value there' });
  if (located.element.fragments !== undefined) {
    const frames = pixelFrames(found.dataset);
    if (!frames.ok) return refuseAfterRetrieve(request, reply, { status: 404, error: 'no-frames', message: frames.message });
    const choice = chooseFrameMediaType(ranges, found.full.instance.transferSyntaxUid);
    if (!choice.ok) return refuseAfterRetrieve(request, reply, notAcceptable(choice.message));
    const all = Array.from({ length: frames.frames.facts.numberOfFrames }, (_, i) => i + 1);
    const { mediaType, transferSyntaxUid } = choice.value;
    return sendFull(request, reply, found.full, `bulkdata;${element};${mediaType};${transferSyntaxUid}`, () =>
      sendParts(reply, mediaType, frameParts(frames.frames, all, mediaType, transferSyntaxUid)));
  }
  if (!acceptsParts(ranges, 'application/octet-stream')) return refuseAfterRetrieve(request, reply, notAcceptable('bulk data is served as multipart/related; type="application/octet-stream"'));
  const value = located.element.value ?? new Uint8Array(0);
  const bytes = located.holder.encoding.littleEndian ? value : littleEndian(value, located.element.vr);
  return sendFull(request, reply, found.full, `bulkdata;${element};application/octet-stream`, () =>
    sendParts(reply, 'application/octet-stream', [{ contentType: 'application/octet-stream', content: [bytes] }]));
}

/** PS3.18 8.7.3.3.1: bulk data is little endian; values of the wider VRs are swapped. */
function littleEndian(value: Uint8Array, vr: string): Uint8Array {
  const width = vr === 'OW' || vr === 'US' || vr === 'SS' ? 2 : vr === 'OL' || vr === 'OF' || vr === 'UL' || vr === 'SL' || vr === 'FL' ? 4 : vr === 'OD' || vr === 'OV' || vr === 'FD' || vr === 'SV' || vr === 'UV' ? 8 : 1;
  if (width === 1) return value;
  const out = new Uint8Array(value.length);
  for (let at = 0; at + width <= value.length; at += width) for (let k = 0; k < width; k++) out[at + k] = value[at + width - 1 - k]!;
  return out;
}

interface RenderParameters {
  readonly window?: VoiWindow;
  readonly viewport?: { readonly width: number; readonly height: number };
}

/** PS3.18 8.3.5.1.4 and 8.3.5.1.3: `window=center,width[,linear]` and `viewport=width,height`; `quality` has no meaning for PNG and is ignored. */
function renderParameters(query: string): RenderParameters | Refusal {
  const pairs = queryPairs(query);
  if (isRefusal(pairs)) return pairs;
  let window: VoiWindow | undefined;
  let viewport: { width: number; height: number } | undefined;
  const seen = new Set<string>();
  for (const [name, value] of pairs) {
    if (seen.has(name)) return { status: 400, error: 'invalid-query', message: `parameter ${JSON.stringify(name.slice(0, 64))} is given more than once` };
    seen.add(name);
    if (name === 'quality' || name === 'accept' || name === 'charset') continue;
    if (name === 'window') {
      const [center, width, shape] = value.split(',');
      const c = Number(center);
      const w = Number(width);
      if (center === undefined || width === undefined || center.trim() === '' || !Number.isFinite(c) || !Number.isFinite(w) || w < 1 || (shape !== undefined && shape !== 'linear')) {
        return { status: 400, error: 'invalid-query', message: 'window is center,width[,linear] with a width of at least 1; only the linear function is supported' };
      }
      window = { center: c, width: w };
      continue;
    }
    if (name === 'viewport') {
      const match = /^([1-9][0-9]{0,4}),([1-9][0-9]{0,4})$/.exec(value);
      if (match === null) return { status: 400, error: 'invalid-query', message: 'viewport is width,height in pixels (at most 99999)' };
      viewport = { width: Number(match[1]), height: Number(match[2]) };
      continue;
    }
    return { status: 400, error: 'invalid-query', message: `parameter ${JSON.stringify(name.slice(0, 64))} is not supported here (window, viewport and quality are)` };
  }
  return { ...(window === undefined ? {} : { window }), ...(viewport === undefined ? {} : { viewport }) };
}

/**
 * The image type a rendered answer is written in: PNG or JPEG, whichever the Accept header
 * weighs higher (PNG on a tie, and for a header that names neither but accepts image/* or *\/*).
 */
export function chooseRenderedMediaType(ranges: readonly MediaRange[] | undefined): RenderedMediaType | undefined {
  if (ranges === undefined) return undefined;
  const weight = (subtype: string) => Math.max(0, ...ranges.filter((range) => rangeCovers(range, 'image', subtype)).map((range) => range.quality));
  const png = weight('png');
  const jpeg = weight('jpeg');
  if (png === 0 && jpeg === 0) return undefined;
  return png >= jpeg ? 'image/png' : 'image/jpeg';
}

async function retrieveRendered(kind: 'rendered' | 'thumbnail', deps: DicomwebRouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const named = (request.params as { frames?: unknown }).frames;
  let frameNumber = 1;
  if (named !== undefined) {
    const numbers = frameNumbers(named);
    if (isRefusal(numbers)) return refuse(request, reply, numbers);
    if (numbers.length !== 1) return refuse(request, reply, { status: 400, error: 'one-frame-only', message: 'rendered frames are served one per request: name one frame' });
    frameNumber = numbers[0]!;
  }
  const parameters = renderParameters(rawQuery(request));
  if (isRefusal(parameters)) return refuse(request, reply, parameters);
  const mediaType = chooseRenderedMediaType(acceptedRanges(request));
  if (mediaType === undefined) return refuse(request, reply, notAcceptable('rendered images are served as image/png or image/jpeg'));
  const fit = parameters.viewport ?? (kind === 'thumbnail' ? { width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE } : undefined);
  const render = { frameNumber, mediaType, ...(parameters.window === undefined ? {} : { window: parameters.window }), ...(fit === undefined ? {} : { fit }) };
  const path = namedPath(request, NAMES);
  if (isRefusal(path)) return refuse(request, reply, path);
  return serveRendered(deps, request, reply, { path: path as Required<ResourcePath>, render, representation: `${kind};${rawQuery(request)}` });
}

export interface RenderedRequest {
  readonly frameNumber: number;
  readonly mediaType: RenderedMediaType;
  readonly window?: VoiWindow;
  readonly fit?: { readonly width: number; readonly height: number };
}

/**
 * Retrieves the instance at `path` and answers with one frame rendered:
 * the masked frame for a masked view, else the stored one. `representation` tells full answers
 * of different renderings apart in their ETag.
 */
export async function serveRendered(
  deps: DicomwebRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { path: Required<ResourcePath>; render: RenderedRequest; representation: string; via?: 'wado-uri' },
): Promise<FastifyReply> {
  const { render, representation } = options;
  const found = await pixelInstance(deps, request, { kind: 'rendered', ...render }, { path: options.path, ...(options.via === undefined ? {} : { via: options.via }) });
  if (isRefusal(found)) return refuse(request, reply, found);
  if ('masked' in found) return sendMasked(reply, found.masked, () => reply.code(200).type(render.mediaType).send(found.masked.parts[0]));
  const image = await renderStored(found.full, render);
  if (isRefusal(image)) return refuseAfterRetrieve(request, reply, image);
  return sendFull(request, reply, found.full, `${representation};frame=${render.frameNumber};${render.mediaType}`, () => reply.code(200).type(render.mediaType).send(image));
}

/** One stored frame rendered, or why it cannot be (404 for a missing frame, 406 for an image the renderer does not read). */
async function renderStored(full: FullInstance, render: RenderedRequest): Promise<Buffer | Refusal> {
  const file = readDicomFile(full.bytes);
  const frames = pixelFrames(file.dataset);
  if (!frames.ok) return { status: 404, error: 'no-frames', message: frames.message };
  const outside = framesWithin([render.frameNumber], frames.frames);
  if (outside !== undefined) return outside;
  try {
    return await renderFileFrame(file, render);
  } catch (error) {
    if (error instanceof MedVeilError && error.code === 'pixels') return notAcceptable(`this image cannot be rendered: ${error.message}`);
    throw error;
  }
}
