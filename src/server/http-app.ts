import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { PasswordHashParameters } from '../access/identity/password-hash.js';
import type { SessionVerificationKeys } from '../access/identity/session-token.js';
import { VerifiedSessionCache } from '../access/identity/verified-session-cache.js';
import type { Clock } from '../audit/clock.js';
import type { AuditEventInput } from '../audit/event/audit-event.js';
import type { DicomwebDeps } from '../dicomweb/dicomweb-deps.js';
import { registerDicomwebRoutes } from '../dicomweb/register-dicomweb-routes.js';
import { MedVeilError, internalError } from '../errors.js';
import type { SecretSealing, SessionIssuing } from '../gateway/account-deps.js';
import type { AuditAppender } from '../gateway/audit-actor.js';
import type { AuditTrailDeps } from '../gateway/audit-trail-deps.js';
import type { AccountStore } from '../storage/account-store.js';
import type { RequestPolicy } from '../access/requests/access-request.js';
import type { RequestStore } from '../storage/request-store.js';
import type { LogLevel } from './config.js';
import { corsHeaders } from './cors.js';
import type { RequestContext } from './http-context.js';
import { HttpMetrics } from './http-metrics.js';
import { httpLogOptions } from './log-options.js';
import { type DocumentedRoute } from './openapi.js';
import { requestAuditEvent } from './request-audit.js';
import { resolvePrincipal } from './request-principal.js';
import { decideRouteAccess, type Principal } from './route-access.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerConsoleRoutes } from './routes/console-routes.js';
import { registerOidcRoutes, type OidcRouteDeps } from './routes/oidc-routes.js';
import { registerOperationsRoutes } from './routes/operations-routes.js';
import { registerRequestRoutes } from './routes/request-routes.js';
import { type ExportRouteDeps, registerExportRoutes } from './routes/export-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerStudyRoutes } from './routes/study-routes.js';
import { registerTokenRoutes } from './routes/token-routes.js';

export interface HttpAppDeps {
  readonly accounts: AccountStore;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly sessions: SessionIssuing & { readonly verificationKeys: SessionVerificationKeys };
  readonly secrets: SecretSealing;
  readonly corsOrigins: readonly string[];
  readonly log?: { readonly level: LogLevel; readonly stream?: NodeJS.WritableStream };
  /** Words of this deployment a password may not contain. */
  readonly passwordContextWords?: readonly string[];
  /** Cheaper argon2id for tests only. */
  readonly passwordHashing?: PasswordHashParameters;
  /** Told when the audit log refuses an event, which answers that request with 500. */
  readonly onAuditFailure?: (error: unknown) => void;
  /** The gateway's stores for the DICOMweb routes (src/dicomweb/); without them those routes are not served. */
  readonly dicomweb?: DicomwebDeps;
  /** Sign-in through the hospital's OpenID provider; without it those routes are not served. */
  readonly oidc?: OidcRouteDeps;
  /** Access and export requests and their grants (issue 6); served with the DICOMweb routes, whose index resolves a scope. */
  readonly requests?: { readonly store: RequestStore; readonly policy: RequestPolicy; readonly exportRecipients?: readonly string[] };
  /** Export jobs and their packages (issue 6, docs/exports.md); without them those routes are not served. */
  readonly exports?: ExportRouteDeps;
  /** The audit log's store, search index and public keys for the audit API (docs/audit.md); without them those routes are not served. */
  readonly auditTrail?: AuditTrailDeps;
  /** The built web console (web/dist, docs/console.md), served at /console/; without it those routes are not served. */
  readonly consoleDir?: string;
}

/** The route-facing view of the app's dependencies, and what every route module receives. */
export interface RouteDeps extends HttpAppDeps {
  readonly metrics: HttpMetrics;
  readonly documentedRoutes: readonly DocumentedRoute[];
}

/** JSON API bodies are small; bulk DICOM uploads get their own limit on their routes. */
const API_BODY_LIMIT = 64 * 1024;

/**
 * The HTTP face of the gateway, returned unstarted so tests call it with `app.inject`.
 *
 * Deny by default: every route declares who may call it (route-access.ts) or is refused at
 * registration; credentials are checked before the body is read; an unknown route or method
 * answers 404. Every request, allowed or refused, appends an audit event before its answer is
 * sent; if that append fails the answer is replaced by a 500 and nothing is served.
 */
