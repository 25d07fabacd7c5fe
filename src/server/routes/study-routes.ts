import type { FastifyInstance } from 'fastify';
import { SENSITIVITY_LEVELS } from '../../access/sensitivity-level.js';
import type { ActorDeps } from '../../gateway/actor-for-user.js';
import { STUDY_LEVEL_REASONS, setStudyLevel } from '../../gateway/set-study-level.js';
import { MAX_STUDIES_PER_ACCESS_QUERY, studyAccess } from '../../gateway/study-access.js';
import type { Clock } from '../../audit/clock.js';
import type { IndexStore } from '../../storage/index-store.js';
import { dicomwebActor } from '../../dicomweb/dicomweb-actor.js';
import { sendRefusal, sessionOf } from '../http-context.js';
import { errorResponses } from './schemas.js';

interface LevelBody {
  level: number;
  reason: string;
}

/** PS3.5 9.1, as audit events accept a UID (audit/event/validate-audit-event.ts). */
const studyParamsSchema = {
  type: 'object',
  properties: { study: { type: 'string', maxLength: 64, pattern: '^(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*$', description: 'Study Instance UID' } },
  required: ['study'],
  additionalProperties: false,
} as const;

const UID_PATTERN = '^(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*$';

const studyAccessSchema = {
  type: 'object',
  properties: {
    studyUid: { type: 'string' },
    known: { type: 'boolean', description: 'false for a study that does not exist or is hidden from you: nothing more is said of it' },
    view: { type: 'string', enum: ['full', 'masked', 'denied'] },
    export: { type: 'string', enum: ['full', 'masked', 'denied'] },
    requestable: { type: 'boolean', description: 'a request (docs/requests.md) could give you more than you have now' },
    reasons: { type: 'array', items: { type: 'string' } },
    grantId: { type: 'string' },
    breakGlassId: { type: 'string' },
  },
  required: ['studyUid', 'known'],
} as const;

/**
 * Study-level decisions of the data security officer, and what the caller may do with some
 * studies (the console's study list); registered when the app serves an index.
 */
export function registerStudyRoutes(app: FastifyInstance, deps: { readonly index: Pick<IndexStore, 'getStudy' | 'setStudyLevel'>; readonly actors: ActorDeps; readonly clock: Clock }): void {
  app.post<{ Body: { studyUids: string[] } }>(
    '/api/studies/access',
    {
      config: { access: { scope: 'dicomweb:read' }, auditType: 'query' },
      schema: {
        summary: 'What you may do with each of these studies: view full, masked or not at all, export, and whether a request could give you more',
        tags: ['studies'],
        body: {
          type: 'object',
          properties: { studyUids: { type: 'array', minItems: 1, maxItems: MAX_STUDIES_PER_ACCESS_QUERY, items: { type: 'string', maxLength: 64, pattern: UID_PATTERN } } },
          required: ['studyUids'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { studies: { type: 'array', items: studyAccessSchema } }, required: ['studies'] }, ...errorResponses(400, 403) },
      },
    },
    async (request, reply) => {
      const found = await dicomwebActor(request.medveil.principal, deps.actors);
      if (found.outcome !== 'found') {
        request.medveil.reason = found.reason;
        request.medveil.denied = true;
        return reply.code(403).send({ error: 'forbidden', message: 'this account cannot act on images' });
      }
      const studies = await studyAccess({ index: deps.index, audit: request.medveil.audit, clock: deps.clock }, found.user, [...new Set(request.body.studyUids)]);
      return { studies };
    },
  );

  app.put<{ Params: { study: string }; Body: LevelBody }>(
    '/api/studies/:study/level',
    {
      config: { access: 'session', auditType: 'policy-change' },
      schema: {
        summary: "Change a study's sensitivity level (data security officers only); the next access decision uses it",
        description:
          'The reason is one of a fixed list, so that no typed text reaches the audit log: ' +
          Object.entries(STUDY_LEVEL_REASONS).map(([code, meaning]) => `${code} (${meaning})`).join('; ') +
          '. Anyone but a data security officer is refused with 403 before the study is looked up.',
        tags: ['studies'],
        params: studyParamsSchema,
        body: {
          type: 'object',
          properties: {
            level: { type: 'integer', enum: [...SENSITIVITY_LEVELS] },
            reason: { type: 'string', enum: Object.keys(STUDY_LEVEL_REASONS) },
          },
          required: ['level', 'reason'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              studyUid: { type: 'string' },
              level: { type: 'integer' },
              previousLevel: { type: ['integer', 'null'], description: 'null when the study had no level' },
            },
            required: ['studyUid', 'level', 'previousLevel'],
          },
          ...errorResponses(400, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const result = await setStudyLevel(
        { index: deps.index, audit: request.medveil.audit },
        { by: sessionOf(request).user, studyUid: request.params.study, level: request.body.level, reason: request.body.reason },
      );
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return { studyUid: request.params.study, level: result.level, previousLevel: result.previous ?? null };
    },
  );
}
