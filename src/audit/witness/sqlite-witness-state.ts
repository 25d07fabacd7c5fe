import Database from 'better-sqlite3';
import type { WitnessRecord, WitnessStateStore } from './witness-state.js';

/**
 * Witness state in one SQLite file. Each compare-and-set is an IMMEDIATE transaction, so it is
 * atomic across processes sharing the file, and with synchronous=FULL it is on disk before the
 * witness answers (tlog-witness: persist before responding).
 */
export class SqliteWitnessStateStore implements WitnessStateStore {
  readonly #db: Database.Database;
  readonly #select: Database.Statement<[string], { size: number; root: Buffer; note: string }>;
  readonly #swap: (origin: string, expectedSize: number, next: WitnessRecord) => { ok: true } | { ok: false; latestSize: number };

  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(`CREATE TABLE IF NOT EXISTS witness_checkpoint (
      origin TEXT PRIMARY KEY,
      size INTEGER NOT NULL,
      root BLOB NOT NULL,
      note TEXT NOT NULL
    ) STRICT`);
    this.#select = this.#db.prepare('SELECT size, root, note FROM witness_checkpoint WHERE origin = ?');
    const upsert = this.#db.prepare(
      'INSERT INTO witness_checkpoint (origin, size, root, note) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note',
    );
    const swap = this.#db.transaction((origin: string, expectedSize: number, next: WitnessRecord) => {
      const latestSize = this.#select.get(origin)?.size ?? 0;
      if (latestSize !== expectedSize) return { ok: false as const, latestSize };
      upsert.run(origin, next.size, Buffer.from(next.rootHash), next.note);
      return { ok: true as const };
    });
    this.#swap = (origin, expectedSize, next) => swap.immediate(origin, expectedSize, next);
  }

  latest(origin: string): WitnessRecord | undefined {
    const row = this.#select.get(origin);
    return row === undefined ? undefined : { size: row.size, rootHash: new Uint8Array(row.root), note: row.note };
  }

  compareAndSet(origin: string, expectedSize: number, next: WitnessRecord): { ok: true } | { ok: false; latestSize: number } {
    return this.#swap(origin, expectedSize, next);
  }

  close(): void {
    this.#db.close();
  }
}
