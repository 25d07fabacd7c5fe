/**
 * WADO-RS resources that serve pixel data or other bulk values of one instance (PS3.18
 * 10.4.1.1.3 to 10.4.1.1.6): frames, bulkdata, rendered and thumbnail. Each needs the full
 * view: a masked actor is refused (MASKED_PIXELS), never served unmasked pixels.
 *
 * Rendered and thumbnail images are PNG (image/png), rendered by render-monochrome.ts for
 * uncompressed MONOCHROME1/2 images of 8 or 16 bits; other images answer 406 until the pixel
 * codecs arrive. A multi-frame instance renders its first frame; `frames/{n}/rendered` renders
 * frame n (one frame per request).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Dataset } from '../dicom/dataset.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { encodeGreyPng } from '../pixels/png-encoder.js';
import { elementAt, parseElementPath } from './bulk-data-path.js';
import type { DicomwebRouteDeps } from './dicomweb-deps.js';
import { DICOMWEB_PREFIX, type ResourcePath, uidParamsSchema } from './dicomweb-paths.js';
import { acceptedRanges, accepts, actingUser, isRefusal, namedPath, notAcceptable, queryPairs, rawQuery, type Refusal, refuse, refuseAfterRetrieve } from './dicomweb-reply.js';
import type { MediaRange } from './media-type.js';
import { type ResponsePart, multipartContentType, multipartLength, multipartStream, newBoundary } from './multipart-related-writer.js';
import { type PixelFrames, pixelFrames } from './pixel-frames.js';
import { datasetWindow, fitWithin, renderingProblem, renderMonochrome, rescaleOf, type VoiWindow } from './render-monochrome.js';
import { acceptsParts, chooseFrameMediaType } from './representation-choice.js';
import { type FullInstance, retrieveOne } from './wado-retrieval.js';

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
    schema: { summary: 'Retrieve frames of an instance (WADO-RS)', description: 'PS3.18 10.4.1.1.6. Uncompressed frames as application/octet-stream, compressed ones in their own media type.', tags: ['dicomweb'], params: withFrames },
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
    const summary = kind === 'rendered' ? 'Retrieve an instance rendered as PNG (WADO-RS)' : 'Retrieve a thumbnail of an instance as PNG (WADO-RS)';
    app.get(`${DICOMWEB_PREFIX}${INSTANCE}/${kind}`, { config, schema: { summary, tags: ['dicomweb'], params: uidParamsSchema(NAMES) } }, (request, reply) => retrieveRendered(kind, deps, request, reply));
    app.get(`${DICOMWEB_PREFIX}${INSTANCE}/frames/:frames/${kind}`, { config, schema: { summary: summary.replace('an instance', 'a frame'), tags: ['dicomweb'], params: withFrames } }, (request, reply) =>
      retrieveRendered(kind, deps, request, reply),
    );
  }
}

/** The instance with its data set and frames, or a refusal. */
async function fullInstance(deps: DicomwebRouteDeps, request: FastifyRequest): Promise<{ result: FullInstance; dataset: Dataset } | Refusal> {
  const path = namedPath(request, NAMES);
  if (isRefusal(path)) return path;
  const who = await actingUser(request, deps);
  if (isRefusal(who)) return who;
  const result = await retrieveOne(deps, request, who, path as Required<ResourcePath>, { part: 'instance' });
  if (isRefusal(result)) return result;
  return { result: result as FullInstance, dataset: readDicomFile((result as FullInstance).bytes).dataset };
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
  const found = await fullInstance(deps, request);
  if (isRefusal(found)) return refuse(request, reply, found);
  const frames = pixelFrames(found.dataset);
  if (!frames.ok) return refuseAfterRetrieve(request, reply, { status: 404, error: 'no-frames', message: frames.message });
  const outside = framesWithin(numbers, frames.frames);
  if (outside !== undefined) return refuseAfterRetrieve(request, reply, outside);
  const choice = chooseFrameMediaType(ranges, found.result.instance.transferSyntaxUid);
  if (!choice.ok) return refuseAfterRetrieve(request, reply, notAcceptable(choice.message));
  return sendParts(reply, choice.value.mediaType, frameParts(frames.frames, numbers, choice.value.mediaType, choice.value.transferSyntaxUid));
}

