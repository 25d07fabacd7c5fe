import { availableParallelism } from 'node:os';
import type { AuditStore } from '../../storage/audit-store.js';
import { HASH_SIZE, leafHash } from '../merkle/hash.js';
import { storedHashCount } from '../merkle/stored-hash-index.js';
import { ChunkVerifierPool } from './chunk-verifier-pool.js';
import { storedEventProblem } from './stored-event-problem.js';
import { TreeBorder } from './tree-border.js';
import { verifyChunk, type ChunkVerdict } from './verify-chunk.js';
import type { LogProblem } from './verify-log.js';

export interface RecomputeTreeOptions {
  /** Check every event as `decodeAuditEvent` would. */
  checkEvents: boolean;
  /** Worker threads that hash and check chunks; 0 does everything on the calling thread. */
  threads?: number;
  /** Events per chunk, a power of two. */
  chunkSize?: number;
}

export interface RecomputedTree {
  rootHash: Uint8Array;
  /** The root at each wanted size that was reached. */
  roots: Map<number, Uint8Array>;
}

const DEFAULT_CHUNK_SIZE = 8192;

/**
 * Recomputes the tree of `size` stored events and reports, in order of index, every event
 * that is missing or invalid and every stored tree hash that is missing or differs. Chunks
 * of events are read packed and hashed on worker threads while the next ones are read; a
 * chunk whose hashes all match needs nothing more. One that does not is gone through again
 * here, event by event, which names exactly what is wrong.
 */
export async function recomputeTree(
  store: AuditStore,
  size: number,
  wantedSizes: number[],
  options: RecomputeTreeOptions,
  report: (problem: LogProblem) => void,
): Promise<RecomputedTree> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(Math.log2(chunkSize))) throw new RangeError(`chunkSize must be a power of two, got ${chunkSize}`);
  const chunks = Math.ceil(size / chunkSize);
  const threads = chunks > 1 ? Math.min(options.threads ?? availableParallelism(), chunks) : 0;
  const replay = new Replay(store, options.checkEvents, wantedSizes, report);
  const pool = threads > 0 ? new ChunkVerifierPool(threads) : undefined;
  // Enough chunks out to keep every thread busy while this one reads and settles the next.
  const maxInFlight = 2 * threads + 1;
  try {
    const inFlight: { start: number; end: number; verdict: Promise<ChunkVerdict> }[] = [];
    let next = 0;
    while (next < size || inFlight.length > 0) {
      if (next < size && inFlight.length < maxInFlight) {
        const end = Math.min(size, next + chunkSize);
        const verdict = replay.sendChunk(next, end, pool);
        // Awaited in order below; until then a failure must not count as unhandled.
        verdict.catch(() => {});
        inFlight.push({ start: next, end, verdict });
        next = end;
        continue;
      }
      const oldest = inFlight.shift()!;
      if (!(await replay.settle(oldest.start, oldest.end, await oldest.verdict))) return replay.result();
    }
    const extra = await store.readHashRange(storedHashCount(size), storedHashCount(size) + 1);
    if (extra.length > 0) report({ kind: 'extra-hashes', index: size, message: `the store holds tree hashes beyond its ${size} events: events after ${size - 1} were removed` });
    return replay.result();
  } finally {
    await pool?.close();
  }
}

/** The state of the recomputation: the border of the tree so far and what has been reported. */
class Replay {
  readonly #store: AuditStore;
  readonly #checkEvents: boolean;
  /** Sizes whose root is wanted, ascending; and as a set, for the event-by-event path. */
  readonly #wanted: number[];
  readonly #wantedSet: Set<number>;
  readonly #report: (problem: LogProblem) => void;
  readonly #border = new TreeBorder();
  readonly #roots = new Map<number, Uint8Array>();
  readonly #leafMismatches: number[] = [];
  #nodeMismatchReported = false;

  constructor(store: AuditStore, checkEvents: boolean, wantedSizes: number[], report: (problem: LogProblem) => void) {
    this.#store = store;
    this.#checkEvents = checkEvents;
    this.#wantedSet = new Set(wantedSizes);
    this.#wanted = [...this.#wantedSet].sort((a, b) => a - b);
    this.#report = report;
    if (this.#wantedSet.has(0)) this.#roots.set(0, this.#border.root());
  }

  result(): RecomputedTree {
    return { rootHash: this.#border.root(), roots: this.#roots };
  }

  /** Reads the chunk packed and has it verified; a chunk with a gap is not sent but gone through here. */
  async sendChunk(start: number, end: number, pool: ChunkVerifierPool | undefined): Promise<ChunkVerdict> {
    const events = await this.#store.readEventBlock(start, end);
    const hashes = events === undefined ? undefined : await this.#store.readHashBlock(storedHashCount(start), storedHashCount(end));
    if (events === undefined || hashes === undefined) return { matches: false };
    const chunk = {
      start,
      events: events.bytes,
      lengths: events.lengths,
      hashes,
      wantedSizes: this.#wantedIn(start, end),
      checkEvents: this.#checkEvents,
    };
    return pool === undefined ? verifyChunk(chunk) : pool.verify(chunk);
  }

  /** Takes in the next chunk's verdict, in index order. False when the replay cannot go on. */
  async settle(start: number, end: number, verdict: ChunkVerdict): Promise<boolean> {
    if (!verdict.matches) return this.#goThrough(start, end);
    for (const { index, message } of verdict.eventProblems) this.#reportEventProblem(index, message);
    this.#wantedIn(start, end).forEach((size, i) => this.#roots.set(size, this.#border.root(verdict.bordersAt[i]!.map((subtree) => subtree.hash))));
    let above = 0;
    for (const subtree of verdict.border) {
      this.#border.push(subtree.level, subtree.hash).forEach((hash, i) => {
        const at = above++ * HASH_SIZE;
        const stored = at + HASH_SIZE <= verdict.storedAbove.length ? verdict.storedAbove.subarray(at, at + HASH_SIZE) : undefined;
        this.#checkHash(end - 1, subtree.level + 1 + i, hash, stored);
      });
    }
    return true;
  }

