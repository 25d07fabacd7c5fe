/**
 * Use cases around export jobs (issue 6, "Exports"): start the export of an approved request
 * (a job, run in the background by `runExport`), show a job to its requester, and open the
 * package for download. The recipient is the requester's own account for now: only they see
 * the job and download the package (docs/exports.md). Anyone else is told "not found", as for
 * a job that does not exist.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../audit/clock.js';
import { MedVeilError } from '../errors.js';
import type { ExportJob, ExportJobStore } from '../storage/export-job-store.js';
import type { RequestStore } from '../storage/request-store.js';
import type { RetentionStore } from '../storage/retention-store.js';
import { actorForUser, type ActorDeps } from './actor-for-user.js';
import { newExportId, runExport, type RunExportDeps } from './run-export.js';

export interface ExportJobDeps extends RunExportDeps {
  readonly jobs: ExportJobStore;
  readonly requests: Pick<RequestStore, 'get'>;
  readonly retentionItems: Pick<RetentionStore, 'get'>;
  readonly actors: ActorDeps;
  readonly clock: Clock;
}

export type StartExportResult =
  | { readonly outcome: 'started'; readonly job: ExportJob; readonly finished: Promise<void> }
  | { readonly outcome: 'refused'; readonly reason: 'unknown-request' | 'not-an-export' | 'not-granted' | 'not-the-requester'; readonly message: string };

/**
 * Makes a job for the request and starts it. Refuses at once what cannot start (so the caller
 * gets a 4xx); `runExport` checks the grant again when it runs, and records the decision.
 * `finished` settles when the job has finished or failed; it never rejects.
 */
export async function startExport(deps: ExportJobDeps, userName: string, requestId: string): Promise<StartExportResult> {
  const request = await deps.requests.get(requestId);
  if (request === undefined || request.content.requester !== userName) {
    return { outcome: 'refused', reason: request === undefined ? 'unknown-request' : 'not-the-requester', message: 'no such request of yours' };
  }
  if (request.content.kind !== 'export') return { outcome: 'refused', reason: 'not-an-export', message: 'this request is for access, not for an export' };
  if (request.status !== 'granted') return { outcome: 'refused', reason: 'not-granted', message: `the request is ${request.status}, not granted` };
  const lookup = await actorForUser(deps.actors, userName);
  if (lookup.outcome !== 'found') return { outcome: 'refused', reason: 'not-the-requester', message: 'your account cannot act now' };
  const job = await deps.jobs.create({ id: newExportId(), requestId, requester: userName }, deps.clock.now());
  const finished = (async () => {
    try {
      const report = await runExport(deps, {
        request,
        who: lookup.user,
        exportId: job.id,
        onProgress: (done, total) => deps.jobs.progress(job.id, done, total, deps.clock.now()),
      });
      await deps.jobs.finish(job.id, {
        zip: report.zip, zipBytes: report.zipBytes, zipSha256: report.zipSha256, retentionId: report.retentionId,
        expiresAt: report.expiresAt, instances: report.instances, quarantined: report.quarantined,
      }, deps.clock.now());
    } catch (error) {
      const failure = error instanceof MedVeilError && error.code !== 'internal' ? error.message : 'the export failed; the server log has the details';
      await deps.jobs.fail(job.id, failure, deps.clock.now()).catch(() => undefined);
    }
  })();
  return { outcome: 'started', job, finished };
}

/** The job, only for its requester. */
export async function findExportJob(deps: Pick<ExportJobDeps, 'jobs'>, userName: string, id: string): Promise<ExportJob | undefined> {
  const job = await deps.jobs.get(id);
  return job !== undefined && job.requester === userName ? job : undefined;
}

export type OpenExportResult =
  | { readonly outcome: 'ready'; readonly job: ExportJob; readonly path: string; readonly size: number; readonly sha256: string }
  | { readonly outcome: 'not-found' }
  | { readonly outcome: 'not-ready'; readonly state: ExportJob['state'] }
  | { readonly outcome: 'expired' };

/** The package's file for its requester, while it lives (before its expiry, and not purged). */
export async function openExportPackage(deps: Pick<ExportJobDeps, 'jobs' | 'retentionItems' | 'clock' | 'dataDir'>, userName: string, id: string): Promise<OpenExportResult> {
  const job = await findExportJob(deps, userName, id);
  if (job === undefined) return { outcome: 'not-found' };
  if (job.state !== 'finished' || job.package === undefined) return { outcome: 'not-ready', state: job.state };
  const item = await deps.retentionItems.get(job.package.retentionId);
  if (item === undefined || item.purgedAt !== undefined || !(deps.clock.now() < item.expiresAt)) return { outcome: 'expired' };
  const path = join(deps.dataDir, ...job.package.zip.split('/'));
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile()) return { outcome: 'expired' };
  return { outcome: 'ready', job, path, size: info.size, sha256: job.package.zipSha256 };
}
