/*
 * Worker thread of SqliteIndexStore with `putIn: 'worker'`: owns a connection that indexes
 * instances, so that the main thread keeps receiving and sealing while a commit waits for
 * the disk. Every message is one batch committed in one transaction (group commit, as the
 * audit writer does); each instance of it runs in its own savepoint, so an instance that
 * fails is rolled back alone and the others of its batch stay.
 *
 * Messages in: { path } once (workerData), then { id, entries: IndexedInstance[] } or { close: true }.
 * Messages out: { id, results: ({ result } | { error })[] } once the batch is durable, or
 * { id, error } when the batch as a whole failed (nothing of it was committed).
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { MedVeilError } from '../../errors.js';
import type { IndexedInstance, PutInstanceResult } from '../index-store.js';
import { createPutInstance } from './sqlite-index-put.js';

export type WriterError = { readonly message: string; readonly code: string; readonly hint?: string };
export type WriterResult = { readonly result: PutInstanceResult } | { readonly error: WriterError };

const port = parentPort;
if (port === null) throw new Error('sqlite-index-writer runs as a worker thread');
const db = new Database((workerData as { path: string }).path, { fileMustExist: true });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
const put = createPutInstance(db);
const batch = db.transaction((entries: readonly IndexedInstance[]): WriterResult[] =>
  entries.map((entry) => {
    try {
      return { result: put(entry) };
    } catch (error) {
      return { error: writerError(error) };
    }
  }),
);

port.on('message', (message: { id: number; entries: IndexedInstance[] } | { close: true }) => {
  if ('close' in message) {
    db.close();
    port.close();
    return;
  }
  try {
    port.postMessage({ id: message.id, results: batch.immediate(message.entries) });
  } catch (error) {
    port.postMessage({ id: message.id, error: writerError(error) });
  }
});

function writerError(error: unknown): WriterError {
  const err = error as Error & { hint?: unknown };
  return {
    message: err.message,
    code: error instanceof MedVeilError ? error.code : 'storage',
    ...(typeof err.hint === 'string' ? { hint: err.hint } : {}),
  };
}
