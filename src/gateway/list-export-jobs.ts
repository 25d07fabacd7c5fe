/**
 * The export jobs a person may see (issue 6, "Exports"), newest first: those they started, and
 * those made for a recipient they download for (docs/exports.md). Nobody sees another's jobs,
 * not even a DSO; the audit trail is where exports are reviewed.
 */
import { MedVeilError } from '../errors.js';
import type { ExportJob, ExportJobStore } from '../storage/export-job-store.js';
import type { ExportRecipientSetup } from './export-recipient.js';

export const DEFAULT_EXPORT_LIST_LIMIT = 100;
export const MAX_EXPORT_LIST_LIMIT = 1000;

export async function listExportJobs(
  deps: { readonly jobs: Pick<ExportJobStore, 'list'>; readonly recipients: ReadonlyMap<string, ExportRecipientSetup> },
  userName: string,
  options: { readonly limit?: number } = {},
): Promise<ExportJob[]> {
  const limit = options.limit ?? DEFAULT_EXPORT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXPORT_LIST_LIMIT) {
    throw new MedVeilError('usage', `an export list holds 1 to ${MAX_EXPORT_LIST_LIMIT} jobs, not ${limit}`, { hint: `ask for at most ${MAX_EXPORT_LIST_LIMIT}` });
  }
  // `requester` is never in a list of accounts: its downloader is each job's own requester.
  const recipients = [...deps.recipients.values()].filter((setup) => setup.recipient.accounts.includes(userName)).map((setup) => setup.recipient.id);
  return deps.jobs.list({ requester: userName, recipients }, { limit });
}
