import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditObject } from '../../audit/event/audit-event.js';
import { auditEventTypes } from '../../audit/event/audit-event.js';
import type { AuditTrailDeps, AuditTrailEntry } from '../../gateway/audit-trail-deps.js';
import { findAuditEvents } from '../../gateway/find-audit-events.js';
import { proveAuditEvent } from '../../gateway/prove-audit-event.js';
import type { UserRecord } from '../../storage/account-store.js';
import { requestAuditEvent } from '../request-audit.js';
import { errorResponses } from './schemas.js';

/** Who reads the audit trail (issue 7: the auditor and the DSO). */
const AUDIT_READER_ROLES = ['auditor', 'dso'] as const;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

/** PS3.5 9.1 and the pseudonym form of validate-audit-event.ts, so a filter can be recorded in the query's own event. */
const UID_PATTERN = '^(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*$';
const PATIENT_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{3,63}$';
const TIME_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,3})?(Z|[+-][0-9]{2}:[0-9]{2})$';
const INDEX_PATTERN = '^(0|[1-9][0-9]{0,14})$';

interface EventsQuery {
  user?: string;
  patient?: string;
  study?: string;
  type?: string;
  from?: string;
  to?: string;
  before?: string;
  limit?: string;
}

const eventsQuerySchema = {
  type: 'object',
  properties: {
    user: { type: 'string', pattern: '^[\\x21-\\x7e]{1,256}$', description: 'the acting user as the event names it (a user name, api-token:<id>, medveil)' },
    patient: { type: 'string', pattern: PATIENT_PATTERN, description: 'a pseudonymous patient reference' },
    study: { type: 'string', maxLength: 64, pattern: UID_PATTERN, description: 'Study Instance UID' },
    type: { type: 'string', enum: [...auditEventTypes] },
    from: { type: 'string', pattern: TIME_PATTERN, description: 'events at or after this time (RFC 3339)' },
    to: { type: 'string', pattern: TIME_PATTERN, description: 'events before this time (RFC 3339)' },
    before: { type: 'string', pattern: INDEX_PATTERN, description: 'events with a smaller index: pass nextBefore of the previous page' },
    limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$', description: `events per page, at most ${MAX_LIMIT} (default ${DEFAULT_LIMIT})` },
  },
  additionalProperties: false,
} as const;

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

const eventSchema = {
  type: 'object',
  properties: {
    index: { type: 'integer' },
    time: { type: 'string', format: 'date-time', description: 'UTC, millisecond precision' },
    type: { type: 'string' },
    outcome: { type: 'string' },
    actor: { type: 'object', properties: { user: { type: 'string' }, role: { type: 'string' }, department: { type: 'string' }, address: { type: 'string' } }, required: ['user'] },
    purpose: { type: 'string' },
    objects: { type: 'array', items: { type: 'object', properties: { study: { type: 'string' }, series: { type: 'string' }, instance: { type: 'string' }, patient: { type: 'string' } } } },
    digests: { type: 'array', items: { type: 'object', properties: { algorithm: { type: 'string' }, value: { type: 'string' } }, required: ['algorithm', 'value'] } },
    detail: stringMap,
    problem: { type: 'string', description: 'present instead of the event when the stored leaf is not a valid audit event' },
  },
  required: ['index'],
} as const;

/**
 * The audit trail over HTTP (docs/audit.md, "The audit API"): search, one event with its
 * receipt, and the keys to verify receipts with. Auditors and data security officers only, signed
 * in or through an API token with the `audit:read` scope; anyone else is refused (a `deny`
 * event). Every read is itself a `query` event of the log, naming what was searched or proved.
 */
