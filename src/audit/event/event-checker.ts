import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../start-worker.js';
import { decodeAuditEvent } from './encode-audit-event.js';

/** Events packed end to end with their indexes, so a batch crosses threads in one transfer. */
export interface PackedEvents {
  indexes: Float64Array;
  bytes: Uint8Array;
  lengths: Uint32Array;
}

export interface EventProblem {
  index: number;
  message: string;
}

export function packEvents(events: { index: number; data: Uint8Array }[]): PackedEvents {
  const indexes = new Float64Array(events.length);
  const lengths = new Uint32Array(events.length);
  let total = 0;
  events.forEach((event, i) => {
    indexes[i] = event.index;
    lengths[i] = event.data.length;
    total += event.data.length;
  });
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const event of events) {
    bytes.set(event.data, offset);
    offset += event.data.length;
  }
  return { indexes, bytes, lengths };
}

/** Runs `decodeAuditEvent` on each packed event and lists those it refuses. */
export function checkPackedEvents(packed: PackedEvents): EventProblem[] {
  const problems: EventProblem[] = [];
  let offset = 0;
  packed.lengths.forEach((length, i) => {
    try {
      decodeAuditEvent(packed.bytes.subarray(offset, offset + length));
    } catch (error) {
      problems.push({ index: packed.indexes[i]!, message: (error as Error).message });
    }
    offset += length;
  });
  return problems;
}

/**
 * Checks batches of stored events on a worker thread (or inline): decoding and validating
 * costs more than hashing, so `verifyLog` hands it to a second core.
 */
export class EventChecker {
  readonly #workers: Worker[] = [];
  readonly #waiting = new Map<number, { resolve: (problems: EventProblem[]) => void; reject: (error: unknown) => void }>();
  #nextId = 0;

  /** `threads` 0 checks inline; otherwise batches go round-robin to that many worker threads. */
  constructor(options: { threads: number }) {
    for (let i = 0; i < options.threads; i++) {
      const worker = startWorker(import.meta.url, 'check-events-worker', null);
      worker.on('message', (reply: { id: number; problems: EventProblem[] }) => {
        this.#waiting.get(reply.id)?.resolve(reply.problems);
        this.#waiting.delete(reply.id);
      });
      const fail = (error: unknown) => {
        for (const waiting of this.#waiting.values()) waiting.reject(error);
        this.#waiting.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`event checker thread exited with code ${code}`)));
      this.#workers.push(worker);
    }
  }

  check(events: { index: number; data: Uint8Array }[]): Promise<EventProblem[]> {
    const packed = packEvents(events);
    if (this.#workers.length === 0) return Promise.resolve(checkPackedEvents(packed));
    const id = this.#nextId++;
    const worker = this.#workers[id % this.#workers.length]!;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...packed }, [packed.indexes.buffer, packed.bytes.buffer, packed.lengths.buffer] as ArrayBuffer[]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
}
