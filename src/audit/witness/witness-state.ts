/** What a witness remembers per log (c2sp.org/tlog-witness): the latest checkpoint it cosigned. */
export interface WitnessRecord {
  size: number;
  rootHash: Uint8Array;
  /** The checkpoint as served to monitors: note text, the log's verified signatures, our cosignatures. */
  note: string;
}

/**
 * The witness's durable state. `compareAndSet` must be atomic and durable before it resolves:
 * tlog-witness requires the old-size check and the update to happen as one step, or two racing
 * requests could roll the recorded size back.
 */
export interface WitnessStateStore {
  latest(origin: string): Promise<WitnessRecord | undefined> | WitnessRecord | undefined;
  /**
   * Stores `next` for `origin` if the recorded size is still `expectedSize` (0 when nothing is
   * recorded); otherwise stores nothing and reports the recorded size.
   */
  compareAndSet(origin: string, expectedSize: number, next: WitnessRecord):
    Promise<{ ok: true } | { ok: false; latestSize: number }> | { ok: true } | { ok: false; latestSize: number };
}

/** An in-memory store: for tests and for embedding a witness whose state lives elsewhere. */
export class MemoryWitnessStateStore implements WitnessStateStore {
  readonly #records = new Map<string, WitnessRecord>();

  latest(origin: string): WitnessRecord | undefined {
    return this.#records.get(origin);
  }

  compareAndSet(origin: string, expectedSize: number, next: WitnessRecord): { ok: true } | { ok: false; latestSize: number } {
    const latestSize = this.#records.get(origin)?.size ?? 0;
    if (latestSize !== expectedSize) return { ok: false, latestSize };
    this.#records.set(origin, next);
    return { ok: true };
  }
}
