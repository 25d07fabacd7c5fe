import type { FastifyInstance } from 'fastify';
import { SENSITIVITY_LEVELS } from '../../access/sensitivity-level.js';
import { STUDY_LEVEL_REASONS, setStudyLevel } from '../../gateway/set-study-level.js';
import type { IndexStore } from '../../storage/index-store.js';
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

/** Study-level decisions of the data security officer; registered when the app serves an index. */
export function registerStudyRoutes(app: FastifyInstance, deps: { readonly index: Pick<IndexStore, 'getStudy' | 'setStudyLevel'> }): void {
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
