import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { linkOidcIdentity } from '../../gateway/link-oidc-identity.js';
import { finishOidcLogin } from '../../gateway/login-oidc.js';
import { beginOidcLogin } from '../../gateway/login-oidc-begin.js';
import type { OidcLoginDeps, OidcSettings } from '../../gateway/login-oidc-deps.js';
import { completeOidcMfa } from '../../gateway/login-oidc-mfa.js';
import { userView } from '../../gateway/user-view.js';
import { sendRefusal, sessionOf } from '../http-context.js';
import type { RouteDeps } from '../http-app.js';
import { emptyResponse, errorResponses, sessionTokenSchema, userNameParamSchema, userViewSchema } from './schemas.js';
import { sessionAnswer } from './session-routes.js';
import { useCaseDeps } from './use-case-deps.js';

/** What the OIDC routes need beyond the other routes' dependencies. */
export interface OidcRouteDeps {
  readonly settings: OidcSettings;
  /** Whether the browser-binding cookie is `Secure`: true when the redirect URL is https. */
  readonly secureCookie: boolean;
}

/**
 * The cookie that ties a provider's answer to the browser that began the sign-in. It is no
 * credential for the API (that stays the bearer token): it only lets the callback tell a
 * login CSRF from a real answer. SameSite=Lax, because the provider sends the browser back by a
 * cross-site top-level GET, which Lax allows and Strict would strip.
 */
const BINDING_COOKIE = 'medveil_oidc';
const COOKIE_PATH = '/api/oidc';

function bindingCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${BINDING_COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The binding cookie's value from a Cookie header (RFC 6265 5.4), or undefined. */
function bindingOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const [name, ...rest] = pair.trim().split('=');
    if (name === BINDING_COOKIE) return rest.join('=');
  }
  return undefined;
}

/** The callback's query exactly as the provider sent it, for openid-client's checks. */
function rawQuery(request: FastifyRequest): URLSearchParams {
  const at = request.url.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : request.url.slice(at + 1));
}

const mfaPendingSchema = {
  type: 'object',
  properties: {
    mfaTicket: { type: 'string', description: 'single use; send it with the TOTP code to POST /api/oidc/mfa' },
    expiresAt: { type: 'string', format: 'date-time' },
    next: { type: 'string' },
  },
  required: ['mfaTicket', 'expiresAt', 'next'],
} as const;

const callbackQuerySchema = {
  type: 'object',
  properties: {
    code: { type: 'string', maxLength: 4096 },
    state: { type: 'string', maxLength: 512 },
    iss: { type: 'string', maxLength: 2048 },
    error: { type: 'string', maxLength: 256 },
    error_description: { type: 'string', maxLength: 2048 },
  },
} as const;

const oidcLinkSchema = {
  type: 'object',
  properties: { linked: { type: 'boolean' }, issuer: { type: 'string' }, subject: { type: 'string' } },
  required: ['linked'],
} as const;

const tags = ['session'];

/**
 * Sign-in through the hospital's OpenID provider (docs/accounts.md), registered only when the
 * `oidc` section of the config is on, and the administrators' routes that link accounts to it.
 */
