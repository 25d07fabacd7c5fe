import type Database from 'better-sqlite3';
import { MedVeilError } from '../../errors.js';

/** One batch as the SQLite writer receives it: leaves packed end to end, hashes 32 bytes each. */
export interface PackedAuditBatch {
  firstIndex: number;
  firstHashIndex: number;
  leafBytes: Uint8Array;
  leafLengths: Uint32Array;
  hashBytes: Uint8Array;
}

/**
 * The transaction that appends one batch to the audit tables, shared by the in-thread and
 * the worker-thread writer. It refuses, writing nothing, unless the batch continues exactly
 * where the stored events and hashes end.
 */
export function createAppendTransaction(db: Database.Database): (batch: PackedAuditBatch) => void {
  const size = db.prepare<[], { size: number | null }>('SELECT max(idx) + 1 AS size FROM audit_events');
  const hashCount = db.prepare<[], { count: number | null }>('SELECT max(idx) + 1 AS count FROM audit_hashes');
  const insertEvent = db.prepare('INSERT INTO audit_events (idx, data) VALUES (?, ?)');
  const insertHash = db.prepare('INSERT INTO audit_hashes (idx, hash) VALUES (?, ?)');
  const transaction = db.transaction((batch: PackedAuditBatch) => {
    const events = size.get()?.size ?? 0;
    const hashes = hashCount.get()?.count ?? 0;
    if (batch.firstIndex !== events || batch.firstHashIndex !== hashes) {
      throw new MedVeilError(
        'audit',
        `append at event ${batch.firstIndex} / hash ${batch.firstHashIndex} does not continue the store (${events} events, ${hashes} hashes); another writer may share this file`,
        { hint: 'run one MedVeil log writer per audit database' },
      );
    }
    const leaves = Buffer.from(batch.leafBytes.buffer, batch.leafBytes.byteOffset, batch.leafBytes.byteLength);
    let offset = 0;
    batch.leafLengths.forEach((length, i) => {
      insertEvent.run(batch.firstIndex + i, leaves.subarray(offset, offset + length));
      offset += length;
    });
    const hashBytes = Buffer.from(batch.hashBytes.buffer, batch.hashBytes.byteOffset, batch.hashBytes.byteLength);
    for (let i = 0; i * 32 < hashBytes.length; i++) insertHash.run(batch.firstHashIndex + i, hashBytes.subarray(i * 32, i * 32 + 32));
  });
  // BEGIN IMMEDIATE takes the write lock before the first read. A deferred transaction that
  // read first could not upgrade once another connection (the one storing checkpoints)
  // had written, and would fail with SQLITE_BUSY without waiting for busy_timeout.
  return (batch) => transaction.immediate(batch);
}

/** Packs a batch into three buffers that can be transferred to a worker without copying. */
export function packAuditBatch(batch: { firstIndex: number; firstHashIndex: number; leaves: Uint8Array[]; hashes: Uint8Array[] }): PackedAuditBatch {
  const leafLengths = new Uint32Array(batch.leaves.length);
  let total = 0;
  batch.leaves.forEach((leaf, i) => {
    leafLengths[i] = leaf.length;
    total += leaf.length;
  });
  const leafBytes = new Uint8Array(total);
  let offset = 0;
  for (const leaf of batch.leaves) {
    leafBytes.set(leaf, offset);
    offset += leaf.length;
  }
  const hashBytes = new Uint8Array(batch.hashes.length * 32);
  batch.hashes.forEach((hash, i) => {
    if (hash.length !== 32) throw new MedVeilError('internal', `internal error (a MedVeil bug): tree hash of ${hash.length} bytes`);
    hashBytes.set(hash, i * 32);
  });
  return { firstIndex: batch.firstIndex, firstHashIndex: batch.firstHashIndex, leafBytes, leafLengths, hashBytes };
}
