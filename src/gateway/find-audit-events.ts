import type { AuditEventFilter } from '../storage/audit-event-index.js';
import type { AuditTrailDeps, AuditTrailEntry } from './audit-trail-deps.js';
import { indexAuditLog, readAuditEntry } from './index-audit-log.js';

/**
 * The audit log's events that match `filter`, newest first, each read back from the log itself
 * (the index only says which). Memory is bounded by the page, not the log: the index answers
 * in SQL, and at most `filter.limit` events are read.
 */
export async function findAuditEvents(deps: AuditTrailDeps, filter: AuditEventFilter): Promise<AuditTrailEntry[]> {
  await indexAuditLog(deps);
  const indexes = await deps.index.find(filter);
  const entries: AuditTrailEntry[] = [];
  for (const index of indexes) {
    const [stored] = await deps.store.readEvents(index, index + 1);
    entries.push(stored?.index === index ? readAuditEntry(index, stored.data) : { index, problem: 'the event is missing from the log; run `medveil audit verify`' });
  }
  return entries;
}
