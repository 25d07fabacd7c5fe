/**
 * QIDO-RS (PS3.18 10.6): the six search resources, answered by the search-index use case,
 * which decides visibility inside the index before paging and records one `query` event per
 * search. A denied study is absent from every answer, including the counts and the paging
 * headers; a search scoped to a study the actor may not see is answered exactly as one scoped
 * to a study that does not exist (204, no content).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { stringifyDicomJson } from '../dicom/json/index.js';
import { decodeQueryString, parseQidoQuery, type FindQuery, type QueryLevel, type QueryScope } from '../dicom/query/index.js';
import { MedVeilError } from '../errors.js';
import { recordRefusedSearch, searchIndex } from '../gateway/search-index.js';
import type { DicomwebRouteDeps } from './dicomweb-deps.js';
import { baseUrlOf, DICOMWEB_PREFIX } from './dicomweb-paths.js';
import { acceptedRanges, accepts, actingUser, isRefusal, notAcceptable, pathUids, rawQuery, refuse } from './dicomweb-reply.js';
import { searchMatchToJson } from './qido-response.js';

interface SearchResource {
  readonly url: string;
  readonly level: QueryLevel;
  readonly scope: readonly ('study' | 'series')[];
  readonly summary: string;
}

const RESOURCES: readonly SearchResource[] = [
  { url: '/studies', level: 'study', scope: [], summary: 'Search for studies (QIDO-RS)' },
  { url: '/series', level: 'series', scope: [], summary: 'Search for series in all studies (QIDO-RS)' },
  { url: '/studies/:study/series', level: 'series', scope: ['study'], summary: "Search for a study's series (QIDO-RS)" },
  { url: '/instances', level: 'instance', scope: [], summary: 'Search for instances in all studies (QIDO-RS)' },
  { url: '/studies/:study/instances', level: 'instance', scope: ['study'], summary: "Search for a study's instances (QIDO-RS)" },
  { url: '/studies/:study/series/:series/instances', level: 'instance', scope: ['study', 'series'], summary: "Search for a series' instances (QIDO-RS)" },
];

const DICOM_JSON = 'application/dicom+json';

export function registerQidoRoutes(app: FastifyInstance, deps: DicomwebRouteDeps): void {
  for (const resource of RESOURCES) {
    app.get(
      DICOMWEB_PREFIX + resource.url,
      {
        config: { access: { scope: 'dicomweb:read' }, auditType: 'query', requestLog: 'debug' },
        schema: {
          summary: resource.summary,
          description: 'PS3.18 10.6. Matching keys, includefield, limit, offset and fuzzymatching as docs/query.md describes; 204 when nothing matches.',
          tags: ['dicomweb'],
          ...(resource.scope.length === 0 ? {} : { params: uidParams(resource.scope) }),
        },
      },
      (request, reply) => search(resource, deps, request, reply),
    );
  }
}

function uidParams(names: readonly string[]) {
  return { type: 'object', properties: Object.fromEntries(names.map((name) => [name, { type: 'string', description: `${name} instance UID` }])), required: [...names] };
}

async function search(resource: SearchResource, deps: DicomwebRouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const uids = pathUids(request.params as Record<string, unknown>, resource.scope);
  if (isRefusal(uids)) return refuse(request, reply, uids);
  const ranges = acceptedRanges(request);
  if (ranges === undefined || !(accepts(ranges, 'application', 'dicom+json') || accepts(ranges, 'application', 'json'))) {
    return refuse(request, reply, notAcceptable(`QIDO-RS answers ${DICOM_JSON}; send Accept: ${DICOM_JSON}`));
  }
  const who = await actingUser(request, deps);
  if (isRefusal(who)) return refuse(request, reply, who);

  const scope: QueryScope = {
    ...(uids.study === undefined ? {} : { studyUid: uids.study }),
    ...(uids.series === undefined ? {} : { seriesUid: uids.series }),
  };
  let query: FindQuery;
  try {
    query = parseQidoQuery(resource.level, decodeQueryString(rawQuery(request)), { scope });
  } catch (error) {
    if (!(error instanceof MedVeilError) || error.code !== 'http') throw error;
    await recordRefusedSearch(request.medveil.audit, who.auditActor, 'qido-rs', error.message);
    return refuse(request, reply, { status: 400, error: 'invalid-query', message: error.hint === undefined ? error.message : `${error.message}; ${error.hint}` });
  }

  const result = await searchIndex(
    { index: deps.index, audit: request.medveil.audit, clock: deps.clock },
    who,
    { query, via: 'qido-rs', maxResults: deps.limits.maxQidoResults, countRemaining: true },
  );
  const warnings = query.warnings.map((warning) => `299 medveil "${warning === 'emptyvaluematching-unsupported' ? 'empty value matching' : 'multiple value matching'} is not supported; the key was matched as given"`);
  if (result.more) {
    const remaining = result.remaining === undefined ? 'more results' : `${result.remaining} more result${result.remaining === 1 ? '' : 's'}`;
    warnings.push(`299 medveil "the response is limited; ${remaining} can be requested with offset=${query.offset + result.matches.length}"`);
  }
  if (warnings.length > 0) reply.header('warning', warnings);
  if (result.matches.length === 0) return reply.code(204).send();
  const baseUrl = baseUrlOf(request);
  const body = result.matches.map((match) => searchMatchToJson(match, { level: resource.level, returnKeys: query.returnKeys, baseUrl }));
  return reply.code(200).type(DICOM_JSON).send(stringifyDicomJson(body));
}
