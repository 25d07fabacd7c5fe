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
  /** The sealed zip in the encrypted object store, and the data key only it is sealed under. */
  readonly blobKey: string;
  readonly dataKeyId: string;
  readonly zipBytes: number;
  readonly zipSha256: string;
  /** The zip's digests: SHA-256, and SM3 under the gm suite. */
  readonly digests: readonly { readonly algorithm: 'sha256' | 'sm3'; readonly value: string }[];
  readonly retentionId: string;
  readonly expiresAt: number;
  readonly instances: number;
  readonly quarantined: readonly QuarantinedInstance[];
}

export interface ExportJob {
  /** 32 lowercase hex digits, random: it names the package's folder too. */
  readonly id: string;
  readonly requestId: string;
  /** The requester's account: they see the job, and download the package when they are its recipient. */
  readonly requester: string;
  /** Who the package is for (the request's recipient, src/gateway/export-recipient.ts). */
  readonly recipient: string;
  readonly state: ExportJobState;
  readonly done: number;
  readonly total: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly package?: ExportPackage;
  readonly failure?: string;
}

export interface ExportJobStore {
  create(job: { id: string; requestId: string; requester: string; recipient: string }, at: number): Promise<ExportJob>;
  get(id: string): Promise<ExportJob | undefined>;
  /** Jobs `queued` or `running`, oldest first (after a restart, nobody runs them). */
  unfinished(): Promise<ExportJob[]>;
  /** Jobs of the requester, or for one of the recipients, newest first (by `createdAt`, then by order of creation), at most `limit` of them. */
  list(viewer: { readonly requester: string; readonly recipients: readonly string[] }, options: { readonly limit: number }): Promise<ExportJob[]>;
  progress(id: string, done: number, total: number, at: number): Promise<void>;
  finish(id: string, result: ExportPackage, at: number): Promise<void>;
  fail(id: string, failure: string, at: number): Promise<void>;
  close(): Promise<void>;
}