  /** Event by event, with the stored rows: names each missing event and each hash that differs. */
  async #goThrough(start: number, end: number): Promise<boolean> {
    const events = await this.#store.readEvents(start, end);
    if (this.#checkEvents) {
      for (const event of events) {
        const message = storedEventProblem(event.data);
        if (message !== undefined) this.#reportEventProblem(event.index, message);
      }
    }
    const hashBase = storedHashCount(start);
    const hashEnd = storedHashCount(end);
    // The packed block when every hash is there; row by row, to find the gaps, when not.
    const block = await this.#store.readHashBlock(hashBase, hashEnd);
    const rows = block === undefined ? await this.#store.readHashRange(hashBase, hashEnd) : [];
    let row = 0;
    const storedHash = (target: number): Uint8Array | undefined => {
      if (block !== undefined) return block.subarray((target - hashBase) * HASH_SIZE, (target - hashBase + 1) * HASH_SIZE);
      // Rows come in index order, possibly with gaps; targets only grow, so one pass finds them.
      while (row < rows.length && rows[row]!.index < target) row++;
      return rows[row]?.index === target ? rows[row]!.hash : undefined;
    };
    let e = 0;
    for (let index = start; index < end; index++) {
      const event = events[e];
      const firstHash = storedHashCount(index);
      let leaf: Uint8Array;
      if (event !== undefined && event.index === index) {
        e++;
        leaf = leafHash(event.data);
        this.#checkHash(index, 0, leaf, storedHash(firstHash));
      } else {
        this.#report({ kind: 'event-missing', index, message: `event ${index} is missing from the store` });
        // Carry on with the stored leaf hash so that later checkpoints can still be checked.
        const substitute = storedHash(firstHash);
        if (substitute === undefined) {
          this.#report({ kind: 'hash-missing', index, message: `event ${index} and its leaf hash are both missing; stopping` });
          return false;
        }
        leaf = substitute;
      }
      this.#border.push(0, leaf).forEach((hash, i) => this.#checkHash(index, i + 1, hash, storedHash(firstHash + i + 1)));
      if (this.#wantedSet.has(index + 1)) this.#roots.set(index + 1, this.#border.root());
    }
    return true;
  }

  /** Compares a recomputed hash, of the subtree of 2^level leaves ending at `lastLeaf`, with the stored one. */
  #checkHash(lastLeaf: number, level: number, computed: Uint8Array, stored: Uint8Array | undefined): void {
    if (stored !== undefined && stored.length === HASH_SIZE && Buffer.compare(stored, computed) === 0) return;
    const firstLeaf = lastLeaf + 1 - 2 ** level;
    if (stored === undefined) {
      const hashIndex = storedHashCount(lastLeaf) + level;
      this.#report({ kind: 'hash-missing', index: firstLeaf, message: `the stored tree hash ${hashIndex} over events ${firstLeaf}..${lastLeaf} is missing` });
    } else if (level === 0) {
      this.#leafMismatches.push(lastLeaf);
      this.#report({ kind: 'leaf-hash', index: lastLeaf, message: `event ${lastLeaf} does not match its stored leaf hash: the event or the hash was changed` });
    } else if (!this.#nodeMismatchReported && !this.#leafMismatches.some((i) => i >= firstLeaf)) {
      // Hashes above a changed leaf differ as a consequence; only an unexplained one is news.
      this.#nodeMismatchReported = true;
      this.#report({ kind: 'node-hash', index: firstLeaf, message: `the stored tree hash over events ${firstLeaf}..${lastLeaf} does not match the events` });
    }
  }

  #reportEventProblem(index: number, message: string): void {
    this.#report({ kind: 'event-invalid', index, message: `event ${index}: ${message}` });
  }

  #wantedIn(start: number, end: number): number[] {
    return this.#wanted.filter((size) => size > start && size <= end);
  }
}
