/**
 * Export jobs (issue 6, "Exports"): one per run of an approved export request, its state and
 * progress for the requester, and once finished what was made. States: `queued` (made, not yet
 * started), `running` (`done` of `total` instances handled), `finished` (the package exists
 * until `expiresAt`), `failed` (nothing was kept; `failure` says why without naming data).
 */

export const EXPORT_JOB_STATES = ['queued', 'running', 'finished', 'failed'] as const;
export type ExportJobState = (typeof EXPORT_JOB_STATES)[number];

/** An instance left out of a package: its place in the export's order, and why. */
export interface QuarantinedInstance {
  readonly ordinal: number;
  readonly reason: string;
}

export interface ExportPackage {
  /** Relative to the data folder. */
  readonly zip: string;
  readonly zipBytes: number;
  readonly zipSha256: string;
  readonly retentionId: string;
  readonly expiresAt: number;
  readonly instances: number;
  readonly quarantined: readonly QuarantinedInstance[];
}

export interface ExportJob {
  /** 32 lowercase hex digits, random: it names the package's folder too. */
  readonly id: string;
  readonly requestId: string;
  /** The requester's account: the one who may see the job and download the package. */
  readonly requester: string;
  readonly state: ExportJobState;
  readonly done: number;
  readonly total: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly package?: ExportPackage;
  readonly failure?: string;
}

export interface ExportJobStore {
  create(job: { id: string; requestId: string; requester: string }, at: number): Promise<ExportJob>;
  get(id: string): Promise<ExportJob | undefined>;
  /** The requester's jobs, newest first (by `createdAt`, then by order of creation), at most `limit` of them. */
  list(requester: string, options: { readonly limit: number }): Promise<ExportJob[]>;
  progress(id: string, done: number, total: number, at: number): Promise<void>;
  finish(id: string, result: ExportPackage, at: number): Promise<void>;
  fail(id: string, failure: string, at: number): Promise<void>;
  close(): Promise<void>;
}
