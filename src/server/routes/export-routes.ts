import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditActorOf } from '../../gateway/audit-actor.js';
import { type ExportJobDeps, exportDownloadLink, findExportJob, openExportPackage, startExport } from '../../gateway/export-jobs.js';
import { DEFAULT_EXPORT_LIST_LIMIT, listExportJobs, MAX_EXPORT_LIST_LIMIT } from '../../gateway/list-export-jobs.js';
import type { ExportJob } from '../../storage/export-job-store.js';
import { sessionOf } from '../http-context.js';
import { errorResponses } from './schemas.js';

export type ExportRouteDeps = ExportJobDeps;

const requestIdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', description: 'the export request id' } },
  required: ['id'],
  additionalProperties: false,
} as const;

const exportIdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9a-f]{32}$', description: 'the export job id' } },
  required: ['id'],
  additionalProperties: false,
} as const;

const jobViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    requestId: { type: 'string' },
    recipient: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } }, required: ['id', 'name'] },
    state: { type: 'string', enum: ['queued', 'running', 'finished', 'failed'] },
    done: { type: 'integer' },
    total: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    failure: { type: 'string' },
    package: {
      type: 'object',
      properties: {
        bytes: { type: 'integer' },
        sha256: { type: 'string' },
        digests: { type: 'array', items: { type: 'object', properties: { algorithm: { type: 'string' }, value: { type: 'string' } }, required: ['algorithm', 'value'] } },
        download: { type: 'string', description: "the download link: a path with a token bound to this export, its recipient and its expiry; only the recipient's accounts may use it" },
        expiresAt: { type: 'string', format: 'date-time' },
        instances: { type: 'integer' },
        quarantined: { type: 'array', items: { type: 'object', properties: { ordinal: { type: 'integer' }, reason: { type: 'string' } }, required: ['ordinal', 'reason'] } },
      },
      required: ['bytes', 'sha256', 'digests', 'download', 'expiresAt', 'instances', 'quarantined'],
    },
  },
  required: ['id', 'requestId', 'state', 'done', 'total', 'createdAt', 'updatedAt'],
} as const;

function jobView(deps: ExportRouteDeps, job: ExportJob): Record<string, unknown> {
  return {
    id: job.id,
    requestId: job.requestId,
    recipient: { id: job.recipient, name: deps.recipients.get(job.recipient)?.recipient.name ?? job.recipient },
    state: job.state,
    done: job.done,
    total: job.total,
    createdAt: new Date(job.createdAt).toISOString(),
    updatedAt: new Date(job.updatedAt).toISOString(),
    ...(job.failure === undefined ? {} : { failure: job.failure }),
    ...(job.package === undefined
      ? {}
      : {
          package: {
            bytes: job.package.zipBytes,
            sha256: job.package.zipSha256,
            digests: job.package.digests,
            download: exportDownloadLink(deps, job),
            expiresAt: new Date(job.package.expiresAt).toISOString(),
            instances: job.package.instances,
            quarantined: job.package.quarantined,
          },
        }),
  };
}

/** Another's job and a missing one are told apart by nobody: both are a `deny` event and 404. */
function refuseUnknown(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  request.medveil.reason = 'unknown-export';
  request.medveil.denied = true;
  return reply.code(404).send({ error: 'unknown-export', message: 'no such export of yours' });
}

/**
 * Export jobs (issue 6): the requester of an approved export request starts its job, follows
 * it, and downloads the package while it lives. Everyone else gets 404 for a job, as for a job
 * that does not exist.
 */
