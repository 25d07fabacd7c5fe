/**
 * What every DICOMweb route does the same way: refuse with a JSON body that says what to do,
 * marking the request's audit event (a refusal for who asked or what they named is a `deny`),
 * check the UIDs of the path, and find who acts.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeQueryString } from '../dicom/query/index.js';
import { MedVeilError } from '../errors.js';
import type { ActingUser } from '../gateway/actor-for-user.js';
import type { RequestContext } from '../server/http-context.js';
import { dicomwebActor } from './dicomweb-actor.js';
import type { DicomwebRouteDeps } from './dicomweb-deps.js';
import { isUid, type ResourcePath } from './dicomweb-paths.js';
import { type MediaRange, parseAccept, rangeCovers } from './media-type.js';

export interface Refusal {
  readonly status: number;
  /** A short code for clients and the audit event (`reason`). */
  readonly error: string;
  readonly message: string;
  /** Whether the refusal is about who asked or what they named (a `deny` event), not a malformed request. */
  readonly deny?: boolean;
}

export function refuse(request: FastifyRequest, reply: FastifyReply, refusal: Refusal): FastifyReply {
  const context: RequestContext = request.medveil;
  context.reason = refusal.error;
  context.denied ||= refusal.deny === true;
  return reply.code(refusal.status).type('application/json; charset=utf-8').send({ error: refusal.error, message: refusal.message });
}

/**
 * A refusal after the use case recorded the instance as viewed (a frame past the last, a
 * representation that cannot be served): the request's own event records the refusal too, so
 * the trail does not end at a `view` of something that was not sent.
 */
export function refuseAfterRetrieve(request: FastifyRequest, reply: FastifyReply, refusal: Refusal): FastifyReply {
  request.medveil.audited = false;
  return refuse(request, reply, refusal);
}

/** The one answer for anything the actor may not know exists: the same as for what does not exist. */
export const NOT_FOUND: Refusal = { status: 404, error: 'not-found', message: 'no such resource', deny: true };

/**
 * The UIDs named in the path, or a refusal when one is not a UID. Checked before any lookup, so
 * an encoded separator, a dot segment or a wild card never reaches the index.
 */
export function pathUids<K extends string>(params: Record<K, unknown>, names: readonly K[]): Record<K, string> | Refusal {
  const out = {} as Record<K, string>;
  for (const name of names) {
    const value = params[name];
    if (!isUid(value)) {
      return {
        status: 400,
        error: 'invalid-uid',
        message: `the ${name} in the path is not a UID (PS3.5 9.1: digits and dots, at most 64 characters); encoded separators and dot segments are refused`,
        deny: true,
      };
    }
    out[name] = value;
  }
  return out;
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'status' in value && 'error' in value;
}

/** The acting user of the request, or a refusal (403) when the account can no longer act. */
export async function actingUser(request: FastifyRequest, deps: DicomwebRouteDeps): Promise<ActingUser | Refusal> {
  const found = await dicomwebActor(request.medveil.principal, { accounts: deps.accounts, grants: deps.grants, ...(deps.breakGlass === undefined ? {} : { breakGlass: deps.breakGlass }) });
  if (found.outcome === 'found') return found.user;
  return { status: 403, error: 'forbidden', message: 'this account cannot act on images', deny: true };
}

/** The acceptable media ranges of the request, weight 0 removed; undefined for a malformed header. */
export function acceptedRanges(request: FastifyRequest): readonly MediaRange[] | undefined {
  const header = request.headers.accept;
  const ranges = parseAccept(Array.isArray(header) ? header.join(',') : header);
  return ranges?.filter((range) => range.quality > 0);
}

/** Whether the request accepts `type/subtype` (with any parameters). */
export function accepts(ranges: readonly MediaRange[], type: string, subtype: string): boolean {
  return ranges.some((range) => rangeCovers(range, type, subtype));
}

export function notAcceptable(message: string): Refusal {
  return { status: 406, error: 'not-acceptable', message };
}

/** The raw query string of the request (after "?"), undecoded. */
/** The name and value pairs of a raw query string, or a 400 refusal for malformed percent-encoding. */
export function queryPairs(query: string): Array<[string, string]> | Refusal {
  try {
    return decodeQueryString(query);
  } catch (error) {
    if (error instanceof MedVeilError) return { status: 400, error: 'invalid-query', message: error.message };
    throw error;
  }
}

export function rawQuery(request: FastifyRequest): string {
  const url = request.raw.url ?? request.url;
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

/** The path a request names, or a refusal. */
export function namedPath(request: FastifyRequest, names: readonly ('study' | 'series' | 'instance')[]): ResourcePath | Refusal {
  const uids = pathUids(request.params as Record<string, unknown>, names);
  if (isRefusal(uids)) return uids;
  return {
    studyUid: uids.study,
    ...(uids.series === undefined ? {} : { seriesUid: uids.series }),
    ...(uids.instance === undefined ? {} : { sopInstanceUid: uids.instance }),
  };
}