export function registerOidcRoutes(app: FastifyInstance, deps: RouteDeps, oidc: OidcRouteDeps): void {
  const loginDeps = (request: FastifyRequest): OidcLoginDeps => ({ ...useCaseDeps(deps, request), oidc: oidc.settings });
  const clearBinding = (reply: FastifyReply) => reply.header('set-cookie', bindingCookie('', 0, oidc.secureCookie));

  app.get(
    '/api/oidc/login',
    {
      config: { access: 'public' },
      schema: {
        summary: "Start a sign-in at the hospital's identity provider: redirects the browser there",
        tags,
        response: { 302: { description: "to the provider's authorisation endpoint", type: 'null' }, ...errorResponses(502) },
      },
    },
    async (request, reply) => {
      const result = await beginOidcLogin(loginDeps(request));
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      const maxAge = Math.floor((result.expiresAt - request.medveil.now) / 1000);
      return reply.header('set-cookie', bindingCookie(result.browserBinding, maxAge, oidc.secureCookie)).redirect(result.url.href, 302);
    },
  );

  app.get(
    '/api/oidc/callback',
    {
      config: { access: 'public', auditType: 'login' },
      schema: {
        summary: "The provider's answer: a session token, or a ticket for the TOTP code when the account needs one",
        description:
          'The redirect URL registered at the provider points here, or at a console page that passes its query on to here from the same browser.',
        tags,
        querystring: callbackQuerySchema,
        response: { 200: sessionTokenSchema, 202: mfaPendingSchema, ...errorResponses(400, 401, 403, 502) },
      },
    },
    async (request, reply) => {
      const result = await finishOidcLogin(loginDeps(request), { parameters: rawQuery(request), browserBinding: bindingOf(request) });
      clearBinding(reply);
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      if (result.outcome === 'mfa-pending') {
        return reply.code(202).send({
          mfaTicket: result.ticket,
          expiresAt: new Date(result.expiresAt).toISOString(),
          next: 'send the ticket with the six-digit code of your authenticator app to POST /api/oidc/mfa',
        });
      }
      return sessionAnswer(result.token, result.session, result.user, request.medveil.now);
    },
  );

  app.post<{ Body: { ticket: string; totp: string } }>(
    '/api/oidc/mfa',
    {
      config: { access: 'public', auditType: 'login' },
      schema: {
        summary: 'Finish an OIDC sign-in with the TOTP code of the account',
        tags,
        body: {
          type: 'object',
          properties: { ticket: { type: 'string', maxLength: 128 }, totp: { type: 'string', maxLength: 16 } },
          required: ['ticket', 'totp'],
          additionalProperties: false,
        },
        response: { 200: sessionTokenSchema, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const result = await completeOidcMfa(loginDeps(request), request.body);
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return sessionAnswer(result.token, result.session, result.user, request.medveil.now);
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/users/:name/oidc',
    {
      config: { access: 'admin' },
      schema: { summary: "The account's link to the identity provider", tags: ['accounts'], params: userNameParamSchema, response: { 200: oidcLinkSchema, ...errorResponses(404) } },
    },
    async (request, reply) => {
      const user = await deps.accounts.findUser(request.params.name);
      if (user === undefined) return sendRefusal(request, reply, { outcome: 'refused', reason: 'unknown-user', message: `no user ${request.params.name}` });
      return user.oidc === undefined ? { linked: false } : { linked: true, issuer: user.oidc.issuer, subject: user.oidc.subject };
    },
  );

  app.put<{ Params: { name: string }; Body: { subject: string } }>(
    '/api/users/:name/oidc',
    {
      config: { access: 'admin', auditType: 'policy-change' },
      schema: {
        summary: "Link the account to a person's identity at the provider (its `sub`), for sign-in by subject",
        tags: ['accounts'],
        params: userNameParamSchema,
        body: { type: 'object', properties: { subject: { type: 'string', maxLength: 255 } }, required: ['subject'], additionalProperties: false },
        response: { 200: { type: 'object', properties: { user: userViewSchema, oidc: oidcLinkSchema }, required: ['user', 'oidc'] }, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await linkOidcIdentity(useCaseDeps(deps, request), {
        by: sessionOf(request).user,
        userName: request.params.name,
        issuer: oidc.settings.provider.issuer,
        subject: request.body.subject,
      });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return { user: userView(result.user, request.medveil.now), oidc: { linked: true, issuer: oidc.settings.provider.issuer, subject: request.body.subject } };
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/api/users/:name/oidc',
    {
      config: { access: 'admin', auditType: 'policy-change' },
      schema: { summary: "Remove the account's link to the identity provider", tags: ['accounts'], params: userNameParamSchema, response: { 204: emptyResponse, ...errorResponses(403, 404) } },
    },
    async (request, reply) => {
      const result = await linkOidcIdentity(useCaseDeps(deps, request), {
        by: sessionOf(request).user,
        userName: request.params.name,
        issuer: oidc.settings.provider.issuer,
        subject: null,
      });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return reply.code(204).send();
    },
  );
}