export function registerAuditRoutes(app: FastifyInstance, deps: AuditTrailDeps): void {
  app.get<{ Querystring: EventsQuery }>(
    '/api/audit/events',
    {
      config: { access: { scope: 'audit:read' } },
      preValidation: refuseAllButReaders,
      schema: {
        summary: 'Search the audit log, newest first (auditors and data security officers)',
        description:
          'Filters combine (all must hold). Pages run by index: a full page carries nextBefore; pass it as `before` for the next one. ' +
          'Each event is read back from the log; the search index behind the filters is derived from the log and rebuilt from it when missing.',
        tags: ['audit'],
        querystring: eventsQuerySchema,
        response: {
          200: { type: 'object', properties: { events: { type: 'array', items: eventSchema }, nextBefore: { type: 'integer' } }, required: ['events'] },
          ...errorResponses(400, 403),
        },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const fromMs = query.from === undefined ? undefined : Date.parse(query.from);
      const toMs = query.to === undefined ? undefined : Date.parse(query.to);
      if (Number.isNaN(fromMs) || Number.isNaN(toMs)) {
        return reply.code(400).send({ error: 'invalid-request', message: 'from and to must be real times, such as 2025-03-01T00:00:00Z' });
      }
      const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
      if (limit > MAX_LIMIT) return reply.code(400).send({ error: 'invalid-request', message: `limit is at most ${MAX_LIMIT}` });
      const entries = await findAuditEvents(deps, {
        limit,
        ...(query.before === undefined ? {} : { before: Number(query.before) }),
        ...(query.user === undefined ? {} : { user: query.user }),
        ...(query.patient === undefined ? {} : { patient: query.patient }),
        ...(query.study === undefined ? {} : { study: query.study }),
        ...(query.type === undefined ? {} : { type: query.type }),
        ...(fromMs === undefined ? {} : { fromMs }),
        ...(toMs === undefined ? {} : { toMs }),
      });
      const { patient, study, type, ...rest } = query;
      const objects: AuditObject[] = patient === undefined && study === undefined ? [] : [{ ...(patient === undefined ? {} : { patient }), ...(study === undefined ? {} : { study }) }];
      await recordRead(request, { ...rest, ...(type === undefined ? {} : { eventType: type }), found: String(entries.length) }, objects);
      const last = entries.at(-1);
      return { events: entries.map(entryView), ...(entries.length === limit && last !== undefined ? { nextBefore: last.index } : {}) };
    },
  );

  app.get<{ Params: { index: string } }>(
    '/api/audit/events/:index',
    {
      config: { access: { scope: 'audit:read' } },
      preValidation: refuseAllButReaders,
      schema: {
        summary: 'One audit event and its receipt against the latest checkpoint (auditors and data security officers)',
        description:
          'The receipt is the c2sp.org/tlog-proof@v1 text of `medveil audit prove`: the event, its inclusion proof and the checkpoint with its ' +
          'signatures and witness cosignatures. Verify it offline with `medveil audit verify-receipt`, or in the browser with verifyReceiptWeb ' +
          'and the keys of GET /api/audit/keys. 409 while no checkpoint covers the event yet.',
        tags: ['audit'],
        params: { type: 'object', properties: { index: { type: 'string', pattern: INDEX_PATTERN } }, required: ['index'], additionalProperties: false },
        response: {
          200: {
            type: 'object',
            properties: {
              event: eventSchema,
              receipt: { type: 'string' },
              checkpoint: {
                type: 'object',
                properties: {
                  size: { type: 'integer' },
                  issuedAt: { type: 'string', format: 'date-time' },
                  cosignedBy: { type: 'array', items: { type: 'object', properties: { witness: { type: 'string' }, receivedAt: { type: 'string', format: 'date-time' } }, required: ['witness', 'receivedAt'] } },
                },
                required: ['size', 'issuedAt', 'cosignedBy'],
              },
            },
            required: ['event', 'receipt', 'checkpoint'],
          },
          ...errorResponses(403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const index = Number(request.params.index);
      const proved = await proveAuditEvent(deps, index);
      if (proved.outcome === 'unknown-event') {
        request.medveil.reason = 'unknown-event';
        return reply.code(404).send({ error: 'unknown-event', message: `no event ${index}: the log holds ${proved.size} events (0 to ${proved.size - 1})` });
      }
      if (proved.outcome === 'not-checkpointed') {
        request.medveil.reason = 'not-checkpointed';
        const covered = proved.checkpointSize === undefined ? 'the log has issued no checkpoint yet' : `the latest checkpoint covers events 0 to ${proved.checkpointSize - 1}`;
        return reply.code(409).send({
          error: 'not-checkpointed',
          message: `event ${index} is not covered by a signed checkpoint yet (${covered}); the next one is issued within audit.checkpointMinutes, or now with \`medveil audit checkpoint\``,
        });
      }
      await recordRead(request, { index: String(index), checkpointSize: String(proved.checkpoint.size) }, []);
      return {
        event: entryView(proved.entry),
        receipt: proved.receipt,
        checkpoint: {
          size: proved.checkpoint.size,
          issuedAt: new Date(proved.checkpoint.issuedAt).toISOString(),
          cosignedBy: proved.checkpoint.cosignedBy.map((c) => ({ witness: c.witness, receivedAt: new Date(c.receivedAt).toISOString() })),
        },
      };
    },
  );

  app.get(
    '/api/audit/keys',
    {
      config: { access: { scope: 'audit:read' } },
      preValidation: refuseAllButReaders,
      schema: {
        summary: "The log's public verifier keys and its witnesses' keys, as note verifier key texts (auditors and data security officers)",
        description: 'Give them to verifyReceiptWeb or `medveil audit verify-receipt --key`. A court should take the keys from the hospital and the witnesses themselves, not from the server it checks.',
        tags: ['audit'],
        response: {
          200: {
            type: 'object',
            properties: { origin: { type: 'string' }, logKeys: { type: 'array', items: { type: 'string' } }, witnessKeys: { type: 'array', items: { type: 'string' } } },
            required: ['origin', 'logKeys', 'witnessKeys'],
          },
          ...errorResponses(403),
        },
      },
    },
    async () => ({ origin: deps.origin, logKeys: [...deps.logKeys], witnessKeys: [...deps.witnessKeys] }),
  );
}

/** The person behind the request: the signed-in user, or the account an API token acts for. */
function readerOf(request: FastifyRequest): UserRecord | undefined {
  const { principal } = request.medveil;
  return principal.kind === 'session' ? principal.user : principal.kind === 'api-token' ? principal.owner : undefined;
}

function isAuditReader(request: FastifyRequest): boolean {
  return readerOf(request)?.roles.some((role) => (AUDIT_READER_ROLES as readonly string[]).includes(role)) === true;
}

/** Before the query is validated, so that someone who may not read the trail learns nothing of its filters. */
async function refuseAllButReaders(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (isAuditReader(request)) return;
  request.medveil.denied = true;
  request.medveil.reason = 'not-auditor';
  await reply.code(403).send({ error: 'not-auditor', message: 'only an auditor or a data security officer reads the audit trail' });
}

/** The read's `query` event, with what was asked, before the answer is sent (the answer is refused if it cannot be recorded). */
async function recordRead(request: FastifyRequest, asked: Record<string, string | undefined>, objects: AuditObject[]): Promise<void> {
  const base = requestAuditEvent({
    method: request.method,
    route: request.routeOptions.url,
    path: request.url,
    status: 200,
    principal: request.medveil.principal,
    address: request.ip,
    requestId: String(request.id),
    denied: false,
  });
  const detail = Object.fromEntries(Object.entries({ ...base.detail, ...asked }).filter((entry): entry is [string, string] => entry[1] !== undefined));
  await request.medveil.audit.append({ ...base, ...(objects.length === 0 ? {} : { objects }), detail });
}

function entryView(entry: AuditTrailEntry): Record<string, unknown> {
  if ('problem' in entry) return { index: entry.index, problem: entry.problem };
  const { v: _version, ...event } = entry.event;
  return { index: entry.index, ...event };
}