export function buildHttpApp(deps: HttpAppDeps): FastifyInstance {
  const metrics = new HttpMetrics();
  const documentedRoutes: DocumentedRoute[] = [];
  const corsAllowed = new Set(deps.corsOrigins);
  const verifiedSessions = new VerifiedSessionCache();
  const app = Fastify({
    logger: deps.log === undefined ? false : httpLogOptions(deps.log),
    // One line per request, written when it completes (onResponse below), not one as it arrives and one as it ends.
    disableRequestLogging: true,
    bodyLimit: API_BODY_LIMIT,
    genReqId: () => randomUUID(),
    // Unknown members are refused, not silently dropped; types are not coerced (STYLE.md rule 1).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    // Malformed percent-encoding never reaches the router or the hooks: audit it here.
    frameworkErrors: (error, request, reply) => {
      void answerFrameworkError(deps, metrics, error, request, reply);
    },
  });

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (access === undefined) throw internalError(`route ${route.method} ${route.url} declares no access; every route must say who may call it`);
    for (const method of [route.method].flat()) {
      documentedRoutes.push({ method, url: route.url, access, schema: route.schema as DocumentedRoute['schema'] });
    }
  });

  app.decorateRequest('medveil');

  app.addHook('onRequest', async (request, reply) => {
    const now = deps.clock.now();
    const context: RequestContext = {
      now,
      principal: { kind: 'anonymous' },
      audited: false,
      denied: false,
      reason: undefined,
      audit: requestAppender(deps.audit, request, () => context),
    };
    request.medveil = context;
    reply.headers({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...corsHeaders(request.headers.origin, corsAllowed) });
    context.principal = await resolvePrincipal(request.headers.authorization, {
      accounts: deps.accounts,
      sessionKeys: deps.sessions.verificationKeys,
      issuer: deps.sessions.issuer,
      now,
      sessions: verifiedSessions,
    });
    if (request.is404) return;
    const access = request.routeOptions.config.access;
    if (access === undefined) throw internalError(`route ${request.routeOptions.url} has no access rule`);
    const verdict = decideRouteAccess(access, context.principal, now);
    if (verdict.allowed) return;
    context.denied = true;
    context.reason = verdict.reason;
    if (verdict.status === 401) reply.header('www-authenticate', `Bearer realm="medveil"${verdict.error === 'invalid-token' ? ', error="invalid_token"' : ''}`);
    await reply.code(verdict.status).send({ error: verdict.error, message: verdict.message });
    return reply;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const context = request.medveil as RequestContext | undefined;
    if (context === undefined) return payload;
    if (context.audited && reply.statusCode < 500) return payload;
    try {
      await context.audit.append(
        requestAuditEvent({
          method: request.method,
          route: request.is404 ? undefined : request.routeOptions.url,
          path: request.url,
          status: reply.statusCode,
          principal: context.principal,
          address: request.ip,
          requestId: String(request.id),
          denied: context.denied,
          reason: context.reason,
          auditType: request.is404 ? undefined : request.routeOptions.config.auditType,
        }),
      );
      return payload;
    } catch (error) {
      return auditFailed(deps, metrics, request, reply, error);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    metrics.countRequest(request.method, request.is404 ? undefined : request.routeOptions.url, reply.statusCode);
    const line = { req: request, res: reply, responseTime: Math.round(reply.elapsedTime) };
    if (!request.is404 && request.routeOptions.config.requestLog === 'debug' && reply.statusCode < 400) request.log.debug(line, 'request completed');
    else request.log.info(line, 'request completed');
  });

  app.setNotFoundHandler(async (request, reply) => {
    request.medveil.denied = true;
    request.medveil.reason = 'unknown-route';
    return reply.code(404).send({ error: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  app.setErrorHandler(async (error, request, reply) => {
    const context = request.medveil as RequestContext | undefined;
    const status = httpStatusOf(error);
    if (context !== undefined) context.reason = errorReason(error, status);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    // The 500's own event is tried in onSend, which counts the failure once per request.
    if (status === 500 && error instanceof MedVeilError && error.code === 'audit') {
      return reply.code(500).send({ error: 'audit-unavailable', message: 'the audit log cannot record this request, so it is refused' });
    }
    if (status >= 500) return reply.code(500).send({ error: 'internal', message: 'internal error; the server log has the details' });
    return reply.code(status).send({ error: errorReason(error, status), message: clientMessage(error, status) });
  });

  const routeDeps: RouteDeps = { ...deps, metrics, documentedRoutes };
  registerOperationsRoutes(app, routeDeps);
  registerSessionRoutes(app, routeDeps);
  registerAccountRoutes(app, routeDeps);
  registerTokenRoutes(app, routeDeps);
  if (deps.oidc !== undefined) registerOidcRoutes(app, routeDeps, deps.oidc);
  if (deps.auditTrail !== undefined) registerAuditRoutes(app, deps.auditTrail);
  if (deps.consoleDir !== undefined) registerConsoleRoutes(app, { consoleDir: deps.consoleDir });
  if (deps.dicomweb !== undefined) {
    registerStudyRoutes(app, {
      index: deps.dicomweb.index,
      clock: deps.clock,
      actors: { accounts: deps.accounts, grants: deps.dicomweb.grants, ...(deps.dicomweb.breakGlass === undefined ? {} : { breakGlass: deps.dicomweb.breakGlass }) },
    });
    registerDicomwebRoutes(app, { ...deps.dicomweb, accounts: deps.accounts, clock: deps.clock });
    if (deps.requests !== undefined) {
      registerRequestRoutes(app, {
        requests: deps.requests.store,
        policy: deps.requests.policy,
        accounts: deps.accounts,
        clock: deps.clock,
        secrets: deps.secrets,
        index: deps.dicomweb.index,
        actors: { accounts: deps.accounts, grants: deps.dicomweb.grants },
        ...(deps.requests.exportRecipients === undefined ? {} : { exportRecipients: deps.requests.exportRecipients }),
      });
    }
    if (deps.exports !== undefined) registerExportRoutes(app, deps.exports);
  }
  return app;
}

/** The appender a use case gets for one request: adds the caller's address and the request id, marks it audited. */
function requestAppender(audit: AuditAppender, request: FastifyRequest, context: () => RequestContext): AuditAppender {
  return {
    append: async (event: AuditEventInput) => {
      const result = await audit.append({
        ...event,
        actor: { ...event.actor, address: request.ip },
        detail: { ...event.detail, request: String(request.id) },
      });
      context().audited = true;
      return result;
    },
  };
}

function auditFailed(deps: HttpAppDeps, metrics: HttpMetrics, request: FastifyRequest, reply: FastifyReply, error: unknown): string {
  metrics.countAuditFailure();
  deps.onAuditFailure?.(error);
  request.log.error({ err: error instanceof Error ? error : new Error(String(error)) }, 'audit append failed; the answer was replaced by a 500');
  // Whatever the route prepared is dropped: nothing is served that was not recorded.
  for (const name of Object.keys(reply.getHeaders())) if (name !== 'x-content-type-options') reply.removeHeader(name);
  // A route may have set the cache headers of what it meant to serve (pixel-cache-headers.ts); an error is never kept.
  reply.code(500).header('cache-control', 'no-store').header('content-type', 'application/json; charset=utf-8');
  return JSON.stringify({ error: 'audit-unavailable', message: 'the audit log cannot record this request, so it is refused' });
}

async function answerFrameworkError(deps: HttpAppDeps, metrics: HttpMetrics, error: Error, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const principal: Principal = { kind: 'anonymous' };
  try {
    await deps.audit.append(
      requestAuditEvent({
        method: request.method,
        route: undefined,
        path: request.url,
        status: 400,
        principal,
        address: request.ip,
        requestId: String(request.id),
        denied: true,
        reason: 'malformed-url',
      }),
    );
  } catch (cause) {
    metrics.countAuditFailure();
    deps.onAuditFailure?.(cause);
    metrics.countRequest(request.method, undefined, 500);
    await reply.code(500).send({ error: 'audit-unavailable', message: 'the audit log cannot record this request, so it is refused' });
    return;
  }
  metrics.countRequest(request.method, undefined, 400);
  await reply.code(400).send({ error: 'malformed-url', message: `the path is not valid percent-encoding (${error.name})` });
}

function httpStatusOf(error: unknown): number {
  if (error instanceof MedVeilError) return error.code === 'internal' || error.code === 'audit' || error.code === 'storage' || error.code === 'crypto' || error.code === 'key' ? 500 : 400;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function errorReason(error: unknown, status: number): string {
  if ((error as { validation?: unknown }).validation !== undefined) return 'invalid-request';
  if (status === 413) return 'body-too-large';
  if (status === 415) return 'unsupported-media-type';
  if (status >= 500) return 'internal';
  return 'bad-request';
}

// Validation messages name the field, never its value. Other parser messages may quote the
// body (JSON.parse does), which can hold a password: they are not repeated.
function clientMessage(error: unknown, status: number): string {
  if ((error as { validation?: unknown }).validation !== undefined && error instanceof Error) return error.message;
  if (error instanceof MedVeilError) return error.hint === undefined ? error.message : `${error.message}; ${error.hint}`;
  if (status === 413) return 'the body is too large';
  if (status === 415) return 'send a JSON body with content-type: application/json';
  return 'the request is malformed';
}
