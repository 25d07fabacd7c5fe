import { timingSafeEqual } from 'node:crypto';
import { MedVeilError, internalError } from '../../errors.js';
import type { AuditStore, StoredCheckpoint, StoredCosignature } from '../../storage/audit-store.js';
import type { Clock } from '../clock.js';
import type { AuditEvent, AuditEventInput } from '../event/audit-event.js';
import { encodeAuditEvent } from '../event/encode-audit-event.js';
import { CompactRange } from '../merkle/compact-range.js';
import { consistencyProof } from '../merkle/consistency-proof.js';
import { leafHash } from '../merkle/hash.js';
import { inclusionProof } from '../merkle/inclusion-proof.js';
import { storedHashCount } from '../merkle/stored-hash-index.js';
import { treeRoot } from '../merkle/tree-root.js';
import { verifyConsistency } from '../merkle/verify.js';
import { formatCheckpoint, parseCheckpoint } from '../note/checkpoint.js';
import { parseNote } from '../note/parse-note.js';

/**
 * Signs a checkpoint's note text (c2sp.org/tlog-checkpoint) and returns the whole signed note
 * (c2sp.org/signed-note): the composition root passes `(body) => signNote(body, signers)`.
 */
export type CheckpointSigner = (body: string) => string | Promise<string>;

/**
 * Submits a signed checkpoint to the log's witnesses (c2sp.org/tlog-witness) and reports what
 * they answered; `proofFrom(oldSize)` gives the consistency proof a witness asks for. The
 * composition root adapts `witnessCheckpoint` from src/audit/witness to this shape.
 */
export type CheckpointWitnessing = (request: {
  checkpoint: string;
  size: number;
  proofFrom: (oldSize: number) => Promise<Uint8Array[]>;
}) => Promise<WitnessingOutcome>;

export interface WitnessingOutcome {
  cosignatures: { witness: string; line: string }[];
  refusals: { witness: string; status: number; message: string }[];
}

export interface AuditLogOptions {
  store: AuditStore;
  /** The log's origin line, e.g. `medveil.example-hospital.org/audit` (c2sp.org/tlog-checkpoint). */
  origin: string;
  clock: Clock;
  signer?: CheckpointSigner;
  witnessing?: CheckpointWitnessing;
  /** At most this many events share one durable commit (default 1000). */
  maxBatch?: number;
  /** At most this many commits queued at the store at once (default 2). */
  maxInFlight?: number;
}

export interface InclusionProofResult {
  index: number;
  size: number;
  leafHash: Uint8Array;
  proof: Uint8Array[];
  rootHash: Uint8Array;
}

interface PendingAppend {
  leaf: Uint8Array;
  resolve: (result: { index: number }) => void;
  reject: (error: unknown) => void;
}

/**
 * The tamper-evident audit log: an RFC 6962 tree of canonical-JSON events in an AuditStore.
 *
 * Appends are group-committed: every `append` made before the log gets to run joins the next
 * batch, which the store writes in one transaction with one sync to disk; each promise
 * resolves with its index only after that commit, and rejects — with nothing written — if it
 * fails (the caller must then fail closed). Indices are contiguous and never reused.
 * The log holds the tree's right border in memory, so appends read nothing; proofs read
 * O(log n) stored hashes. There is no method that edits or deletes an event.
 */
export class AuditLog {
  readonly origin: string;
  readonly #store: AuditStore;
  readonly #clock: Clock;
  readonly #signer: CheckpointSigner | undefined;
  readonly #witnessing: CheckpointWitnessing | undefined;
  #lastWitnessedSize: number | undefined;
  readonly #maxBatch: number;
  /** The durable tree: what the store has committed. */
  #range: CompactRange;
  /** The tree including batches in flight to the store. */
  #tail: CompactRange;
  readonly #maxInFlight: number;
  #inFlight = 0;
  #failure: unknown;
  #recovering: Promise<void> | undefined;
  #idleWaiters: (() => void)[] = [];
  #pending: PendingAppend[] = [];
  #flushScheduled = false;
  #broken: unknown;
  #closed = false;
  #checkpointing: Promise<StoredCheckpoint> | undefined;
  #timer: NodeJS.Timeout | undefined;

