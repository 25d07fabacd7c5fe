import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BREAK_GLASS_REASON_CODES, MAX_BREAK_GLASS_TEXT, type BreakGlassDeps, type BreakGlassRefusal, type BreakGlassRefusalReason } from '../../gateway/break-glass-deps.js';
import type { SecretSealing } from '../../gateway/account-deps.js';
import { activeBreakGlassSessions } from '../../gateway/active-break-glass-sessions.js';
import { endBreakGlass } from '../../gateway/end-break-glass.js';
import { listBreakGlassReviews, reviewBreakGlass } from '../../gateway/review-break-glass.js';
import { startBreakGlass } from '../../gateway/start-break-glass.js';
import type { BreakGlassRecord } from '../../storage/break-glass-store.js';
import { sessionOf } from '../http-context.js';
import { errorResponses } from './schemas.js';

/** The use cases' deps but the audit appender, which is each request's own (with the caller's address). */
export type BreakGlassRouteDeps = Omit<BreakGlassDeps, 'audit'> & { readonly secrets: SecretSealing };

const STATUS: Readonly<Record<BreakGlassRefusalReason, number>> = {
  'break-glass-role': 403,
  'invalid-break-glass-reason': 400,
  'invalid-break-glass-request': 400,
  'unknown-study': 404,
  'unknown-patient': 404,
  'break-glass-rate-limit': 429,
  'unknown-session': 404,
  'already-ended': 409,
  'not-dso': 403,
  'totp-required': 403,
  'totp-invalid': 401,
  'own-session': 403,
  'already-reviewed': 409,
};

/** Refusals about who asks rather than what they sent; the rate limit is one (the person may not, now). */
const DENY: ReadonlySet<BreakGlassRefusalReason> = new Set(['break-glass-role', 'break-glass-rate-limit', 'not-dso', 'own-session']);

function sendBreakGlassRefusal(request: FastifyRequest, reply: FastifyReply, refusal: BreakGlassRefusal): FastifyReply {
  request.medveil.reason = refusal.reason;
  request.medveil.denied ||= DENY.has(refusal.reason);
  if (refusal.reason === 'totp-invalid') reply.header('www-authenticate', 'Bearer realm="medveil"');
  if (refusal.retryAt !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil((refusal.retryAt - request.medveil.now) / 1000))));
  return reply.code(STATUS[refusal.reason]).send({
    error: refusal.reason,
    message: refusal.message,
    ...(refusal.retryAt === undefined ? {} : { retryAt: new Date(refusal.retryAt).toISOString() }),
  });
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

const sessionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    user: { type: 'string' },
    patientRef: { type: 'string' },
    studyUid: { type: 'string' },
    reasonCode: { type: 'string' },
    reasonText: { type: 'string', description: "the user's own words; shown to data security officers only" },
    departments: { type: 'array', items: { type: 'string' } },
    startedAt: { type: 'string', format: 'date-time' },
    endsAt: { type: 'string', format: 'date-time' },
    endedAt: { type: 'string', format: 'date-time' },
    reviewDueAt: { type: 'string', format: 'date-time' },
    escalatedAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'user', 'patientRef', 'reasonCode', 'startedAt', 'endsAt', 'reviewDueAt'],
} as const;

function sessionView(session: BreakGlassRecord, withText: boolean): Record<string, unknown> {
  return {
    id: session.id,
    user: session.userId,
    patientRef: session.patientRef,
    studyUid: session.studyUid,
    reasonCode: session.reasonCode,
    ...(withText ? { reasonText: session.reasonText } : {}),
    departments: session.departments,
    startedAt: iso(session.startedAt),
    endsAt: iso(session.endsAt),
    endedAt: iso(session.endedAt),
    reviewDueAt: iso(session.reviewDueAt),
    escalatedAt: iso(session.escalatedAt),
  };
}

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } },
  required: ['id'],
  additionalProperties: false,
} as const;

/**
 * Break-glass (docs/break-glass.md): a clinician or radiologist opens emergency access to one
 * patient, ends it early; data security officers read the review queue and review. Every
 * answer, refusals included, follows its audit event.
 */
