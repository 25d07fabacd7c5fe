/**
 * Use cases around export jobs (issue 6, "Exports"): start the export of an approved request
 * (a job, run in the background by `runExport`), show a job, and open the package for download.
 *
 * Who sees what: the requester and the accounts of the request's recipient see the job; only
 * the recipient downloads (the requester, when the recipient is `requester`), and only through
 * the job's download link, whose token binds the export, the recipient and the expiry
 * (export-recipient.ts). Anyone else is told "not found", as for a job that does not exist.
 */
import type { Readable } from 'node:stream';
import type { Clock } from '../audit/clock.js';
import type { DataDigest } from '../crypto/data-digest.js';
import { MedVeilError } from '../errors.js';
import { isBlobKey } from '../storage/blob-store.js';
import type { EncryptedBlobStore } from '../storage/encrypted-blob-store.js';
import type { ExportJob, ExportJobStore } from '../storage/export-job-store.js';
import type { RequestStore } from '../storage/request-store.js';
import type { RetentionStore } from '../storage/retention-store.js';
import { actorForUser, type ActorDeps } from './actor-for-user.js';
import { downloadLinkToken, downloadsFor, type ExportRecipientSetup, isDownloadLinkToken, REQUESTER_RECIPIENT_ID } from './export-recipient.js';
import { newExportId, runExport, type RunExportDeps } from './run-export.js';

export interface ExportJobDeps extends Omit<RunExportDeps, 'recipe' | 'pseudonymizer'> {
  readonly objects: Pick<EncryptedBlobStore, 'get' | 'put' | 'delete' | 'open'>;
  readonly jobs: ExportJobStore;
  readonly requests: Pick<RequestStore, 'get'>;
  readonly retentionItems: Pick<RetentionStore, 'get'>;
  readonly actors: ActorDeps;
  readonly clock: Clock;
  /** Every recipient by id, `requester` included (exportRecipientSetups). */
  readonly recipients: ReadonlyMap<string, ExportRecipientSetup>;
  /** The server's export key: download link tokens are keyed with it. */
  readonly exportKey: Uint8Array;
}

export type StartExportResult =
  | { readonly outcome: 'started'; readonly job: ExportJob; readonly finished: Promise<void> }
  | { readonly outcome: 'refused'; readonly reason: 'unknown-request' | 'not-an-export' | 'not-granted' | 'not-the-requester' | 'unknown-recipient'; readonly message: string };

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
  const recipientId = request.content.recipient ?? REQUESTER_RECIPIENT_ID;
  const setup = deps.recipients.get(recipientId);
  if (setup === undefined) return { outcome: 'refused', reason: 'unknown-recipient', message: `the request's recipient ${recipientId} is no longer configured on this server` };
  const lookup = await actorForUser(deps.actors, userName);
  if (lookup.outcome !== 'found') return { outcome: 'refused', reason: 'not-the-requester', message: 'your account cannot act now' };
  const job = await deps.jobs.create({ id: newExportId(), requestId, requester: userName, recipient: recipientId }, deps.clock.now());
  const finished = (async () => {
    try {
      const report = await runExport({ ...deps, recipe: setup.recipe, pseudonymizer: setup.pseudonymizer }, {
        request,
        who: lookup.user,
        exportId: job.id,
        recipient: recipientId,
        onProgress: (done, total) => deps.jobs.progress(job.id, done, total, deps.clock.now()),
      });
      await deps.jobs.finish(job.id, {
        blobKey: report.blobKey, dataKeyId: report.dataKeyId, zipBytes: report.zipBytes, zipSha256: report.zipSha256, digests: report.digests,
        retentionId: report.retentionId, expiresAt: report.expiresAt, instances: report.instances, quarantined: report.quarantined,
      }, deps.clock.now());
    } catch (error) {
      const failure = error instanceof MedVeilError && error.code !== 'internal' ? error.message : 'the export failed; the server log has the details';
      await deps.jobs.fail(job.id, failure, deps.clock.now()).catch(() => undefined);
    }
  })();
  return { outcome: 'started', job, finished };
}

/** The job, for its requester and its recipient's accounts only. */
export async function findExportJob(deps: Pick<ExportJobDeps, 'jobs' | 'recipients'>, userName: string, id: string): Promise<ExportJob | undefined> {
  const job = await deps.jobs.get(id);
  if (job === undefined) return undefined;
  return job.requester === userName || mayDownload(deps, job, userName) ? job : undefined;
}

function mayDownload(deps: Pick<ExportJobDeps, 'recipients'>, job: ExportJob, userName: string): boolean {
  const recipient = deps.recipients.get(job.recipient)?.recipient;
  return recipient !== undefined && downloadsFor(recipient, job.requester, userName);
}

/** The download link of a finished job (a path with its token), for those who may see the job. */
export function exportDownloadLink(deps: Pick<ExportJobDeps, 'exportKey'>, job: ExportJob): string | undefined {
  if (job.state !== 'finished' || job.package === undefined) return undefined;
  const token = downloadLinkToken(deps.exportKey, { exportId: job.id, recipientId: job.recipient, expiresAt: job.package.expiresAt });
  return `/api/exports/${job.id}/download?link=${token}`;
}

export type OpenExportResult =
  | { readonly outcome: 'ready'; readonly job: ExportJob; readonly size: number; readonly digests: readonly DataDigest[]; readonly stream: Readable }
  | { readonly outcome: 'not-found' }
  | { readonly outcome: 'not-the-recipient' }
  | { readonly outcome: 'not-ready'; readonly state: ExportJob['state'] }
  | { readonly outcome: 'expired' };

/**
 * The package's plaintext for its recipient, through its download link, while it lives (before
 * its expiry, and not purged), opened from the object store: its first segment has verified,
 * so a destroyed key or a damaged object is an error here, before a byte is sent. A later
 * damaged segment ends the stream with an error, which the caller must treat as a failed
 * download. A link that is not the job's is "not found", as for a job that does not exist.
 */
export async function openExportPackage(
  deps: Pick<ExportJobDeps, 'jobs' | 'retentionItems' | 'clock' | 'objects' | 'recipients' | 'exportKey'>,
  userName: string,
  id: string,
  link: string | undefined,
): Promise<OpenExportResult> {
  const job = await findExportJob(deps, userName, id);
  if (job === undefined) return { outcome: 'not-found' };
  if (!mayDownload(deps, job, userName)) return { outcome: 'not-the-recipient' };
  if (job.state !== 'finished' || job.package === undefined) return { outcome: 'not-ready', state: job.state };
  const bound = { exportId: job.id, recipientId: job.recipient, expiresAt: job.package.expiresAt };
  if (link === undefined || !isDownloadLinkToken(deps.exportKey, bound, link)) return { outcome: 'not-found' };
  const item = await deps.retentionItems.get(job.package.retentionId);
  if (item === undefined || item.purgedAt !== undefined || !(deps.clock.now() < item.expiresAt) || !isBlobKey(job.package.blobKey)) return { outcome: 'expired' };
  const opened = await deps.objects.open(job.package.blobKey);
  if (opened === undefined || opened.size !== job.package.zipBytes) {
    opened?.stream.destroy();
    return { outcome: 'expired' };
  }
  return { outcome: 'ready', job, size: opened.size, digests: job.package.digests, stream: opened.stream };
}
