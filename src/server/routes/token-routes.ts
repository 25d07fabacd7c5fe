import type { FastifyInstance } from 'fastify';
import { apiTokenScopes, apiTokenStatus } from '../../access/identity/api-token.js';
import { createApiToken } from '../../gateway/create-api-token.js';
import { revokeApiToken } from '../../gateway/revoke-api-token.js';
import type { StoredApiToken } from '../../storage/account-store.js';
import { sendRefusal, sessionOf } from '../http-context.js';
import type { RouteDeps } from '../http-app.js';
import { apiTokenViewSchema, emptyResponse, errorResponses } from './schemas.js';
import { useCaseDeps } from './use-case-deps.js';

const tags = ['api tokens'];

function tokenView(token: StoredApiToken, now: number) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: token.id,
    name: token.name,
    scopes: token.scopes,
    status: apiTokenStatus(token, now),
    createdAt: iso(token.createdAt),
    createdBy: token.createdBy,
    expiresAt: iso(token.expiresAt),
    ...(token.revokedAt === undefined ? {} : { revokedAt: iso(token.revokedAt) }),
    ...(token.owner === undefined ? {} : { owner: token.owner }),
  };
}

const tokenIdParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } }, required: ['id'], additionalProperties: false } as const;

const tokenListSchema = { type: 'object', properties: { tokens: { type: 'array', items: apiTokenViewSchema } }, required: ['tokens'] } as const;

/**
 * API tokens for services (api-token.ts, gateway/create-api-token.ts). A person creates,
 * lists and revokes their own under /api/me/tokens; a token acts for them and is shown once.
 * Administrators list and revoke every token, and create none.
 */
export function registerTokenRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get(
    '/api/tokens',
    {
      config: { access: 'admin' },
      schema: { summary: 'List every API token with its owner (never their secrets)', tags, response: { 200: tokenListSchema } },
    },
    async (request) => ({ tokens: (await deps.accounts.listApiTokens()).map((token) => tokenView(token, request.medveil.now)) }),
  );

  app.get(
    '/api/me/tokens',
    {
      config: { access: 'session' },
      schema: { summary: 'List your own API tokens (never their secrets)', tags, response: { 200: tokenListSchema } },
    },
    async (request) => {
      const { user } = sessionOf(request);
      const own = (await deps.accounts.listApiTokens()).filter((token) => token.owner === user.name);
      return { tokens: own.map((token) => tokenView(token, request.medveil.now)) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/me/tokens/:id',
    {
      config: { access: 'session', auditType: 'key-change' },
      schema: { summary: 'Revoke one of your API tokens; it stops working at once', tags, params: tokenIdParams, response: { 204: emptyResponse, ...errorResponses(404, 409) } },
    },
    async (request, reply) => {
      const result = await revokeApiToken(useCaseDeps(deps, request), { by: sessionOf(request).user, tokenId: request.params.id });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return reply.code(204).send();
    },
  );

  app.post<{ Body: { name: string; scopes: string[]; expiresAt: string } }>(
    '/api/me/tokens',
    {
      config: { access: 'session', auditType: 'key-change' },
      schema: {
        summary: 'Create an API token that acts for you, for a service you run; the token is in this answer only',
        description:
          "The token acts with your roles, departments and care relationships as they are at each request, never more, and only within its scopes. " +
          'Accounts whose roles need a second factor (admin, dso, director) cannot own tokens: a token carries no one-time code.',
        tags,
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', maxLength: 64 },
            scopes: { type: 'array', items: { type: 'string', enum: [...apiTokenScopes] }, minItems: 1, maxItems: apiTokenScopes.length },
            expiresAt: { type: 'string', maxLength: 40, description: 'RFC 3339 time, at most 366 days ahead' },
          },
          required: ['name', 'scopes', 'expiresAt'],
          additionalProperties: false,
        },
        response: {
          201: { type: 'object', properties: { token: { type: 'string' }, apiToken: apiTokenViewSchema }, required: ['token', 'apiToken'] },
          ...errorResponses(400, 403),
        },
      },
    },
    async (request, reply) => {
      const expiresAt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(request.body.expiresAt) ? Date.parse(request.body.expiresAt) : NaN;
      const result = await createApiToken(useCaseDeps(deps, request), {
        by: sessionOf(request).user,
        name: request.body.name,
        scopes: request.body.scopes,
        expiresAt: Number.isNaN(expiresAt) ? undefined : expiresAt,
      });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return reply.code(201).send({ token: result.token, apiToken: tokenView(result.record, request.medveil.now) });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/tokens/:id',
    {
      config: { access: 'admin', auditType: 'key-change' },
      schema: {
        summary: "Revoke anyone's API token; it stops working at once",
        tags,
        params: tokenIdParams,
        response: { 204: emptyResponse, ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await revokeApiToken(useCaseDeps(deps, request), { by: sessionOf(request).user, tokenId: request.params.id });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return reply.code(204).send();
    },
  );
}
