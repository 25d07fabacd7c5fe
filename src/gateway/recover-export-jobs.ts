/**
 * Use case: at start-up, end the export jobs a stopped server left `queued` or `running` (issue
 * 6, "Exports"; a job runs inside the server process, so after a restart nobody runs it). Each
 * such job is marked failed, with a message telling its requester to start the export again,
 * and what it may have left is destroyed at once rather than at its retention expiry: its
 * working folder, a package object it may have begun to write, and that object's data key.
 * Each is recorded as an `export` event of the system with outcome `serious-failure`.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../audit/clock.js';
import type { EncryptedBlobStore } from '../storage/encrypted-blob-store.js';
import type { ExportJobStore } from '../storage/export-job-store.js';
import type { AuditAppender } from './audit-actor.js';
import { EXPORTS_FOLDER, packageBlobKey, packageKeyScope } from './run-export.js';

export interface RecoverExportJobsDeps {
  readonly jobs: Pick<ExportJobStore, 'unfinished' | 'fail'>;
  readonly objects: Pick<EncryptedBlobStore, 'delete' | 'destroyScopeKey'>;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly dataDir: string;
}

export const INTERRUPTED_EXPORT = 'the server stopped while this export ran; nothing of it was kept: start the export again';

/** Ends every unfinished job; returns their ids. */
export async function recoverExportJobs(deps: RecoverExportJobsDeps): Promise<string[]> {
  const ended: string[] = [];
  for (const job of await deps.jobs.unfinished()) {
    await rm(join(deps.dataDir, EXPORTS_FOLDER, job.id), { recursive: true, force: true });
    await deps.objects.delete(packageBlobKey(job.id));
    const dataKeyId = await deps.objects.destroyScopeKey(packageKeyScope(job.id));
    await deps.audit.append({
      type: 'export',
      outcome: 'serious-failure',
      actor: { user: 'medveil' },
      detail: { exportId: job.id, requestId: job.requestId, step: 'recovery', state: job.state, ...(dataKeyId === undefined ? {} : { dataKeys: dataKeyId }) },
    });
    await deps.jobs.fail(job.id, INTERRUPTED_EXPORT, deps.clock.now());
    ended.push(job.id);
  }
  return ended;
}
