/**
 * WADO-URI (PS3.18 9): `GET /wado?requestType=WADO&studyUID=...&seriesUID=...&objectUID=...`.
 * `contentType=application/dicom` serves the PS3.10 file (9.4, in the transfer syntax of the
 * `transferSyntax` parameter, Explicit VR Little Endian by default, or as stored when it is
 * held compressed); `contentType=image/jpeg` (the standard's default) or `image/png` renders it
 * as the rendered resource of WADO-RS does. A masked actor gets the masked file (Explicit VR
 * Little Endian only) or a rendering of the masked frame; a denied or missing object is 404.
 * Cache headers as pixel-cache-headers.ts says.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import type { DicomwebRouteDeps } from './dicomweb-deps.js';
import { isUid } from './dicomweb-paths.js';
import { actingUser, isRefusal, notAcceptable, queryPairs, rawQuery, type Refusal, refuse, refuseAfterRetrieve } from './dicomweb-reply.js';
import { chooseInstanceSyntax } from './representation-choice.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../dicom/transfer-syntax.js';
import { fullEtag, maskedEtag, matchesIfNoneMatch, sendNotModified, setFullCacheHeaders, setMaskedCacheHeaders } from './pixel-cache-headers.js';
import { serveRendered } from './wado-pixel-routes.js';
import { type FullInstance, instanceBytes, retrieveOne } from './wado-retrieval.js';

export const WADO_URI_PATH = '/wado';

/** PS3.18 Table 9.1.2-2 and 9.4.1-1/9.5.1-1: accepted; those not listed here are refused by name. */
const KNOWN = new Set(['requestType', 'studyUID', 'seriesUID', 'objectUID', 'contentType', 'charset', 'transferSyntax', 'frameNumber', 'rows', 'columns', 'windowCenter', 'windowWidth', 'imageQuality']);

export function registerWadoUriRoute(app: FastifyInstance, deps: DicomwebRouteDeps): void {
  app.get(
    WADO_URI_PATH,
    {
      config: { access: { scope: 'dicomweb:read' }, auditType: 'view', requestLog: 'debug' },
      schema: {
        summary: 'Retrieve an instance (WADO-URI)',
        description: 'PS3.18 9. requestType=WADO, studyUID, seriesUID, objectUID; contentType application/dicom (with transferSyntax), image/jpeg or image/png (with frameNumber, rows, columns, windowCenter, windowWidth).',
        tags: ['dicomweb'],
      },
    },
    (request, reply) => wadoUri(deps, request, reply),
  );
}

