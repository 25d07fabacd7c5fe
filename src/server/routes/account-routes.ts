import type { FastifyInstance } from 'fastify';
import { createDepartment } from '../../gateway/create-department.js';
import { createUser } from '../../gateway/create-user.js';
import { resetTotp } from '../../gateway/enrol-totp.js';
import { setCareRelationship } from '../../gateway/set-care-relationship.js';
import { deleteUser, updateUser } from '../../gateway/update-user.js';
import { userView } from '../../gateway/user-view.js';
import { sendRefusal, sessionOf } from '../http-context.js';
import type { RouteDeps } from '../http-app.js';
import {
  departmentListSchema,
  displayNameSchema,
  emptyResponse,
  errorResponses,
  passwordSchema,
  rolesSchema,
  userNameParamSchema,
  userNameSchema,
  userViewSchema,
} from './schemas.js';
import { useCaseDeps } from './use-case-deps.js';

interface CreateUserBody {
  userName: string;
  password: string;
  displayName?: string;
  roles: string[];
  departments?: string[];
  directorOf?: string[];
}

interface UpdateUserBody {
  displayName?: string | null;
  roles?: string[];
  departments?: string[];
  directorOf?: string[];
  disabled?: boolean;
  password?: string;
}

interface NameParams {
  name: string;
}

const careParamsSchema = {
  type: 'object',
  properties: { ...userNameParamSchema.properties, patientRef: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{3,63}$' } },
  required: ['name', 'patientRef'],
  additionalProperties: false,
} as const;

const careRelationshipSchema = {
  type: 'object',
  properties: { patientRef: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, createdBy: { type: 'string' } },
  required: ['patientRef', 'createdAt', 'createdBy'],
} as const;

const departmentSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } },
  required: ['id', 'createdAt'],
} as const;

const tags = ['accounts'];

