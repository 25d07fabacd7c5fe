/**
 * The main thread's side of sqlite-index-writer: instances to index queue up while a batch is
 * being committed, and go together as the next batch once it is durable. One batch is in
 * flight at a time, so the writer's connection never waits on itself, and a burst of
 * instances costs one commit (one fsync) instead of one each.
 */
import type { Worker } from 'node:worker_threads';
import { MedVeilError, type MedVeilErrorCode } from '../../errors.js';
import { startWorker } from '../../start-worker.js';
import type { IndexedInstance, PutInstanceResult } from '../index-store.js';
import type { WriterError, WriterResult } from './sqlite-index-writer.js';

interface Waiting {
  readonly entry: IndexedInstance;
  readonly resolve: (result: PutInstanceResult) => void;
  readonly reject: (error: unknown) => void;
}

export class IndexWriter {
  readonly #worker: Worker;
  #queued: Waiting[] = [];
  #inFlight: Waiting[] | undefined;
  #nextId = 0;
  #stopped: Error | undefined;

  constructor(path: string) {
    this.#worker = startWorker(import.meta.url, 'sqlite-index-writer', { path });
    this.#worker.unref();
    this.#worker.on('message', (reply: { id: number; results?: WriterResult[]; error?: WriterError }) => {
      const batch = this.#inFlight ?? [];
      this.#inFlight = undefined;
      batch.forEach((waiting, i) => {
        const outcome = reply.results?.[i];
        if (outcome !== undefined && 'result' in outcome) waiting.resolve(outcome.result);
        else waiting.reject(storeError((outcome as { error: WriterError } | undefined)?.error ?? reply.error));
      });
      this.#send();
    });
    const stop = (cause: unknown) => {
      this.#stopped = new MedVeilError('storage', 'the index writer stopped; the instance may not be indexed', { cause });
      for (const waiting of [...(this.#inFlight ?? []), ...this.#queued]) waiting.reject(this.#stopped);
      this.#inFlight = undefined;
      this.#queued = [];
    };
    this.#worker.on('error', stop);
    this.#worker.on('exit', (code) => stop(new Error(`writer thread exited with code ${code}`)));
  }

  put(entry: IndexedInstance): Promise<PutInstanceResult> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    return new Promise((resolve, reject) => {
      this.#queued.push({ entry, resolve, reject });
      this.#send();
    });
  }

  close(): void {
    this.#worker.postMessage({ close: true });
  }

  #send(): void {
    if (this.#inFlight !== undefined || this.#queued.length === 0) {
      if (this.#inFlight === undefined) this.#worker.unref();
      return;
    }
    this.#inFlight = this.#queued;
    this.#queued = [];
    this.#worker.ref();
    this.#worker.postMessage({ id: this.#nextId++, entries: this.#inFlight.map((waiting) => waiting.entry) });
  }
}

function storeError(error: WriterError | undefined): MedVeilError {
  if (error === undefined) return new MedVeilError('internal', 'the index writer answered without a result (a MedVeil bug)');
  return new MedVeilError(error.code as MedVeilErrorCode, error.message, error.hint === undefined ? {} : { hint: error.hint });
}