async function wadoUri(deps: DicomwebRouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const params = parameters(rawQuery(request));
  if (isRefusal(params)) return refuse(request, reply, params);
  if (params.get('requestType') !== 'WADO') return refuse(request, reply, { status: 400, error: 'invalid-query', message: 'requestType must be WADO (PS3.18 9.1.2.1.1)' });
  const studyUid = params.get('studyUID');
  const seriesUid = params.get('seriesUID');
  const sopInstanceUid = params.get('objectUID');
  if (!isUid(studyUid) || !isUid(seriesUid) || !isUid(sopInstanceUid)) {
    return refuse(request, reply, { status: 400, error: 'invalid-uid', message: 'studyUID, seriesUID and objectUID must each be one UID (PS3.5 9.1)', deny: true });
  }
  const contentType = params.get('contentType') ?? 'image/jpeg';
  if (contentType !== 'application/dicom' && contentType !== 'image/png' && contentType !== 'image/jpeg') {
    return refuse(request, reply, notAcceptable(`contentType ${JSON.stringify(contentType.slice(0, 64))} is not offered: ask for application/dicom, image/jpeg or image/png`));
  }
  if (contentType !== 'application/dicom') {
    const render = renderOptions(params);
    if (isRefusal(render)) return refuse(request, reply, render);
    return serveRendered(deps, request, reply, {
      path: { studyUid, seriesUid, sopInstanceUid },
      render: { ...render, mediaType: contentType },
      representation: `wado-uri;${rawQuery(request)}`,
      via: 'wado-uri',
    });
  }
  const who = await actingUser(request, deps);
  if (isRefusal(who)) return refuse(request, reply, who);
  const result = await retrieveOne(deps, request, who, { studyUid, seriesUid, sopInstanceUid }, { part: 'instance', via: 'wado-uri', maskedPixels: { kind: 'instance' } });
  if (isRefusal(result)) return refuse(request, reply, result);
  const asked = params.get('transferSyntax');
  const accepted = [{ type: 'multipart', subtype: 'related', quality: 1, parameters: new Map(asked === undefined ? [] : [['transfer-syntax', asked]]) }];
  if (result.outcome === 'masked-pixels') {
    const choice = chooseInstanceSyntax(accepted, EXPLICIT_VR_LITTLE_ENDIAN);
    if (!choice.ok || choice.value !== EXPLICIT_VR_LITTLE_ENDIAN) {
      return refuseAfterRetrieve(request, reply, notAcceptable(`a masked object is served in Explicit VR Little Endian (${EXPLICIT_VR_LITTLE_ENDIAN}) only`));
    }
    setMaskedCacheHeaders(reply, maskedEtag(result.parts, result.blockSize));
    return reply.code(200).type('application/dicom').send(result.parts[0]);
  }
  const full = result as FullInstance;
  const choice = chooseInstanceSyntax(accepted, full.instance.transferSyntaxUid);
  if (!choice.ok) return refuseAfterRetrieve(request, reply, notAcceptable(choice.message));
  const etag = fullEtag(full.storedSha256, `wado-uri;application/dicom;${choice.value}`);
  if (matchesIfNoneMatch(request, etag)) return sendNotModified(reply, etag);
  setFullCacheHeaders(reply, etag);
  const chunks = instanceBytes(full, choice.value);
  return reply.code(200).type('application/dicom').send(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
}

function parameters(query: string): Map<string, string> | Refusal {
  const pairs = queryPairs(query);
  if (isRefusal(pairs)) return pairs;
  const out = new Map<string, string>();
  for (const [name, value] of pairs) {
    const shown = JSON.stringify(name.slice(0, 64));
    if (!KNOWN.has(name)) return { status: 400, error: 'invalid-query', message: `parameter ${shown} is not supported (PS3.18 9.1.2; names are case-sensitive)` };
    if (out.has(name)) return { status: 400, error: 'invalid-query', message: `parameter ${shown} is given more than once` };
    out.set(name, value);
  }
  return out;
}

function renderOptions(params: ReadonlyMap<string, string>): { frameNumber: number; window?: { center: number; width: number }; fit?: { width: number; height: number } } | Refusal {
  const whole = (name: string): number | undefined | Refusal => {
    const value = params.get(name);
    if (value === undefined) return undefined;
    return /^[1-9][0-9]{0,8}$/.test(value) ? Number(value) : { status: 400, error: 'invalid-query', message: `${name} must be a whole number from 1` };
  };
  const frameNumber = whole('frameNumber');
  const rows = whole('rows');
  const columns = whole('columns');
  for (const value of [frameNumber, rows, columns]) if (isRefusal(value)) return value;
  const center = params.get('windowCenter');
  const width = params.get('windowWidth');
  let window: { center: number; width: number } | undefined;
  if (center !== undefined || width !== undefined) {
    const c = Number(center);
    const w = Number(width);
    if (center === undefined || width === undefined || !Number.isFinite(c) || !Number.isFinite(w) || w < 1 || center.trim() === '' || width.trim() === '') {
      return { status: 400, error: 'invalid-query', message: 'windowCenter and windowWidth come together, as numbers, the width at least 1' };
    }
    window = { center: c, width: w };
  }
  const fit = rows === undefined && columns === undefined ? undefined : { width: (columns as number | undefined) ?? 99_999, height: (rows as number | undefined) ?? 99_999 };
  return { frameNumber: (frameNumber as number | undefined) ?? 1, ...(window === undefined ? {} : { window }), ...(fit === undefined ? {} : { fit }) };
}
