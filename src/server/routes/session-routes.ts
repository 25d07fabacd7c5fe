import type { FastifyInstance } from 'fastify';
import type { Session } from '../../access/identity/session-token.js';
import { bootstrapAdmin } from '../../gateway/bootstrap-admin.js';
import { changePassword } from '../../gateway/change-password.js';
import { beginTotpEnrolment, confirmTotpEnrolment } from '../../gateway/enrol-totp.js';
import { login } from '../../gateway/login.js';
import { logout } from '../../gateway/logout.js';
import { requiresMfa, userView } from '../../gateway/user-view.js';
import type { UserRecord } from '../../storage/account-store.js';
import { sendRefusal, sessionOf } from '../http-context.js';
import type { RouteDeps } from '../http-app.js';
import { displayNameSchema, emptyResponse, errorResponses, passwordSchema, sessionTokenSchema, userNameSchema, userViewSchema } from './schemas.js';
import { useCaseDeps } from './use-case-deps.js';

interface BootstrapBody {
  code: string;
  userName: string;
  password: string;
  displayName?: string;
}

interface PasswordChangeBody {
  currentPassword: string;
  newPassword: string;
  totp?: string;
}

interface LoginBody {
  userName: string;
  password: string;
  totp?: string;
}

/** The answer of every sign-in that ends in a session: the password one here, and OIDC (oidc-routes.ts). */
export function sessionAnswer(token: string, session: Session, user: UserRecord, now: number) {
  return {
    token,
    tokenType: 'Bearer' as const,
    expiresAt: new Date(session.expiresAt).toISOString(),
    methods: session.methods,
    mfaEnrolmentRequired: requiresMfa(user) && user.totp === undefined && !session.methods.includes('otp'),
    user: userView(user, now),
  };
}

