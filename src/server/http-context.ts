import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '../access/identity/session-token.js';
import type { AuditEventType } from '../audit/event/audit-event.js';
import { internalError } from '../errors.js';
import type { AccountRefusal, AccountRefusalReason } from '../gateway/account-refusal.js';
import type { AuditAppender } from '../gateway/audit-actor.js';
import type { UserRecord } from '../storage/account-store.js';
import type { Principal, RouteAccess } from './route-access.js';

/** What the HTTP layer keeps about one request, from its first hook to its audit event. */
export interface RequestContext {
  /** When the request arrived, from the server's clock (ms since the epoch). */
  readonly now: number;
  principal: Principal;
  /** Records an event for this request, with the caller's address; marks the request as audited. */
  readonly audit: AuditAppender;
  /** Whether a use case recorded this request's event, so the generic one is not needed. */
  audited: boolean;
  /** A refusal for who asked or what they asked for: the request's event is a `deny`. */
  denied: boolean;
  reason: string | undefined;
}

declare module 'fastify' {
  /** OpenAPI fields of a route schema, published by openapi.ts; Fastify itself ignores them. */
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: string[];
  }
  interface FastifyContextConfig {
    /** Who may call the route (route-access.ts); a route without it is not registered. */
    access?: RouteAccess;
    /** The event type of the route's requests when no use case records one (default `query`). */
    auditType?: AuditEventType;
    /**
     * `debug` for a hot read path whose answers /metrics counts: its successful requests are
     * logged at debug level, its refusals and failures at info like every other request.
     */
    requestLog?: 'debug';
  }
  interface FastifyRequest {
    medveil: RequestContext;
  }
}

/** The signed-in person of a request whose route required a session. */
export function sessionOf(request: FastifyRequest): { user: UserRecord; session: Session } {
  const { principal } = request.medveil;
  if (principal.kind !== 'session') throw internalError(`route ${request.routeOptions.url} ran without a session`);
  return principal;
}

/** HTTP status of each account refusal (gateway/account-refusal.ts). */
const REFUSAL_STATUS: Readonly<Record<AccountRefusalReason, number>> = {
  'not-admin': 403,
  'self-change': 403,
  'invalid-user-name': 400,
  'name-taken': 409,
  'unknown-user': 404,
  'invalid-roles': 400,
  'unknown-department': 400,
  'invalid-department': 400,
  'weak-password': 400,
  'not-a-care-role': 400,
  'invalid-patient-ref': 400,
  'unknown-care-relationship': 404,
  'care-relationship-exists': 409,
  'invalid-token-request': 400,
  'unknown-token': 404,
  'already-revoked': 409,
  'already-enrolled': 409,
  'no-pending-enrolment': 409,
  'totp-invalid': 401,
  'already-bootstrapped': 409,
  'no-bootstrap-code': 403,
  'bootstrap-code-wrong': 403,
  'bootstrap-code-malformed': 403,
  'bootstrap-code-expired': 403,
  'bootstrap-code-used': 403,
  'bootstrap-code-exhausted': 403,
  'invalid-credentials': 401,
  'account-locked': 401,
  'totp-required': 401,
  'wrong-password': 403,
  'not-dso': 403,
  'invalid-level': 400,
  'invalid-level-reason': 400,
  'unknown-study': 404,
  'mfa-role-token': 403,
  'oidc-state-invalid': 400,
  'oidc-refused': 401,
  'oidc-no-account': 403,
  'oidc-unavailable': 502,
  'mfa-ticket-invalid': 401,
  'invalid-oidc-identity': 400,
  'oidc-identity-taken': 409,
};

/** Refusals that are about who asks, not about what they sent: recorded as `deny` events. */
const DENY_REASONS: ReadonlySet<AccountRefusalReason> = new Set([
  'not-admin',
  'self-change',
  'not-dso',
  'mfa-role-token',
  'no-bootstrap-code',
  'bootstrap-code-wrong',
  'bootstrap-code-malformed',
  'bootstrap-code-expired',
  'bootstrap-code-used',
  'bootstrap-code-exhausted',
]);

/** Answers a use case's refusal: its status, a body with the reason and what to do. */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply, refusal: AccountRefusal): FastifyReply {
  request.medveil.reason = refusal.reason;
  request.medveil.denied ||= DENY_REASONS.has(refusal.reason);
  const status = REFUSAL_STATUS[refusal.reason];
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="medveil"');
  if (refusal.retryAt !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil((refusal.retryAt - request.medveil.now) / 1000))));
  return reply.code(status).send({
    error: refusal.reason,
    message: refusal.message,
    ...(refusal.problems === undefined ? {} : { problems: refusal.problems }),
    ...(refusal.retryAt === undefined ? {} : { retryAt: new Date(refusal.retryAt).toISOString() }),
  });
}

/** The JSON Schema of every error body, for the OpenAPI document. */
export const errorBodySchema = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    problems: { type: 'array', items: { type: 'string' } },
    retryAt: { type: 'string', format: 'date-time' },
  },
  required: ['error', 'message'],
} as const;