  private constructor(options: AuditLogOptions, range: CompactRange) {
    this.origin = options.origin;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#signer = options.signer;
    this.#witnessing = options.witnessing;
    this.#maxBatch = options.maxBatch ?? 1000;
    this.#maxInFlight = options.maxInFlight ?? 2;
    this.#range = range;
    this.#tail = range.clone();
  }

  /** Opens the log over `store`, reading its size and right border (O(log n) reads). */
  static async open(options: AuditLogOptions): Promise<AuditLog> {
    if (options.origin.length === 0 || /[\n\r]/.test(options.origin)) {
      throw new MedVeilError('usage', 'a log origin is one non-empty line', { hint: 'set audit.origin, e.g. medveil.example.org/audit' });
    }
    await options.store.bindOrigin(options.origin);
    const range = await loadRange(options.store);
    await requireLatestCheckpointHolds(options.store, range);
    return new AuditLog(options, range);
  }

  /** The number of events durably in the log. */
  size(): number {
    return this.#range.size;
  }

  /** The RFC 6962 root hash of the durable log. */
  rootHash(): Uint8Array {
    return this.#range.root();
  }

  /**
   * Appends one event, stamped with the log's clock unless `input.time` is set. Resolves with
   * the event's index once it is durable. Invalid events reject at once, before any write.
   */
  append(input: AuditEventInput): Promise<{ index: number }> {
    if (this.#closed) return Promise.reject(new MedVeilError('audit', 'the audit log is closed'));
    if (this.#broken !== undefined) return Promise.reject(this.#brokenError());
    let leaf: Uint8Array;
    try {
      const event: AuditEvent = { ...input, v: 1, time: input.time ?? new Date(this.#clock.now()).toISOString() };
      leaf = encodeAuditEvent(event);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.#pending.push({ leaf, resolve, reject });
      this.#scheduleFlush();
    });
  }

  #brokenError(): MedVeilError {
    return new MedVeilError('audit', 'the audit log cannot write after a storage failure; nothing is served until it is reopened', {
      cause: this.#broken,
      hint: 'check the audit database, then restart MedVeil',
    });
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // setImmediate lets every append issued in this turn of the event loop join one batch.
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#dispatch();
    });
  }

