import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessRequestRecord } from '../../access/requests/access-request.js';
import { PURPOSES_OF_USE } from '../../access/requests/purpose-of-use.js';
import { MAX_JUSTIFICATION_LENGTH } from '../../access/requests/request-input.js';
import { REQUEST_REFUSALS, type RequestRefusal, type RequestRefusalReason } from '../../access/requests/request-refusal.js';
import { accessRequestView, grantView, type AccessRequestDeps } from '../../gateway/access-request-deps.js';
import type { ActorDeps } from '../../gateway/actor-for-user.js';
import { approveAccessRequest } from '../../gateway/approve-access-request.js';
import { createAccessRequest } from '../../gateway/create-access-request.js';
import { findAccessRequest, listAccessRequests, listGrants } from '../../gateway/list-access-requests.js';
import { MAX_REJECT_REASON_LENGTH, rejectAccessRequest } from '../../gateway/reject-access-request.js';
import { REVOKE_REASONS, revokeGrant } from '../../gateway/revoke-grant.js';
import type { IndexStore } from '../../storage/index-store.js';
import { sessionOf } from '../http-context.js';
import { errorResponses } from './schemas.js';

export interface RequestRouteDeps extends Omit<AccessRequestDeps, 'audit'> {
  readonly index: Pick<IndexStore, 'getStudy' | 'find'>;
  readonly actors: ActorDeps;
  /** The export recipients' ids (exports.recipients and `requester`). */
  readonly exportRecipients?: readonly string[];
}

/** HTTP status of each refusal of the request flow. */
const STATUS: Readonly<Record<RequestRefusalReason, number>> = {
  'invalid-request': 400,
  'duration-too-long': 400,
  'scope-empty': 400,
  'scope-unknown-study': 404,
  'scope-too-large': 400,
  'scope-without-department': 400,
  'unknown-request': 404,
  'not-an-approver': 403,
  'not-dso': 403,
  'self-approval': 403,
  'already-approved': 409,
  'approval-role-ambiguous': 400,
  'nothing-left-to-approve': 409,
  'request-rejected': 409,
  'request-granted': 409,
  'request-revoked': 409,
  'invalid-revoke-reason': 400,
  'invalid-reject-reason': 400,
  'totp-required': 403,
  'totp-invalid': 403,
  'not-the-requester': 403,
};

/** Refusals about who asks rather than what they sent: recorded as `deny` events. */
const DENIALS: ReadonlySet<RequestRefusalReason> = new Set(['not-an-approver', 'not-dso', 'self-approval', 'totp-required', 'totp-invalid', 'not-the-requester']);

function sendRequestRefusal(request: FastifyRequest, reply: FastifyReply, refusal: RequestRefusal): FastifyReply {
  request.medveil.reason = refusal.reason;
  request.medveil.denied ||= DENIALS.has(refusal.reason);
  return reply.code(STATUS[refusal.reason]).send({ error: refusal.reason, message: refusal.message });
}

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', description: 'the request id (a grant carries the id of its request)' } },
  required: ['id'],
  additionalProperties: false,
} as const;

const totpSchema = { type: 'string', minLength: 6, maxLength: 8, pattern: '^[0-9]+$', description: 'a fresh code of your authenticator app; a code is accepted once' } as const;

const grantViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    subject: { type: 'string' },
    effect: { type: 'string', enum: ['full', 'masked'] },
    actions: { type: 'array', items: { type: 'string' } },
    studyUids: { type: 'array', items: { type: 'string' } },
    validFrom: { type: 'string', format: 'date-time' },
    validUntil: { type: 'string', format: 'date-time', description: 'exclusive: the grant gives nothing from this millisecond on' },
    revokedAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'subject', 'effect', 'actions', 'studyUids', 'validFrom', 'validUntil'],
} as const;

const stampSchema = { type: 'object', properties: { by: { type: 'string' }, at: { type: 'string', format: 'date-time' }, reason: { type: 'string' } }, required: ['by', 'at', 'reason'] } as const;

const requestViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'granted', 'rejected', 'revoked'] },
    requester: { type: 'string' },
    kind: { type: 'string', enum: ['full', 'export'] },
    scope: { type: 'object', additionalProperties: true },
    studies: { type: 'array', items: { type: 'object', properties: { studyUid: { type: 'string' }, department: { type: 'string' } }, required: ['studyUid', 'department'] } },
    purpose: { type: 'string' },
    purposeCode: { type: 'string', description: 'HL7 v3 PurposeOfUse' },
    justification: { type: 'string' },
    durationHours: { type: 'number' },
    recipient: { type: 'string', description: 'export requests: who the package is for' },
    contentHash: { type: 'string', description: 'SHA-256 of the canonical content; an approval counts only for the hash it saw' },
    createdAt: { type: 'string', format: 'date-time' },
    approvals: {
      type: 'array',
      items: { type: 'object', properties: { by: { type: 'string' }, as: { type: 'string' }, departments: { type: 'array', items: { type: 'string' } }, at: { type: 'string', format: 'date-time' } }, required: ['by', 'as', 'departments', 'at'] },
    },
    rejection: stampSchema,
    revocation: stampSchema,
    grant: grantViewSchema,
  },
  required: ['id', 'status', 'requester', 'kind', 'scope', 'studies', 'purpose', 'purposeCode', 'justification', 'durationHours', 'contentHash', 'createdAt', 'approvals'],
} as const;

const refusalList = (reasons: RequestRefusalReason[]): string => reasons.map((reason) => `${reason} (${REQUEST_REFUSALS[reason]})`).join('; ');

