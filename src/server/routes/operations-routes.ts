import type { FastifyInstance } from 'fastify';
import { preflightHeaders } from '../cors.js';
import type { RouteDeps } from '../http-app.js';
import { openApiDocument } from '../openapi.js';

const OPENAPI_INFO = { title: 'MedVeil gateway API', version: '0.1.0' };

/** Health, metrics, the OpenAPI document, and CORS preflights. */
export function registerOperationsRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const corsAllowed = new Set(deps.corsOrigins);

  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Liveness: the server answers and can record audit events',
        tags: ['operations'],
        response: { 200: { type: 'object', properties: { status: { type: 'string', const: 'ok' } }, required: ['status'] } },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/metrics',
    { config: { access: 'public' }, schema: { summary: 'Prometheus metrics (text format 0.0.4)', tags: ['operations'] } },
    async (_request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(deps.metrics.render()),
  );

  let document: string | undefined;
  app.get(
    '/openapi.json',
    { config: { access: 'public' }, schema: { summary: 'This OpenAPI 3.1 document', tags: ['operations'] } },
    async (_request, reply) => {
      document ??= JSON.stringify(openApiDocument(deps.documentedRoutes, OPENAPI_INFO), null, 2);
      return reply.type('application/json; charset=utf-8').send(document);
    },
  );

  app.options('/*', { config: { access: 'public' } }, async (request, reply) => {
    const headers = preflightHeaders(request.headers.origin, corsAllowed);
    if (headers === undefined) {
      request.medveil.denied = true;
      request.medveil.reason = 'origin-not-allowed';
      return reply.code(403).send({ error: 'origin-not-allowed', message: 'this origin is not in http.corsOrigins of the server config' });
    }
    return reply.code(204).headers(headers).send();
  });
}
