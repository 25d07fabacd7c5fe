import type { FastifySchema } from 'fastify';
import type { RouteAccess } from './route-access.js';

/** A route as registered, with the schema Fastify validates it by. */
export interface DocumentedRoute {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
  readonly schema: FastifySchema | undefined;
}

type JsonObject = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0) of the registered routes,
 * generated from the same JSON Schemas Fastify validates requests and serialises responses
 * with, so the document cannot drift from what the server enforces. OpenAPI 3.1 schemas are
 * JSON Schema, so they are copied as they are.
 */
export function openApiDocument(routes: readonly DocumentedRoute[], info: { title: string; version: string }): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    if (route.method === 'HEAD' || route.method === 'OPTIONS' || route.url.includes('*')) continue;
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation: JsonObject = {
      ...(route.schema?.summary === undefined ? {} : { summary: route.schema.summary }),
      ...(route.schema?.description === undefined ? {} : { description: route.schema.description }),
      ...(route.schema?.tags === undefined ? {} : { tags: route.schema.tags }),
      'x-medveil-access': typeof route.access === 'string' ? route.access : `scope:${route.access.scope}`,
      ...(route.access === 'public' ? { security: [] } : {}),
    };
    const parameters = [...parametersOf(route.schema?.params, 'path'), ...parametersOf(route.schema?.querystring, 'query')];
    if (parameters.length > 0) operation.parameters = parameters;
    if (route.schema?.body !== undefined) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: route.schema.body } } };
    }
    operation.responses = responsesOf(route.schema?.response, route.access);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A session token from POST /api/login, or an API token (mv_...) where a route takes one.' },
      },
    },
    security: [{ bearer: [] }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
  };
}

function parametersOf(schema: unknown, where: 'path' | 'query'): JsonObject[] {
  const object = schema as { properties?: Record<string, JsonObject>; required?: string[] } | undefined;
  if (object?.properties === undefined) return [];
  return Object.entries(object.properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}

function responsesOf(response: unknown, access: RouteAccess): JsonObject {
  const out: JsonObject = {};
  for (const [status, schema] of Object.entries((response ?? {}) as Record<string, JsonObject>)) {
    const { description, ...body } = schema as JsonObject & { description?: string };
    const empty = Object.keys(body).length === 0 || body.type === 'null';
    out[status] = { description: description ?? `status ${status}`, ...(empty ? {} : { content: { 'application/json': { schema: body } } }) };
  }
  if (access !== 'public') {
    out['401'] ??= { description: 'no valid credentials' };
    out['403'] ??= { description: 'the credentials do not allow this' };
  }
  return out;
}
