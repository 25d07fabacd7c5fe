import { ROLES } from '../../access/role.js';
import { apiTokenScopes } from '../../access/identity/api-token.js';
import { errorBodySchema } from '../http-context.js';

/**
 * JSON Schemas of the account API. Fastify validates requests with them and serialises
 * responses through them, so a field not listed here (a password hash, a TOTP secret) cannot
 * reach a response even by mistake; openapi.ts publishes the same schemas.
 */
export const userNameSchema = { type: 'string', minLength: 1, maxLength: 256 } as const;
export const userNameParamSchema = {
  type: 'object',
  properties: { name: { type: 'string', pattern: '^[a-z0-9](?:[a-z0-9._@-]{0,62}[a-z0-9])?$' } },
  required: ['name'],
  additionalProperties: false,
} as const;

const stringList = { type: 'array', items: { type: 'string' }, maxItems: 64 } as const;

export const userViewSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    displayName: { type: 'string' },
    roles: { type: 'array', items: { type: 'string', enum: [...ROLES] } },
    departments: stringList,
    directorOf: stringList,
    disabled: { type: 'boolean' },
    deleted: { type: 'boolean' },
    mfaRequired: { type: 'boolean' },
    mfaEnrolled: { type: 'boolean' },
    passwordChangeRequired: { type: 'boolean' },
    lockedUntil: { type: 'string', format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
    createdBy: { type: 'string' },
  },
  required: ['name', 'roles', 'departments', 'directorOf', 'disabled', 'deleted', 'mfaRequired', 'mfaEnrolled', 'passwordChangeRequired', 'createdAt', 'createdBy'],
} as const;

export const sessionTokenSchema = {
  type: 'object',
  properties: {
    token: { type: 'string', description: 'send as Authorization: Bearer <token>' },
    tokenType: { type: 'string', const: 'Bearer' },
    expiresAt: { type: 'string', format: 'date-time' },
    methods: { type: 'array', items: { type: 'string', enum: ['pwd', 'otp'] } },
    mfaEnrolmentRequired: { type: 'boolean' },
    user: userViewSchema,
  },
  required: ['token', 'tokenType', 'expiresAt', 'methods'],
} as const;

export const rolesSchema = { type: 'array', items: { type: 'string' }, maxItems: 16 } as const;
export const departmentListSchema = { type: 'array', items: { type: 'string' }, maxItems: 64 } as const;
export const passwordSchema = { type: 'string', minLength: 1, maxLength: 1024 } as const;
export const displayNameSchema = { type: 'string', minLength: 1, maxLength: 128 } as const;

export const apiTokenViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string', enum: [...apiTokenScopes] } },
    status: { type: 'string', enum: ['valid', 'expired', 'revoked'] },
    createdAt: { type: 'string', format: 'date-time' },
    createdBy: { type: 'string' },
    expiresAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: 'string', format: 'date-time' },
    owner: { type: 'string', description: 'the account the token acts for; absent on tokens made before tokens had owners, which act for nobody' },
  },
  required: ['id', 'name', 'scopes', 'status', 'createdAt', 'createdBy', 'expiresAt'],
} as const;

/** The usual refusals of a route, for its response schema. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorBodySchema> {
  return Object.fromEntries(statuses.map((status) => [status, errorBodySchema]));
}

export const emptyResponse = { type: 'null', description: 'no content' } as const;