export function registerBreakGlassRoutes(app: FastifyInstance, deps: BreakGlassRouteDeps): void {
  const withAudit = (request: FastifyRequest): BreakGlassDeps & { readonly secrets: SecretSealing } => ({ ...deps, audit: request.medveil.audit });

  app.post<{ Body: { patientRef?: string; studyUid?: string; reasonCode?: string; reasonText?: string; durationMinutes?: number } }>(
    '/api/break-glass',
    {
      config: { access: 'session', auditType: 'break-glass' },
      schema: {
        summary: "Break the glass: full view of one patient's studies now, for at most 4 hours, never export",
        description:
          'Name the patient (patientRef) or one of their studies (studyUid). reasonCode is one of: ' +
          Object.entries(BREAK_GLASS_REASON_CODES).map(([code, meaning]) => `${code} (${meaning})`).join('; ') +
          `; reasonText (1 to ${MAX_BREAK_GLASS_TEXT} characters) says why, for the reviewer. The DSOs and the directors of the patient's departments are notified at once; the session enters the review queue.`,
        tags: ['break-glass'],
        body: {
          type: 'object',
          properties: {
            patientRef: { type: 'string' },
            studyUid: { type: 'string' },
            reasonCode: { type: 'string' },
            reasonText: { type: 'string' },
            durationMinutes: { type: 'integer' },
          },
          additionalProperties: false,
        },
        response: { 201: sessionSchema, ...errorResponses(400, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const result = await startBreakGlass(withAudit(request), {
        by: sessionOf(request).user,
        ...('patientRef' in body ? { patientRef: body.patientRef } : {}),
        ...('studyUid' in body ? { studyUid: body.studyUid } : {}),
        reasonCode: body.reasonCode,
        reasonText: body.reasonText,
        ...('durationMinutes' in body ? { durationMinutes: body.durationMinutes } : {}),
      });
      if (result.outcome === 'refused') return sendBreakGlassRefusal(request, reply, result);
      return reply.code(201).send(sessionView(result.session, false));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/break-glass/:id/end',
    {
      config: { access: 'session', auditType: 'break-glass' },
      schema: {
        summary: 'End a break-glass session early (the user who opened it, or a data security officer)',
        tags: ['break-glass'],
        params: idParams,
        response: { 200: { type: 'object', properties: { id: { type: 'string' }, endedAt: { type: 'string', format: 'date-time' } }, required: ['id', 'endedAt'] }, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const result = await endBreakGlass(withAudit(request), { by: sessionOf(request).user, sessionId: request.params.id });
      if (result.outcome === 'refused') return sendBreakGlassRefusal(request, reply, result);
      return { id: request.params.id, endedAt: iso(result.endedAt) };
    },
  );

  app.get(
    '/api/break-glass',
    {
      config: { access: 'session', auditType: 'query' },
      schema: {
        summary: 'Your own break-glass sessions that are active now, oldest first (to show and end them); anyone signed in, who sees only their own',
        tags: ['break-glass'],
        response: { 200: { type: 'object', properties: { sessions: { type: 'array', items: sessionSchema } }, required: ['sessions'] } },
      },
    },
    async (request) => ({ sessions: (await activeBreakGlassSessions(deps, sessionOf(request).user.name)).map((session) => sessionView(session, false)) }),
  );

  app.get(
    '/api/break-glass/reviews',
    {
      config: { access: 'session', auditType: 'break-glass' },
      schema: {
        summary: 'The break-glass review queue: unreviewed sessions, oldest first (data security officers only)',
        tags: ['break-glass'],
        response: { 200: { type: 'object', properties: { sessions: { type: 'array', items: sessionSchema } }, required: ['sessions'] }, ...errorResponses(403) },
      },
    },
    async (request, reply) => {
      const result = await listBreakGlassReviews(withAudit(request), sessionOf(request).user);
      if (result.outcome === 'refused') return sendBreakGlassRefusal(request, reply, result);
      return { sessions: result.sessions.map((session) => sessionView(session, true)) };
    },
  );

  app.post<{ Params: { id: string }; Body: { totp?: string; outcome?: string; note?: string } }>(
    '/api/break-glass/:id/review',
    {
      config: { access: 'session', auditType: 'break-glass' },
      schema: {
        summary: 'Review a break-glass session as justified or unjustified, with a fresh TOTP code (data security officers only, never their own)',
        tags: ['break-glass'],
        params: idParams,
        body: {
          type: 'object',
          properties: { totp: { type: 'string', maxLength: 16 }, outcome: { type: 'string' }, note: { type: 'string' } },
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', properties: { id: { type: 'string' }, outcome: { type: 'string' }, reviewedAt: { type: 'string', format: 'date-time' } }, required: ['id', 'outcome', 'reviewedAt'] },
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const result = await reviewBreakGlass(withAudit(request), { by: sessionOf(request).user, sessionId: request.params.id, totp: body.totp, outcome: body.outcome, note: body.note });
      if (result.outcome === 'refused') return sendBreakGlassRefusal(request, reply, result);
      const review = result.session.review!;
      return { id: result.session.id, outcome: review.outcome, reviewedAt: iso(review.reviewedAt) };
    },
  );
}
