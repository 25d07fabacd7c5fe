import { buildReceipt } from '../audit/receipt/build-receipt.js';
import type { AuditTrailDeps, AuditTrailEntry } from './audit-trail-deps.js';
import { readAuditEntry } from './index-audit-log.js';

export type ProvedAuditEvent =
  | {
      readonly outcome: 'proved';
      readonly entry: AuditTrailEntry;
      /** c2sp.org/tlog-proof@v1: the event, its inclusion proof, the checkpoint with its signatures and stored cosignatures. */
      readonly receipt: string;
      readonly checkpoint: { readonly size: number; readonly issuedAt: number; readonly cosignedBy: readonly { readonly witness: string; readonly receivedAt: number }[] };
    }
  | { readonly outcome: 'unknown-event'; readonly size: number }
  | { readonly outcome: 'not-checkpointed'; readonly entry: AuditTrailEntry; readonly checkpointSize: number | undefined };

/**
 * Event `index` and its receipt against the latest checkpoint, as `medveil audit prove` writes
 * it. The latest checkpoint is the largest, so when it does not cover the event none does yet;
 * then, with `checkpointNow`, one is signed (and cosigned) at once rather than at the next tick.
 */
export async function proveAuditEvent(deps: Pick<AuditTrailDeps, 'store' | 'checkpointNow'>, index: number): Promise<ProvedAuditEvent> {
  const [stored] = await deps.store.readEvents(index, index + 1);
  if (stored?.index !== index) return { outcome: 'unknown-event', size: await deps.store.size() };
  const entry = readAuditEntry(index, stored.data);
  let latest = await deps.store.latestCheckpoint();
  if ((latest === undefined || latest.size <= index) && deps.checkpointNow !== undefined) {
    await deps.checkpointNow();
    latest = await deps.store.latestCheckpoint();
  }
  if (latest === undefined || latest.size <= index) return { outcome: 'not-checkpointed', entry, checkpointSize: latest?.size };
  const cosignatures = await deps.store.cosignatures(latest.size);
  const checkpoint = latest.note + cosignatures.map((c) => `${c.line}\n`).join('');
  return {
    outcome: 'proved',
    entry,
    receipt: await buildReceipt({ index, leaf: stored.data, checkpoint, reader: deps.store }),
    checkpoint: { size: latest.size, issuedAt: latest.issuedAt, cosignedBy: cosignatures.map((c) => ({ witness: c.witness, receivedAt: c.receivedAt })) },
  };
}
