/**
 * WADO-URI (PS3.18 9): `GET /wado?requestType=WADO&studyUID=...&seriesUID=...&objectUID=...`.
 * `contentType=application/dicom` serves the PS3.10 file (9.4, in the transfer syntax of the
 * `transferSyntax` parameter, Explicit VR Little Endian by default, or as stored when it is
 * held compressed); `contentType=image/png` renders it as the rendered resource of WADO-RS
 * does. Without contentType the standard's default is image/jpeg, which MedVeil does not
 * write: 406, naming what it offers. A masked actor gets neither (403); a denied or missing
 * object is 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import type { DicomwebRouteDeps } from './dicomweb-deps.js';
import { isUid } from './dicomweb-paths.js';
import { actingUser, isRefusal, notAcceptable, queryPairs, rawQuery, type Refusal, refuse, refuseAfterRetrieve } from './dicomweb-reply.js';
import { chooseInstanceSyntax } from './representation-choice.js';
import { renderFrame } from './wado-pixel-routes.js';
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
        description: 'PS3.18 9. requestType=WADO, studyUID, seriesUID, objectUID; contentType application/dicom (with transferSyntax) or image/png (with frameNumber, rows, columns, windowCenter, windowWidth).',
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
  if (contentType !== 'application/dicom' && contentType !== 'image/png') {
    return refuse(request, reply, notAcceptable(`contentType ${JSON.stringify(contentType.slice(0, 64))} is not offered: ask for application/dicom or image/png`));
  }
  const render = contentType === 'image/png' ? renderOptions(params) : undefined;
  if (isRefusal(render)) return refuse(request, reply, render);
  const who = await actingUser(request, deps);
  if (isRefusal(who)) return refuse(request, reply, who);
  const result = await retrieveOne(deps, request, who, { studyUid, seriesUid, sopInstanceUid }, { part: 'instance', via: 'wado-uri' });
  if (isRefusal(result)) return refuse(request, reply, result);
  const full = result as FullInstance;

  if (render !== undefined) {
    const png = renderFrame(readDicomFile(full.bytes).dataset, render.frameNumber, render.window === undefined ? {} : { window: render.window }, render.fit);
    if (isRefusal(png)) return refuseAfterRetrieve(request, reply, png);
    return reply.code(200).type('image/png').send(png);
  }
  const asked = params.get('transferSyntax');
  const choice = chooseInstanceSyntax([{ type: 'multipart', subtype: 'related', quality: 1, parameters: new Map(asked === undefined ? [] : [['transfer-syntax', asked]]) }], full.instance.transferSyntaxUid);
  if (!choice.ok) return refuseAfterRetrieve(request, reply, notAcceptable(choice.message));
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