/** First-admin bootstrap, sign-in, sign-out, the caller's own account and TOTP enrolment. */
export function registerSessionRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get(
    '/api/bootstrap',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Whether the first administrator still has to be created',
        tags: ['session'],
        response: { 200: { type: 'object', properties: { bootstrapNeeded: { type: 'boolean' } }, required: ['bootstrapNeeded'] } },
      },
    },
    async () => ({ bootstrapNeeded: (await deps.accounts.userCount()) === 0 }),
  );

  app.post<{ Body: BootstrapBody }>(
    '/api/bootstrap',
    {
      config: { access: 'public', auditType: 'policy-change' },
      schema: {
        summary: 'Create the first administrator with the one-time code the server printed',
        tags: ['session'],
        body: {
          type: 'object',
          properties: { code: { type: 'string', maxLength: 64 }, userName: userNameSchema, password: passwordSchema, displayName: displayNameSchema },
          required: ['code', 'userName', 'password'],
          additionalProperties: false,
        },
        response: {
          201: { type: 'object', properties: { user: userViewSchema, next: { type: 'string' } }, required: ['user', 'next'] },
          ...errorResponses(400, 403, 409),
        },
      },
    },
    async (request, reply) => {
      const result = await bootstrapAdmin(useCaseDeps(deps, request), request.body);
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return reply.code(201).send({
        user: userView(result.user, request.medveil.now),
        next: 'sign in with POST /api/login, then enrol your authenticator app with POST /api/me/totp and POST /api/me/totp/confirm',
      });
    },
  );

  app.post<{ Body: LoginBody }>(
    '/api/login',
    {
      config: { access: 'public', auditType: 'login' },
      schema: {
        summary: 'Sign in with a password, and the TOTP code once a second factor is enrolled',
        tags: ['session'],
        body: {
          type: 'object',
          properties: { userName: userNameSchema, password: passwordSchema, totp: { type: 'string', maxLength: 16 } },
          required: ['userName', 'password'],
          additionalProperties: false,
        },
        response: { 200: sessionTokenSchema, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const result = await login(useCaseDeps(deps, request), request.body);
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return sessionAnswer(result.token, result.session, result.user, request.medveil.now);
    },
  );

  app.post(
    '/api/logout',
    {
      config: { access: 'session-enrolling', auditType: 'logout' },
      schema: { summary: 'End this session; its token stops working at once', tags: ['session'], response: { 204: emptyResponse } },
    },
    async (request, reply) => {
      const { user, session } = sessionOf(request);
      await logout(useCaseDeps(deps, request), { user, session });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/me',
    {
      config: { access: 'session-enrolling' },
      schema: {
        summary: 'The signed-in account and its session',
        tags: ['session'],
        response: {
          200: {
            type: 'object',
            properties: {
              user: userViewSchema,
              session: {
                type: 'object',
                properties: { methods: { type: 'array', items: { type: 'string' } }, expiresAt: { type: 'string', format: 'date-time' } },
                required: ['methods', 'expiresAt'],
              },
              mfaEnrolmentRequired: { type: 'boolean' },
            },
            required: ['user', 'session', 'mfaEnrolmentRequired'],
          },
        },
      },
    },
    async (request) => {
      const { user, session } = sessionOf(request);
      return {
        user: userView(user, request.medveil.now),
        session: { methods: session.methods, expiresAt: new Date(session.expiresAt).toISOString() },
        mfaEnrolmentRequired: requiresMfa(user) && user.totp === undefined,
      };
    },
  );

  app.post(
    '/api/me/totp',
    {
      config: { access: 'session-enrolling', auditType: 'key-change' },
      schema: {
        summary: 'Start enrolling an authenticator app: returns the secret once, as text and as an otpauth URI for a QR code',
        tags: ['session'],
        response: {
          201: {
            type: 'object',
            properties: { secret: { type: 'string' }, otpauthUri: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } },
            required: ['secret', 'otpauthUri', 'expiresAt'],
          },
          ...errorResponses(409),
        },
      },
    },
    async (request, reply) => {
      const result = await beginTotpEnrolment(useCaseDeps(deps, request), sessionOf(request).user);
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return reply.code(201).send({ secret: result.secret, otpauthUri: result.otpauthUri, expiresAt: new Date(result.expiresAt).toISOString() });
    },
  );

  app.post<{ Body: { code: string } }>(
    '/api/me/totp/confirm',
    {
      config: { access: 'session-enrolling', auditType: 'key-change' },
      schema: {
        summary: 'Finish enrolment with the current code of the app; answers a new session with both factors',
        tags: ['session'],
        body: { type: 'object', properties: { code: { type: 'string', maxLength: 16 } }, required: ['code'], additionalProperties: false },
        response: { 200: sessionTokenSchema, ...errorResponses(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const { user, session } = sessionOf(request);
      const result = await confirmTotpEnrolment(useCaseDeps(deps, request), { user, session, code: request.body.code });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      const enrolled = (await deps.accounts.findUser(user.name)) ?? user;
      return sessionAnswer(result.token, result.session, enrolled, request.medveil.now);
    },
  );

  app.post<{ Body: PasswordChangeBody }>(
    '/api/me/password',
    {
      config: { access: 'session-enrolling', auditType: 'key-change' },
      schema: {
        summary: 'Change your own password with the current one (and the TOTP code once enrolled); every session of the account ends and a new one is answered',
        description:
          'A wrong current password or code counts towards the lockout as at sign-in. The new password meets the password policy and differs from the current one. ' +
          'This is also how a person replaces a password an administrator set (user.passwordChangeRequired): until then, no other route answers their session.',
        tags: ['session'],
        body: {
          type: 'object',
          properties: { currentPassword: passwordSchema, newPassword: passwordSchema, totp: { type: 'string', maxLength: 16 } },
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
        },
        response: { 200: sessionTokenSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { user, session } = sessionOf(request);
      const result = await changePassword(useCaseDeps(deps, request), { user, session, ...request.body });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      const changed = (await deps.accounts.findUser(user.name)) ?? user;
      return sessionAnswer(result.token, result.session, changed, request.medveil.now);
    },
  );
}