/** Access and export requests, approvals and grants (issue 6; docs/requests.md). */
export function registerRequestRoutes(app: FastifyInstance, deps: RequestRouteDeps): void {
  const useCaseDeps = (request: FastifyRequest): AccessRequestDeps => ({ ...deps, audit: request.medveil.audit });

  app.post<{ Body: Record<string, unknown> }>(
    '/api/requests',
    {
      config: { access: 'session', auditType: 'request' },
      schema: {
        summary: 'Ask for full access to, or a de-identified export of, a patient, studies or a study query',
        description:
          'Purposes of use: ' +
          Object.entries(PURPOSES_OF_USE).map(([name, { code, meaning }]) => `${name} (${code}: ${meaning})`).join('; ') +
          '. Refusals: ' +
          refusalList(['invalid-request', 'duration-too-long', 'scope-empty', 'scope-unknown-study', 'scope-too-large', 'scope-without-department']),
        tags: ['requests'],
        body: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: ['full', 'export'] },
            scope: {
              type: 'object',
              description: '{ kind: "patient", patientRef } | { kind: "studies", studyUids } | { kind: "query", query: "<QIDO-RS study-level query string>" }',
              properties: { kind: { type: 'string', enum: ['patient', 'studies', 'query'] }, patientRef: { type: 'string' }, studyUids: { type: 'array', items: { type: 'string' }, maxItems: 1000 }, query: { type: 'string' } },
              required: ['kind'],
              additionalProperties: false,
            },
            purpose: { type: 'string', enum: Object.keys(PURPOSES_OF_USE) },
            justification: { type: 'string', minLength: 1, maxLength: MAX_JUSTIFICATION_LENGTH },
            durationHours: { type: 'number', exclusiveMinimum: 0, description: '72 by default; refused above the site maximum' },
            recipient: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$', description: 'export requests: the id of the recipient the package is for (exports.recipients); `requester` (yourself) by default' },
          },
          required: ['kind', 'scope', 'purpose', 'justification'],
          additionalProperties: false,
        },
        response: { 201: requestViewSchema, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const result = await createAccessRequest({ ...useCaseDeps(request), index: deps.index, actors: deps.actors }, { by: sessionOf(request).user, body: request.body });
      if (result.outcome === 'refused') return sendRequestRefusal(request, reply, result);
      return reply.code(201).send(accessRequestView(result.record));
    },
  );

  app.get(
    '/api/requests',
    {
      config: { access: 'session', auditType: 'query' },
      schema: {
        summary: 'Your own requests, and those you may approve (a DSO: every request; a director: those with a study of a department they direct), newest first',
        tags: ['requests'],
        response: { 200: { type: 'object', properties: { requests: { type: 'array', items: requestViewSchema } }, required: ['requests'] } },
      },
    },
    async (request) => ({ requests: (await listAccessRequests(deps.requests, sessionOf(request).user)).map(accessRequestView) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/requests/:id',
    {
      config: { access: 'session', auditType: 'query' },
      schema: { summary: 'One request you made or may approve; any other is "not found", as a missing one', tags: ['requests'], params: idParams, response: { 200: requestViewSchema, ...errorResponses(404) } },
    },
    async (request, reply) => {
      const record = await findAccessRequest(deps.requests, sessionOf(request).user, request.params.id);
      if (record === undefined) return sendRequestRefusal(request, reply, { outcome: 'refused', reason: 'unknown-request', message: REQUEST_REFUSALS['unknown-request'] });
      return accessRequestView(record);
    },
  );

  app.post<{ Params: { id: string }; Body: { totp: string; as?: string } }>(
    '/api/requests/:id/approve',
    {
      config: { access: 'session', auditType: 'approve' },
      schema: {
        summary: 'Approve a request as its DSO or as the director of a department in scope, with a fresh TOTP code; the approval that completes it issues the grant',
        description:
          'A person who is both a DSO and a director in scope says which role they approve as (`as`); they count once. Refusals: ' +
          refusalList(['not-an-approver', 'totp-required', 'totp-invalid', 'unknown-request', 'self-approval', 'already-approved', 'approval-role-ambiguous', 'nothing-left-to-approve', 'request-rejected', 'request-granted', 'request-revoked']),
        tags: ['requests'],
        params: idParams,
        body: { type: 'object', properties: { totp: totpSchema, as: { type: 'string', enum: ['dso', 'director'] } }, required: ['totp'], additionalProperties: false },
        response: { 200: requestViewSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await approveAccessRequest(useCaseDeps(request), { by: sessionOf(request).user, id: request.params.id, totp: request.body.totp, ...(request.body.as === undefined ? {} : { as: request.body.as }) });
      if (result.outcome === 'refused') return sendRequestRefusal(request, reply, result);
      return accessRequestView(result.record);
    },
  );

  app.post<{ Params: { id: string }; Body: { totp: string; reason: string } }>(
    '/api/requests/:id/reject',
    {
      config: { access: 'session', auditType: 'reject' },
      schema: {
        summary: 'Reject a request (anyone who could approve it), with a fresh TOTP code and a reason for the requester; the rejection ends it',
        description: 'The reason stays with the request and is not written to the audit log. Refusals: ' + refusalList(['not-an-approver', 'totp-required', 'totp-invalid', 'unknown-request', 'self-approval', 'invalid-reject-reason', 'request-rejected', 'request-granted', 'request-revoked']),
        tags: ['requests'],
        params: idParams,
        body: { type: 'object', properties: { totp: totpSchema, reason: { type: 'string', minLength: 1, maxLength: MAX_REJECT_REASON_LENGTH } }, required: ['totp', 'reason'], additionalProperties: false },
        response: { 200: requestViewSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await rejectAccessRequest(useCaseDeps(request), { by: sessionOf(request).user, id: request.params.id, totp: request.body.totp, reason: request.body.reason });
      if (result.outcome === 'refused') return sendRequestRefusal(request, reply, result);
      return accessRequestView(result.record);
    },
  );

  app.get(
    '/api/grants',
    {
      config: { access: 'session', auditType: 'query' },
      schema: {
        summary: 'Your grants; a DSO sees every grant',
        tags: ['requests'],
        response: { 200: { type: 'object', properties: { grants: { type: 'array', items: grantViewSchema } }, required: ['grants'] } },
      },
    },
    async (request) => ({ grants: (await listGrants(deps.requests, sessionOf(request).user)).map((record: AccessRequestRecord) => grantView(record)!) }),
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/grants/:id/revoke',
    {
      config: { access: 'session', auditType: 'revoke' },
      schema: {
        summary: 'Revoke a grant (data security officers only): the next request is decided without it. A pending request with this id is withdrawn',
        description: 'Reasons: ' + Object.entries(REVOKE_REASONS).map(([code, meaning]) => `${code} (${meaning})`).join('; ') + '. Anyone but a DSO gets 403 before the grant is looked up.',
        tags: ['requests'],
        params: idParams,
        body: { type: 'object', properties: { reason: { type: 'string', enum: Object.keys(REVOKE_REASONS) } }, required: ['reason'], additionalProperties: false },
        response: { 200: requestViewSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await revokeGrant(useCaseDeps(request), { by: sessionOf(request).user, id: request.params.id, reason: request.body.reason });
      if (result.outcome === 'refused') return sendRequestRefusal(request, reply, result);
      return accessRequestView(result.record);
    },
  );
}