async function retrieveBulkData(deps: DicomwebRouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const path = parseElementPath(String((request.params as { element?: unknown }).element ?? ''));
  if (path === undefined) return refuse(request, reply, { status: 400, error: 'invalid-bulkdata-path', message: 'the bulk data path is the last segment of a BulkDataURI, e.g. 7FE00010', deny: true });
  const ranges = acceptedRanges(request);
  if (ranges === undefined || ranges.length === 0) return refuse(request, reply, notAcceptable('bulk data is served as multipart/related'));
  const found = await fullInstance(deps, request);
  if (isRefusal(found)) return refuse(request, reply, found);
  const located = elementAt(found.dataset, path);
  if (located === undefined || located.element.items !== undefined) return refuseAfterRetrieve(request, reply, { status: 404, error: 'no-such-element', message: 'the instance has no bulk data value there' });
  if (located.element.fragments !== undefined) {
    const frames = pixelFrames(found.dataset);
    if (!frames.ok) return refuseAfterRetrieve(request, reply, { status: 404, error: 'no-frames', message: frames.message });
    const choice = chooseFrameMediaType(ranges, found.result.instance.transferSyntaxUid);
    if (!choice.ok) return refuseAfterRetrieve(request, reply, notAcceptable(choice.message));
    const all = Array.from({ length: frames.frames.facts.numberOfFrames }, (_, i) => i + 1);
    return sendParts(reply, choice.value.mediaType, frameParts(frames.frames, all, choice.value.mediaType, choice.value.transferSyntaxUid));
  }
  if (!acceptsParts(ranges, 'application/octet-stream')) return refuseAfterRetrieve(request, reply, notAcceptable('bulk data is served as multipart/related; type="application/octet-stream"'));
  const value = located.element.value ?? new Uint8Array(0);
  const bytes = located.holder.encoding.littleEndian ? value : littleEndian(value, located.element.vr);
  return sendParts(reply, 'application/octet-stream', [{ contentType: 'application/octet-stream', content: [bytes] }]);
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

/** Whether the request accepts a PNG (the only rendered type MedVeil writes). */
export function acceptsPng(ranges: readonly MediaRange[] | undefined): boolean {
  return ranges !== undefined && accepts(ranges, 'image', 'png');
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
  if (!acceptsPng(acceptedRanges(request))) return refuse(request, reply, notAcceptable('rendered images are served as image/png'));
  const found = await fullInstance(deps, request);
  if (isRefusal(found)) return refuse(request, reply, found);
  const png = renderFrame(found.dataset, frameNumber, parameters, kind === 'thumbnail' ? { width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE } : undefined);
  if (isRefusal(png)) return refuseAfterRetrieve(request, reply, png);
  return reply.code(200).type('image/png').send(png);
}

/** One frame of `dataset` as a PNG, or why it cannot be rendered (406, or 404 for a missing frame). */
export function renderFrame(dataset: Dataset, frameNumber: number, parameters: RenderParameters, fit?: { width: number; height: number }): Buffer | Refusal {
  const frames = pixelFrames(dataset);
  if (!frames.ok) return { status: 404, error: 'no-frames', message: frames.message };
  if (frames.frames.kind === 'encapsulated') {
    return notAcceptable('this image is held compressed; rendering compressed images waits for the pixel codecs (frames are available in their compressed form)');
  }
  const problem = renderingProblem(frames.frames.facts);
  if (problem !== undefined) return notAcceptable(`${problem}; other images wait for the pixel codecs`);
  const outside = framesWithin([frameNumber], frames.frames);
  if (outside !== undefined) return outside;
  const window = parameters.window ?? datasetWindow(dataset);
  let image = renderMonochrome(frames.frames.frame(frameNumber - 1), frames.frames.facts, { window, rescale: rescaleOf(dataset) });
  const box = parameters.viewport ?? fit;
  if (box !== undefined) image = fitWithin(image, box.width, box.height);
  return encodeGreyPng(image);
}
