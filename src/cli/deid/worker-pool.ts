import { Worker } from 'node:worker_threads';
import { internalError } from '../../errors.js';

interface Pending<Result> {
  resolve(result: Result): void;
  reject(error: Error): void;
}

interface Slot<Result> {
  readonly worker: Worker;
  readonly pending: Map<number, Pending<Result>>;
  /** Set when the worker stopped: it takes no more tasks. */
  dead: Error | undefined;
}

/**
 * A fixed set of worker threads running one module. Tasks go to the worker with the fewest
 * tasks in flight; each message carries an id, and the worker answers `{ id, result }` or
 * `{ id, error }`. A worker that dies fails its tasks: the caller decides what that means.
 */
export class WorkerPool<Task, Result> {
  private readonly slots: Slot<Result>[] = [];
  private nextId = 0;

  constructor(moduleUrl: URL, size: number, workerData: unknown) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(moduleUrl, { workerData });
      const slot: Slot<Result> = { worker, pending: new Map(), dead: undefined };
      worker.on('message', (message: { id: number; result?: Result; error?: string }) => {
        const pending = slot.pending.get(message.id);
        if (!pending) return;
        slot.pending.delete(message.id);
        if (message.error !== undefined) pending.reject(new Error(message.error));
        else pending.resolve(message.result as Result);
      });
      const failAll = (error: Error): void => {
        slot.dead ??= error;
        for (const pending of slot.pending.values()) pending.reject(error);
        slot.pending.clear();
      };
      worker.on('error', failAll);
      worker.on('exit', (code) => failAll(internalError(`worker thread exited with code ${code}`)));
      this.slots.push(slot);
    }
  }

  /** Tasks in flight across all workers. */
  get inFlight(): number {
    return this.slots.reduce((sum, slot) => sum + slot.pending.size, 0);
  }

  run(task: Task): Promise<Result> {
    const alive = this.slots.filter((s) => s.dead === undefined);
    if (alive.length === 0) return Promise.reject(this.slots[0]?.dead ?? internalError('no worker threads'));
    const slot = alive.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, task });
    });
  }

  async close(): Promise<void> {
    for (const slot of this.slots) slot.dead ??= internalError('the worker pool was closed');
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