  /**
   * Sends batches to the store, up to `#maxInFlight` at once: while one commit waits for the
   * disk the next is already hashed and queued behind it. The store commits them in order
   * and refuses any that does not continue the stored log, so when one fails, every later
   * one in flight fails too; new batches wait until the log has re-read the store.
   */
  #dispatch(): void {
    while (this.#pending.length > 0 && this.#inFlight < this.#maxInFlight && this.#failure === undefined && this.#recovering === undefined) {
      const batch = this.#pending.splice(0, this.#maxBatch);
      if (this.#broken !== undefined) {
        for (const item of batch) item.reject(this.#brokenError());
        continue;
      }
      const next = this.#tail.clone();
      const firstIndex = next.size;
      const hashes: Uint8Array[] = [];
      for (const item of batch) hashes.push(...next.append(leafHash(item.leaf)));
      this.#tail = next;
      this.#inFlight++;
      let write: Promise<void>;
      try {
        write = this.#store.appendBatch({ firstIndex, leaves: batch.map((item) => item.leaf), firstHashIndex: storedHashCount(firstIndex), hashes });
      } catch (error) {
        write = Promise.reject(error);
      }
      write.then(
        () => {
          this.#range = next;
          batch.forEach((item, i) => item.resolve({ index: firstIndex + i }));
        },
        (error: unknown) => {
          const failure = new MedVeilError('audit', `audit append failed; ${batch.length} events were not recorded`, { cause: error });
          for (const item of batch) item.reject(failure);
          this.#failure ??= error;
        },
      ).finally(() => {
        this.#inFlight--;
        if (this.#inFlight === 0 && this.#failure !== undefined) {
          const cause = this.#failure;
          this.#failure = undefined;
          this.#recovering = this.#resync(cause).finally(() => {
            this.#recovering = undefined;
            this.#tail = this.#range.clone();
            this.#dispatch();
            this.#notifyIdle();
          });
        } else {
          this.#dispatch();
          this.#notifyIdle();
        }
      });
    }
    this.#notifyIdle();
  }

  #isIdle(): boolean {
    return this.#pending.length === 0 && this.#inFlight === 0 && !this.#flushScheduled && this.#recovering === undefined;
  }

  #notifyIdle(): void {
    if (!this.#isIdle()) return;
    for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  // After a failed commit the store should hold exactly what it held before; if it cannot
  // be read back to that state, refuse every further append rather than guess.
  async #resync(cause: unknown): Promise<void> {
    try {
      const range = await loadRange(this.#store);
      if (range.size !== this.#range.size) throw internalError(`audit store size ${range.size} after a failed commit, expected ${this.#range.size}`);
      this.#range = range;
    } catch (error) {
      this.#broken = error instanceof Error ? error : cause;
    }
  }

  /** Waits until every append made so far has been committed or rejected. */
  drain(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** The audit path of event `index` in the tree of `size` events (default: the current size). */
  async proveInclusion(index: number, size = this.size()): Promise<InclusionProofResult> {
    this.#requireSize(size);
    const [event] = await this.#store.readEvents(index, index + 1);
    if (event === undefined || event.index !== index || index >= size) {
      throw new MedVeilError('usage', `no event ${index} in a log of ${size} events`, { hint: 'run `medveil audit tail` to see the latest index' });
    }
    return {
      index,
      size,
      leafHash: leafHash(event.data),
      proof: await inclusionProof(index, size, this.#store),
      rootHash: await treeRoot(size, this.#store),
    };
  }

  /** The RFC 6962 consistency proof from `size1` to `size2` (default: the current size). */
  async proveConsistency(size1: number, size2 = this.size()): Promise<Uint8Array[]> {
    this.#requireSize(size2);
    return consistencyProof(size1, size2, this.#store);
  }

  /** The RFC 6962 root of the first `size` events. */
  async rootAt(size: number): Promise<Uint8Array> {
    this.#requireSize(size);
    return treeRoot(size, this.#store);
  }

  #requireSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size()) {
      throw new MedVeilError('usage', `the log has ${this.size()} events, not ${size}`);
    }
  }

  /** The stored event at `index`, as bytes (its canonical JSON). */
  async readEvent(index: number): Promise<Uint8Array | undefined> {
    const [event] = await this.#store.readEvents(index, index + 1);
    return event?.index === index ? event.data : undefined;
  }

  /**
   * Signs and stores a checkpoint of the current durable size, unless the latest one already
   * covers it, and returns the latest. Before storing, the new root is proved consistent with
   * the previous checkpoint, so the log never issues a checkpoint that forks its own history.
   */
  checkpoint(): Promise<StoredCheckpoint> {
    // One at a time: two concurrent calls must not race to store the same size.
    const run = (this.#checkpointing ?? Promise.resolve()).catch(() => undefined).then(() => this.#issueCheckpoint());
    this.#checkpointing = run;
    return run;
  }

  async #issueCheckpoint(): Promise<StoredCheckpoint> {
    if (this.#signer === undefined) throw new MedVeilError('usage', 'this audit log has no checkpoint signing key', { hint: 'configure the log signing key file' });
    const size = this.#range.size;
    const rootHash = this.#range.root();
    const previous = await this.#store.latestCheckpoint();
    if (previous !== undefined) {
      if (previous.size === size) return previous;
      if (previous.size > size) throw internalError(`latest checkpoint has size ${previous.size} but the log holds ${size} events`);
      if (previous.size > 0) {
        const old = parseCheckpoint(parseNote(previous.note).body);
        verifyConsistency(old.size, size, await consistencyProof(old.size, size, this.#store), old.rootHash, rootHash);
      }
    }
    const body = formatCheckpoint({ origin: this.origin, size, rootHash });
    const note = await this.#signer(body);
    if (!note.startsWith(`${body}\n`)) throw internalError('the checkpoint signer returned a note for another text');
    const stored = { size, note, issuedAt: this.#clock.now() };
    await this.#store.addCheckpoint(stored);
    return stored;
  }

  /**
   * Submits a stored checkpoint (default: the latest) to the witnesses, stores each
   * cosignature and records each refusal — in the store and as a `witness-refusal` event.
   */
  async witness(checkpoint?: StoredCheckpoint): Promise<WitnessingOutcome> {
    if (this.#witnessing === undefined) throw new MedVeilError('usage', 'this audit log has no witnesses configured', { hint: 'list the witnesses in the audit configuration' });
    const target = checkpoint ?? (await this.#store.latestCheckpoint());
    if (target === undefined) throw new MedVeilError('usage', 'the log has issued no checkpoint yet', { hint: 'issue one first (medveil audit checkpoint)' });
    const size = target.size;
    const outcome = await this.#witnessing({ checkpoint: target.note, size, proofFrom: (oldSize) => consistencyProof(oldSize, size, this.#store) });
    for (const cosignature of outcome.cosignatures) await this.recordCosignature({ size, ...cosignature });
    for (const refusal of outcome.refusals) await this.recordWitnessRefusal({ size, ...refusal });
    this.#lastWitnessedSize = size;
    return outcome;
  }

  /**
   * Every `intervalMs`, issues a checkpoint and, when it is new, submits it to the witnesses.
   * Errors go to `onError`; the timer keeps running. `close()` stops it.
   */
  startCheckpointing(intervalMs: number, onError: (error: unknown) => void): void {
    this.stopCheckpointing();
    this.#timer = setInterval(() => {
      this.#checkpointAndWitness().catch(onError);
    }, intervalMs);
    this.#timer.unref();
  }

  async #checkpointAndWitness(): Promise<void> {
    const checkpoint = await this.checkpoint();
    if (this.#witnessing !== undefined && checkpoint.size !== this.#lastWitnessedSize) await this.witness(checkpoint);
  }

  stopCheckpointing(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return this.#store.latestCheckpoint();
  }

  /** Stores a witness's cosignature of a stored checkpoint. The caller has verified it. */
  async recordCosignature(cosignature: Omit<StoredCosignature, 'receivedAt'>): Promise<void> {
    const line = cosignature.line.replace(/\n$/, '');
    await this.#store.addCosignature({ ...cosignature, line, receivedAt: this.#clock.now() });
  }

  cosignatures(size: number): Promise<StoredCosignature[]> {
    return this.#store.cosignatures(size);
  }

  /**
   * Records that a witness refused a checkpoint (409: it has cosigned something this
   * checkpoint does not extend — a rollback or a fork; 422: the proof did not verify), both in
   * the store and as a `witness-refusal` event in the log itself.
   */
  async recordWitnessRefusal(refusal: { size: number; witness: string; status: number; message: string }): Promise<{ index: number }> {
    await this.#store.addWitnessRefusal({ ...refusal, at: this.#clock.now() });
    return this.append({
      type: 'witness-refusal',
      outcome: refusal.status === 409 ? 'major-failure' : 'serious-failure',
      actor: { user: 'medveil-log' },
      detail: { witness: refusal.witness, checkpointSize: String(refusal.size), status: String(refusal.status), message: printable(refusal.message) },
    });
  }

  /** Commits what is pending, stops the checkpoint timer and closes the store. */
  async close(): Promise<void> {
    if (this.#closed) return;
    // New appends are refused from here on; those already made are committed or rejected.
    this.#closed = true;
    this.stopCheckpointing();
    await this.drain();
    await this.#checkpointing?.catch(() => undefined);
    await this.#store.close();
  }
}

// Witness error bodies are outside text: keep them to one printable line for the event.
function printable(message: string): string {
  const line = message.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim().slice(0, 1024);
  return line.length > 0 ? line : '-';
}

// Fail closed: a log whose stored tree no longer reaches or matches its own latest checkpoint
// has been truncated or rewritten, and appending to it would bury the evidence.
async function requireLatestCheckpointHolds(store: AuditStore, range: CompactRange): Promise<void> {
  const latest = await store.latestCheckpoint();
  if (latest === undefined) return;
  const hint = 'run `medveil audit verify` to find the first bad index; do not append until it is resolved';
  const checkpoint = parseCheckpoint(parseNote(latest.note).body);
  if (checkpoint.size > range.size) {
    throw new MedVeilError('audit-verify', `the audit store holds ${range.size} events but checkpoint ${checkpoint.size} was issued: the log was truncated`, { hint });
  }
  const root = checkpoint.size === range.size ? range.root() : await treeRoot(checkpoint.size, store);
  if (!timingSafeEqual(root, checkpoint.rootHash)) {
    throw new MedVeilError('audit-verify', `the stored tree does not match the latest checkpoint (size ${checkpoint.size})`, { hint });
  }
}

async function loadRange(store: AuditStore): Promise<CompactRange> {
  const size = await store.size();
  const indexes = CompactRange.borderIndexes(size);
  return CompactRange.fromBorder(size, indexes.length === 0 ? [] : await store.readHashes(indexes));
}
