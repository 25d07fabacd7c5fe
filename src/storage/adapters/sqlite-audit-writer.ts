/*
 * Worker thread of SqliteAuditStore: owns the connection that appends batches, so that the
 * main thread keeps accepting, validating and hashing events while a commit waits for the
 * disk. That overlap is what makes group commit pay: the next batch fills during the fsync.
 *
 * Messages in: { path } once (workerData), then { id, batch: PackedAuditBatch } or { close: true }.
 * Messages out: { id } when the batch is durable, or { id, error: { message, code, hint } }.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { MedVeilError } from '../../errors.js';
import { createAppendTransaction, type PackedAuditBatch } from './sqlite-audit-append.js';

const port = parentPort;
if (port === null) throw new Error('sqlite-audit-writer runs as a worker thread');
const db = new Database((workerData as { path: string }).path, { fileMustExist: true });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
const append = createAppendTransaction(db);

port.on('message', (message: { id: number; batch: PackedAuditBatch } | { close: true }) => {
  if ('close' in message) {
    db.close();
    port.close();
    return;
  }
  try {
    append(message.batch);
    port.postMessage({ id: message.id });
  } catch (error) {
    const err = error as Error & { code?: unknown; hint?: unknown };
    port.postMessage({
      id: message.id,
      error: {
        message: err.message,
        code: error instanceof MedVeilError ? error.code : 'io',
        hint: typeof err.hint === 'string' ? err.hint : undefined,
      },
    });
  }
});
