import { decodeAuditEvent } from '../audit/event/encode-audit-event.js';
import type { AuditEventIndex, IndexedAuditEvent } from '../storage/audit-event-index.js';
import type { AuditTrailDeps, AuditTrailEntry } from './audit-trail-deps.js';

/**
 * Events read from the log per step: bounds the memory of a catch-up whatever the log's size,
 * and the time the event loop is held (a step takes some tens of milliseconds).
 */
const CHUNK = 1024;

const catchingUp = new WeakMap<AuditEventIndex, Promise<void>>();

/**
 * Brings the search index up to the log's durable size: reads the events it does not hold yet,
 * CHUNK at a time, and indexes them. Each event is indexed once; a new index (or a deleted one)
 * reads the whole log once, in bounded memory, letting other requests run between steps (about
 * 30 s per million events, docs/audit.md). Catch-ups of one index run one after another.
 */
export function indexAuditLog(deps: Pick<AuditTrailDeps, 'store' | 'index'>): Promise<void> {
  const run = (catchingUp.get(deps.index) ?? Promise.resolve()).catch(() => undefined).then(() => catchUp(deps));
  catchingUp.set(deps.index, run);
  return run;
}

async function catchUp(deps: Pick<AuditTrailDeps, 'store' | 'index'>): Promise<void> {
  const size = await deps.store.size();
  for (let start = await deps.index.indexedSize(); start < size; start += CHUNK) {
    const stored = await deps.store.readEvents(start, Math.min(start + CHUNK, size));
    await deps.index.add(stored.map((item) => indexedEvent(readAuditEntry(item.index, item.data))));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The event at `index` of the log, decoded and checked (canonical JSON of a valid event), or what is wrong with it. */
export function readAuditEntry(index: number, data: Uint8Array): AuditTrailEntry {
  try {
    return { index, event: decodeAuditEvent(data) };
  } catch (error) {
    return { index, problem: `${error instanceof Error ? error.message : String(error)}; run \`medveil audit verify\`` };
  }
}

function indexedEvent(entry: AuditTrailEntry): IndexedAuditEvent {
  if (!('event' in entry)) return { index: entry.index, timeMs: 0, type: '', user: '', studies: [], patients: [] };
  const { event } = entry;
  const objects = event.objects ?? [];
  return {
    index: entry.index,
    timeMs: Date.parse(event.time),
    type: event.type,
    user: event.actor.user,
    studies: [...new Set(objects.flatMap((object) => (object.study === undefined ? [] : [object.study])))],
    patients: [...new Set(objects.flatMap((object) => (object.patient === undefined ? [] : [object.patient])))],
  };
}
