import type { AuditEvent } from '../audit/event/audit-event.js';
import type { AuditEventIndex } from '../storage/audit-event-index.js';
import type { AuditStore } from '../storage/audit-store.js';

/**
 * What the audit trail's readers (the audit API, issue 7's audit page) need: the log's store,
 * read only; the search index derived from it; and the public keys a browser verifies with.
 */
export interface AuditTrailDeps {
  readonly store: Pick<AuditStore, 'size' | 'readEvents' | 'readHashes' | 'latestCheckpoint' | 'cosignatures'>;
  readonly index: AuditEventIndex;
  /** The log's origin line (audit.origin). */
  readonly origin: string;
  /** The log's verifier keys (vkeys: Ed25519, and SM2 under the gm suite). */
  readonly logKeys: readonly string[];
  /** The vkeys (cosignature/v1) of the witnesses the log's checkpoints are submitted to. */
  readonly witnessKeys: readonly string[];
  /** Signs a checkpoint now (and has the witnesses cosign it), for a receipt of an event no checkpoint covers yet. */
  readonly checkpointNow?: () => Promise<void>;
}

/** One event of the log as read back from it; an event that is not a valid audit event (a damaged log) says so instead. */
export type AuditTrailEntry =
  | { readonly index: number; readonly event: AuditEvent }
  | { readonly index: number; readonly problem: string };
