/**
 * A search index over the audit log's events, for the audit API (GET /api/audit/events): who,
 * which patient pseudonym, which study, which type, when. Derived data, not evidence: it holds
 * only what can be read again from the log, so it may be deleted and is rebuilt from the log on
 * the next search (gateway/find-audit-events.ts). The log itself stays the only record; a search
 * result is always read back from the log, never from here.
 */
export interface AuditEventIndex {
  /** How many of the log's first events are indexed: events 0 .. indexedSize() - 1. */
  indexedSize(): Promise<number>;
  /** Indexes events continuing from `indexedSize()`, in log order; rows already present are kept. */
  add(events: readonly IndexedAuditEvent[]): Promise<void>;
  /** The indexes of matching events, newest first. */
  find(filter: AuditEventFilter): Promise<number[]>;
  close(): Promise<void>;
}

/** What a search can ask about one event. An event the log holds but cannot be read has type `''` and nothing else. */
export interface IndexedAuditEvent {
  readonly index: number;
  /** The event's time, ms since the epoch. */
  readonly timeMs: number;
  readonly type: string;
  readonly user: string;
  readonly studies: readonly string[];
  readonly patients: readonly string[];
}

export interface AuditEventFilter {
  readonly user?: string;
  readonly patient?: string;
  readonly study?: string;
  readonly type?: string;
  /** Events at or after this time (ms since the epoch). */
  readonly fromMs?: number;
  /** Events before this time (ms since the epoch). */
  readonly toMs?: number;
  /** Events with a smaller index; the page before this one. */
  readonly before?: number;
  readonly limit: number;
}