/** Users, departments and care relationships: administrators only, with a second factor. */
export function registerAccountRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const iso = (ms: number) => new Date(ms).toISOString();

  app.get(
    '/api/users',
    {
      config: { access: 'admin' },
      schema: { summary: 'List the accounts', tags, response: { 200: { type: 'object', properties: { users: { type: 'array', items: userViewSchema } }, required: ['users'] } } },
    },
    async (request) => ({ users: (await deps.accounts.listUsers()).map((user) => userView(user, request.medveil.now)) }),
  );

  app.post<{ Body: CreateUserBody }>(
    '/api/users',
    {
      config: { access: 'admin', auditType: 'policy-change' },
      schema: {
        summary: 'Create an account with an initial password that meets the password policy',
        tags,
        body: {
          type: 'object',
          properties: {
            userName: userNameSchema,
            password: passwordSchema,
            displayName: displayNameSchema,
            roles: rolesSchema,
            departments: departmentListSchema,
            directorOf: departmentListSchema,
          },
          required: ['userName', 'password', 'roles'],
          additionalProperties: false,
        },
        response: { 201: { type: 'object', properties: { user: userViewSchema }, required: ['user'] }, ...errorResponses(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const result = await createUser(useCaseDeps(deps, request), { by: sessionOf(request).user, ...request.body });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return reply.code(201).header('location', `/api/users/${result.user.name}`).send({ user: userView(result.user, request.medveil.now) });
    },
  );

  app.get<{ Params: NameParams }>(
    '/api/users/:name',
    {
      config: { access: 'admin' },
      schema: { summary: 'One account', tags, params: userNameParamSchema, response: { 200: { type: 'object', properties: { user: userViewSchema }, required: ['user'] }, ...errorResponses(404) } },
    },
    async (request, reply) => {
      const user = await deps.accounts.findUser(request.params.name);
      if (user === undefined) return sendRefusal(request, reply, { outcome: 'refused', reason: 'unknown-user', message: `no user ${request.params.name}` });
      return { user: userView(user, request.medveil.now) };
    },
  );

  app.patch<{ Params: NameParams; Body: UpdateUserBody }>(
    '/api/users/:name',
    {
      config: { access: 'admin', auditType: 'policy-change' },
      schema: {
        summary: "Change an account's display name, roles, departments, status or password (never one's own authority)",
        tags,
        params: userNameParamSchema,
        body: {
          type: 'object',
          properties: {
            displayName: { anyOf: [displayNameSchema, { type: 'null' }] },
            roles: rolesSchema,
            departments: departmentListSchema,
            directorOf: departmentListSchema,
            disabled: { type: 'boolean' },
            password: passwordSchema,
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { user: userViewSchema }, required: ['user'] }, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const result = await updateUser(useCaseDeps(deps, request), { by: sessionOf(request).user, userName: request.params.name, change: request.body });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return { user: userView(result.user, request.medveil.now) };
    },
  );

  app.delete<{ Params: NameParams }>(
    '/api/users/:name',
    {
      config: { access: 'admin', auditType: 'policy-change' },
      schema: { summary: 'Delete an account (its name is never reused)', tags, params: userNameParamSchema, response: { 204: emptyResponse, ...errorResponses(403, 404) } },
    },
    async (request, reply) => {
      const result = await deleteUser(useCaseDeps(deps, request), { by: sessionOf(request).user, userName: request.params.name });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: NameParams }>(
    '/api/users/:name/totp',
    {
      config: { access: 'admin', auditType: 'key-change' },
      schema: { summary: "Reset another person's second factor; they enrol a new one at their next sign-in", tags, params: userNameParamSchema, response: { 204: emptyResponse, ...errorResponses(403, 404) } },
    },
    async (request, reply) => {
      const result = await resetTotp(useCaseDeps(deps, request), { by: sessionOf(request).user, userName: request.params.name });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/departments',
    {
      config: { access: 'admin' },
      schema: { summary: 'List the departments', tags, response: { 200: { type: 'object', properties: { departments: { type: 'array', items: departmentSchema } }, required: ['departments'] } } },
    },
    async () => ({
      departments: (await deps.accounts.listDepartments()).map((d) => ({ id: d.id, ...(d.name === undefined ? {} : { name: d.name }), createdAt: iso(d.createdAt) })),
    }),
  );

  app.post<{ Body: { id: string; name?: string } }>(
    '/api/departments',
    {
      config: { access: 'admin', auditType: 'policy-change' },
      schema: {
        summary: 'Create a department',
        tags,
        body: { type: 'object', properties: { id: { type: 'string', maxLength: 64 }, name: displayNameSchema }, required: ['id'], additionalProperties: false },
        response: { 201: { type: 'object', properties: { department: departmentSchema }, required: ['department'] }, ...errorResponses(400, 403) },
      },
    },
    async (request, reply) => {
      const result = await createDepartment(useCaseDeps(deps, request), { by: sessionOf(request).user, id: request.body.id, name: request.body.name });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      const { department } = result;
      return reply.code(201).send({ department: { id: department.id, ...(department.name === undefined ? {} : { name: department.name }), createdAt: iso(department.createdAt) } });
    },
  );

  app.get<{ Params: NameParams }>(
    '/api/users/:name/care',
    {
      config: { access: 'admin' },
      schema: {
        summary: "A clinician's or radiologist's care relationships",
        tags,
        params: userNameParamSchema,
        response: { 200: { type: 'object', properties: { careRelationships: { type: 'array', items: careRelationshipSchema } }, required: ['careRelationships'] }, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      if ((await deps.accounts.findUser(request.params.name)) === undefined) {
        return sendRefusal(request, reply, { outcome: 'refused', reason: 'unknown-user', message: `no user ${request.params.name}` });
      }
      const relationships = await deps.accounts.careRelationships(request.params.name);
      return { careRelationships: relationships.map((care) => ({ patientRef: care.patientRef, createdAt: iso(care.createdAt), createdBy: care.createdBy })) };
    },
  );

  app.put<{ Params: NameParams & { patientRef: string } }>(
    '/api/users/:name/care/:patientRef',
    {
      config: { access: 'admin', auditType: 'policy-change' },
      schema: {
        summary: 'Record that this clinician or radiologist treats the patient (full access to their studies)',
        tags,
        params: careParamsSchema,
        response: { 201: { type: 'object', properties: { careRelationship: careRelationshipSchema }, required: ['careRelationship'] }, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await setCareRelationship(useCaseDeps(deps, request), { by: sessionOf(request).user, userName: request.params.name, patientRef: request.params.patientRef, present: true });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      if (result.outcome !== 'added') return reply.code(204).send();
      const care = result.relationship;
      return reply.code(201).send({ careRelationship: { patientRef: care.patientRef, createdAt: iso(care.createdAt), createdBy: care.createdBy } });
    },
  );

  app.delete<{ Params: NameParams & { patientRef: string } }>(
    '/api/users/:name/care/:patientRef',
    {
      config: { access: 'admin', auditType: 'policy-change' },
      schema: { summary: 'End a care relationship', tags, params: careParamsSchema, response: { 204: emptyResponse, ...errorResponses(403, 404) } },
    },
    async (request, reply) => {
      const result = await setCareRelationship(useCaseDeps(deps, request), { by: sessionOf(request).user, userName: request.params.name, patientRef: request.params.patientRef, present: false });
      if (result.outcome === 'refused') return sendRefusal(request, reply, result);
      return reply.code(204).send();
    },
  );
}
