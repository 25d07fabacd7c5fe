import type { HashReader } from '../audit/merkle/hash-reader.js';

/**
 * Durable storage of the audit log (ARCHITECTURE.md, flow 5). Append-only by construction:
 * there is no method that changes or removes an event, a hash, a checkpoint or a
 * cosignature. Every method resolves only once its write is durable.
 *
 * Events are leaves: index i holds the canonical JSON bytes of event i. Hashes are the tree
 * hashes numbered as in `storedHashIndex` (src/audit/merkle/stored-hash-index.ts).
 */
export interface AuditStore extends HashReader {
  /**
   * Binds the store to one log: records `origin` on first use and throws
   * MedVeilError('audit') if the store already belongs to another origin.
   */
  bindOrigin(origin: string): Promise<void>;
  /** The origin the store was bound to, for tools that open a log's store without its config. */
  readOrigin(): Promise<string | undefined>;
  /** One more than the highest stored event index (0 when empty). */
  size(): Promise<number>;
  /**
   * Writes a batch in one transaction, then makes it durable: events at firstIndex,
   * firstIndex + 1, ... and hashes at firstHashIndex, ... Refuses, writing nothing, unless
   * `firstIndex` equals `size()` and the hash indexes continue the stored ones.
   */
  appendBatch(batch: AuditBatch): Promise<void>;
  /** The stored events with index in [start, end), in index order; a missing index is absent. */
  readEvents(start: number, end: number): Promise<StoredEvent[]>;
  /** The stored hashes with storage index in [start, end), in index order; a missing index is absent. */
  readHashRange(start: number, end: number): Promise<StoredHash[]>;
  /**
   * The hashes with storage index in [start, end) concatenated, 32 bytes each — or undefined
   * if any is missing or not 32 bytes (then use `readHashRange`). One allocation per call,
   * for `verifyLog`, which reads every hash of the log.
   */
  readHashBlock(start: number, end: number): Promise<Uint8Array | undefined>;
  /**
   * The events with index in [start, end) packed end to end in index order, with their
   * lengths — or undefined if any index in the range is missing (then use `readEvents`).
   * One allocation per call, for `verifyLog`, which reads every event of the log.
   */
  readEventBlock(start: number, end: number): Promise<EventBlock | undefined>;

  addCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  /** All checkpoints, by increasing size. */
  checkpoints(): Promise<StoredCheckpoint[]>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  /** Records a witness's cosignature of the checkpoint of `size`; a second one by the same witness is kept only if identical. */
  addCosignature(cosignature: StoredCosignature): Promise<void>;
  cosignatures(size: number): Promise<StoredCosignature[]>;
  addWitnessRefusal(refusal: WitnessRefusal): Promise<void>;
  witnessRefusals(): Promise<WitnessRefusal[]>;

  close(): Promise<void>;
}

export interface AuditBatch {
  firstIndex: number;
  leaves: Uint8Array[];
  firstHashIndex: number;
  hashes: Uint8Array[];
}

export interface StoredEvent {
  index: number;
  data: Uint8Array;
}

/** Events start, start + 1, ... end to end in `bytes`; event start + i is `lengths[i]` bytes long. */
export interface EventBlock {
  bytes: Uint8Array;
  lengths: Uint32Array;
}

export interface StoredHash {
  index: number;
  hash: Uint8Array;
}

export interface StoredCheckpoint {
  size: number;
  /** The signed note (c2sp.org/tlog-checkpoint) exactly as issued. */
  note: string;
  /** When the log issued it, ms since the epoch. */
  issuedAt: number;
}

export interface StoredCosignature {
  size: number;
  /** The witness's key name. */
  witness: string;
  /** The cosignature line `— <name> <base64>` (c2sp.org/tlog-cosignature), without newline. */
  line: string;
  receivedAt: number;
}

/** A witness that would not cosign: HTTP 409 (conflict: rollback or fork), 422 (bad proof), or another failure. */
export interface WitnessRefusal {
  size: number;
  witness: string;
  status: number;
  message: string;
  at: number;
}
