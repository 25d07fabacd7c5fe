import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../start-worker.js';
import type { ChunkToVerify, ChunkVerdict } from './verify-chunk.js';

/** Worker threads that run `verifyChunk`; each chunk goes to the thread with the fewest waiting. */
export class ChunkVerifierPool {
  readonly #workers: { worker: Worker; waiting: number }[] = [];
  readonly #replies = new Map<number, { resolve: (verdict: ChunkVerdict) => void; reject: (error: unknown) => void }>();
  #nextId = 0;
  #closing = false;

  constructor(threads: number) {
    for (let i = 0; i < threads; i++) {
      const entry = { worker: startWorker(import.meta.url, 'verify-chunk-worker', null), waiting: 0 };
      entry.worker.on('message', ({ id, verdict }: { id: number; verdict: ChunkVerdict }) => {
        entry.waiting--;
        this.#replies.get(id)?.resolve(verdict);
        this.#replies.delete(id);
      });
      const fail = (error: unknown) => {
        if (this.#closing) return;
        for (const reply of this.#replies.values()) reply.reject(error);
        this.#replies.clear();
      };
      entry.worker.on('error', fail);
      entry.worker.on('exit', (code) => fail(new Error(`chunk verifier thread exited with code ${code}`)));
      this.#workers.push(entry);
    }
  }

  /** Hands the chunk's buffers over to the thread (they are unusable here afterwards). */
  verify(chunk: ChunkToVerify): Promise<ChunkVerdict> {
    const chunkOwned = { ...chunk, events: ownBuffer(chunk.events), hashes: ownBuffer(chunk.hashes), lengths: ownBuffer(chunk.lengths) };
    const entry = this.#workers.reduce((least, candidate) => (candidate.waiting < least.waiting ? candidate : least));
    const id = this.#nextId++;
    entry.waiting++;
    return new Promise((resolve, reject) => {
      this.#replies.set(id, { resolve, reject });
      entry.worker.postMessage({ id, chunk: chunkOwned }, [chunkOwned.events.buffer, chunkOwned.hashes.buffer, chunkOwned.lengths.buffer] as ArrayBuffer[]);
    });
  }

  /** Stops the threads; chunks still out are abandoned, their promises left unsettled. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#replies.clear();
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()));
  }
}

/** The array itself if it spans its whole buffer, which can then be transferred; otherwise a copy. */
function ownBuffer<T extends Uint8Array | Uint32Array>(array: T): T {
  return array.byteOffset === 0 && array.byteLength === array.buffer.byteLength ? array : (array.slice() as T);
}
