/**
 * The export jobs a person started (issue 6, "Exports"), newest first: only their own, since
 * the recipient of a package is its requester (docs/exports.md). Nobody sees another's jobs,
 * not even a DSO; the audit trail is where exports are reviewed.
 */
import { MedVeilError } from '../errors.js';
import type { ExportJob, ExportJobStore } from '../storage/export-job-store.js';

export const DEFAULT_EXPORT_LIST_LIMIT = 100;
export const MAX_EXPORT_LIST_LIMIT = 1000;

export async function listExportJobs(deps: { readonly jobs: Pick<ExportJobStore, 'list'> }, userName: string, options: { readonly limit?: number } = {}): Promise<ExportJob[]> {
  const limit = options.limit ?? DEFAULT_EXPORT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXPORT_LIST_LIMIT) {
    throw new MedVeilError('usage', `an export list holds 1 to ${MAX_EXPORT_LIST_LIMIT} jobs, not ${limit}`, { hint: `ask for at most ${MAX_EXPORT_LIST_LIMIT}` });
  }
  return deps.jobs.list(userName, { limit });
}