export function registerExportRoutes(app: FastifyInstance, deps: ExportRouteDeps): void {
  app.post<{ Params: { id: string } }>(
    '/api/requests/:id/export',
    {
      config: { access: 'session', auditType: 'request' },
      schema: {
        summary: 'Start the export of your approved export request: a job that de-identifies every instance, cleans the pixels and packages them (a media folder with a DICOMDIR, zipped)',
        tags: ['exports'],
        params: requestIdParams,
        response: { 202: jobViewSchema, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const result = await startExport(deps, sessionOf(request).user.name, request.params.id);
      if (result.outcome === 'refused') {
        request.medveil.reason = result.reason;
        request.medveil.denied ||= result.reason === 'not-the-requester';
        const status = result.reason === 'not-an-export' || result.reason === 'not-granted' || result.reason === 'unknown-recipient' ? 409 : 404;
        return reply.code(status).send({ error: result.reason, message: result.message });
      }
      return reply.code(202).send(jobView(deps, result.job));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/exports/:id',
    {
      config: { access: 'session', auditType: 'query' },
      schema: { summary: 'Your export job: its state, its progress, and once finished its package', tags: ['exports'], params: exportIdParams, response: { 200: jobViewSchema, ...errorResponses(404) } },
    },
    async (request, reply) => {
      const job = await findExportJob(deps, sessionOf(request).user.name, request.params.id);
      if (job === undefined) return refuseUnknown(request, reply);
      return jobView(deps, job);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { link?: string } }>(
    '/api/exports/:id/download',
    {
      config: { access: 'session', auditType: 'download' },
      schema: {
        summary: "Download an export package (a zip) through its link, as one of its recipient's accounts, until it expires; each download is audited with the package's digests",
        tags: ['exports'],
        params: exportIdParams,
        querystring: { type: 'object', properties: { link: { type: 'string', maxLength: 64, description: "the token of the job's download link" } }, additionalProperties: false },
        response: { ...errorResponses(403, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user;
      const opened = await openExportPackage(deps, user.name, request.params.id, request.query.link);
      if (opened.outcome === 'not-found') return refuseUnknown(request, reply);
      if (opened.outcome === 'not-the-recipient') {
        request.medveil.reason = 'not-the-recipient';
        request.medveil.denied = true;
        return reply.code(403).send({ error: 'not-the-recipient', message: "only the export's recipient downloads its package; hand them the download link" });
      }
      if (opened.outcome === 'not-ready') return reply.code(409).send({ error: 'export-not-ready', message: `the export is ${opened.state}` });
      if (opened.outcome === 'expired') return reply.code(410).send({ error: 'export-expired', message: 'the package has expired and was destroyed' });
      try {
        await request.medveil.audit.append({
          type: 'download',
          outcome: 'success',
          actor: auditActorOf(user),
          digests: [...opened.digests],
          detail: { exportId: opened.job.id, requestId: opened.job.requestId },
        });
      } catch (error) {
        opened.stream.destroy();
        throw error;
      }
      // A segment that fails to open later aborts the response: the client sees a cut download.
      return reply
        .type('application/zip')
        .header('content-length', String(opened.size))
        .header('content-disposition', `attachment; filename="export-${opened.job.id}.zip"`)
        .send(opened.stream);
    },
  );

  app.get<{ Querystring: { limit?: string } }>(
    '/api/exports',
    {
      config: { access: 'session', auditType: 'query' },
      schema: {
        summary: 'Your export jobs, newest first (never anyone else\'s), each as GET /api/exports/{id} shows it',
        tags: ['exports'],
        querystring: {
          type: 'object',
          properties: { limit: { type: 'string', pattern: '^[0-9]{1,9}$', description: `at most this many jobs, 1 to ${MAX_EXPORT_LIST_LIMIT} (default ${DEFAULT_EXPORT_LIST_LIMIT})` } },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { exports: { type: 'array', items: jobViewSchema } }, required: ['exports'] }, ...errorResponses(400) },
      },
    },
    async (request) => {
      const jobs = await listExportJobs(deps, sessionOf(request).user.name, request.query.limit === undefined ? {} : { limit: Number(request.query.limit) });
      return { exports: jobs.map((job) => jobView(deps, job)) };
    },
  );
}
