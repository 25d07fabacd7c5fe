/**
 * The BreakGlassStore on SQLite (better-sqlite3), opened like every MedVeil store
 * (open-sqlite-store.ts). Sessions, their reviews and the notification outbox live in one file,
 * so that a session and the messages announcing it are written in one transaction, and the
 * escalation job and the outbox survive a restart. FIRST_BREAK_GLASS_SCHEMA is never edited;
 * later changes are MIGRATIONS counted in `PRAGMA user_version`, as in sqlite-account-store.ts.
 */
import type Database from 'better-sqlite3';
import { MedVeilError } from '../../errors.js';
import type {
  BreakGlassRecord,
  BreakGlassReview,
  BreakGlassStore,
  NotificationInput,
  OutboxNotification,
  StartBreakGlassOutcome,
} from '../break-glass-store.js';
import { openSqliteStore } from './open-sqlite-store.js';

export const FIRST_BREAK_GLASS_SCHEMA = `
CREATE TABLE IF NOT EXISTS break_glass_sessions (
  id TEXT PRIMARY KEY, user_name TEXT NOT NULL, patient_ref TEXT NOT NULL,
  reason_code TEXT NOT NULL, reason_text TEXT NOT NULL, study_uid TEXT, departments TEXT NOT NULL,
  started_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, ended_at INTEGER, ended_by TEXT,
  review_due_at INTEGER NOT NULL, escalated_at INTEGER,
  reviewed_at INTEGER, reviewed_by TEXT, review_outcome TEXT, review_note TEXT) STRICT;
CREATE INDEX IF NOT EXISTS break_glass_by_user ON break_glass_sessions (user_name, started_at);
CREATE INDEX IF NOT EXISTS break_glass_unreviewed ON break_glass_sessions (review_due_at) WHERE reviewed_at IS NULL;
CREATE TABLE IF NOT EXISTS notification_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES break_glass_sessions (id),
  kind TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
  created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
  delivered_at INTEGER, gave_up_at INTEGER, last_error TEXT) STRICT;
CREATE INDEX IF NOT EXISTS outbox_due ON notification_outbox (next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
`;

/** Migration n takes a database from user_version n to n + 1. */
const MIGRATIONS: readonly string[] = [];

interface SessionRow {
  id: string;
  user_name: string;
  patient_ref: string;
  reason_code: string;
  reason_text: string;
  study_uid: string | null;
  departments: string;
  started_at: number;
  ends_at: number;
  ended_at: number | null;
  ended_by: string | null;
  review_due_at: number;
  escalated_at: number | null;
  reviewed_at: number | null;
  reviewed_by: string | null;
  review_outcome: string | null;
  review_note: string | null;
}

interface OutboxRow {
  id: number;
  session_id: string;
  kind: string;
  channel: string;
  recipient: string;
  subject: string;
  body: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  delivered_at: number | null;
  gave_up_at: number | null;
  last_error: string | null;
}

function recordOf(row: SessionRow): BreakGlassRecord {
  const review: BreakGlassReview | undefined =
    row.reviewed_at === null
      ? undefined
      : { reviewedAt: row.reviewed_at, reviewedBy: row.reviewed_by ?? '', outcome: row.review_outcome === 'justified' ? 'justified' : 'unjustified', note: row.review_note ?? '' };
  return {
    id: row.id,
    userId: row.user_name,
    patientRef: row.patient_ref,
    reasonCode: row.reason_code,
    reasonText: row.reason_text,
    departments: JSON.parse(row.departments) as string[],
    startedAt: row.started_at,
    endsAt: row.ends_at,
    reviewDueAt: row.review_due_at,
    ...(row.study_uid === null ? {} : { studyUid: row.study_uid }),
    ...(row.ended_at === null ? {} : { endedAt: row.ended_at }),
    ...(row.ended_by === null ? {} : { endedBy: row.ended_by }),
    ...(row.escalated_at === null ? {} : { escalatedAt: row.escalated_at }),
    ...(review === undefined ? {} : { review }),
  };
}

function notificationOf(row: OutboxRow): OutboxNotification {
  return {
    id: row.id,
    sessionId: row.session_id,
    kind: row.kind === 'escalated' ? 'escalated' : 'started',
    channel: row.channel === 'email' ? 'email' : 'webhook',
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
  };
}

export class SqliteBreakGlassStore implements BreakGlassStore {
  readonly #db: Database.Database;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Opens (or creates) the store at `path`; `:memory:` for tests. */
  static open(path: string): SqliteBreakGlassStore {
    const db = openSqliteStore(path, {
      kind: 'the break-glass store',
      schema: FIRST_BREAK_GLASS_SCHEMA,
      pragmas: ['foreign_keys = ON'],
      hint: 'check the data folder; the file holds break-glass sessions, their reviews and the notification outbox',
    });
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteBreakGlassStore(db);
  }

  async startSession(session: BreakGlassRecord, notifications: readonly NotificationInput[], limit: { max: number; since: number }, now: number): Promise<StartBreakGlassOutcome> {
    return this.#db
      .transaction((): StartBreakGlassOutcome => {
        if (this.#countSince(session.userId, limit.since) >= limit.max) return 'rate-limited';
        this.#db
          .prepare(
            `INSERT INTO break_glass_sessions (id, user_name, patient_ref, reason_code, reason_text, study_uid, departments, started_at, ends_at, review_due_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(session.id, session.userId, session.patientRef, session.reasonCode, session.reasonText, session.studyUid ?? null, JSON.stringify(session.departments), session.startedAt, session.endsAt, session.reviewDueAt);
        this.#enqueue(notifications, now);
        return 'started';
      })
      .immediate();
  }

  async countStartedSince(userName: string, since: number): Promise<number> {
    return this.#countSince(userName, since);
  }

  async findSession(id: string): Promise<BreakGlassRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM break_glass_sessions WHERE id = ?').get(id) as SessionRow | undefined;
    return row === undefined ? undefined : recordOf(row);
  }

  async sessionsOf(userName: string, since: number): Promise<BreakGlassRecord[]> {
    const rows = this.#db.prepare('SELECT * FROM break_glass_sessions WHERE user_name = ? AND started_at >= ? ORDER BY started_at').all(userName, since) as SessionRow[];
    return rows.map(recordOf);
  }

  async endSession(id: string, at: number, by: string): Promise<'ended' | 'already-ended' | 'not-found'> {
    const changed = this.#db.prepare('UPDATE break_glass_sessions SET ended_at = ?, ended_by = ? WHERE id = ? AND ended_at IS NULL').run(at, by, id).changes;
    if (changed === 1) return 'ended';
    return this.#db.prepare('SELECT 1 FROM break_glass_sessions WHERE id = ?').get(id) === undefined ? 'not-found' : 'already-ended';
  }

  async unreviewed(): Promise<BreakGlassRecord[]> {
    const rows = this.#db.prepare('SELECT * FROM break_glass_sessions WHERE reviewed_at IS NULL ORDER BY started_at, id').all() as SessionRow[];
    return rows.map(recordOf);
  }

  async recordReview(id: string, review: BreakGlassReview): Promise<'recorded' | 'already-reviewed' | 'not-found'> {
    const changed = this.#db
      .prepare('UPDATE break_glass_sessions SET reviewed_at = ?, reviewed_by = ?, review_outcome = ?, review_note = ? WHERE id = ? AND reviewed_at IS NULL')
      .run(review.reviewedAt, review.reviewedBy, review.outcome, review.note, id).changes;
    if (changed === 1) return 'recorded';
    return this.#db.prepare('SELECT 1 FROM break_glass_sessions WHERE id = ?').get(id) === undefined ? 'not-found' : 'already-reviewed';
  }

  async dueForEscalation(now: number): Promise<BreakGlassRecord[]> {
    const rows = this.#db
      .prepare('SELECT * FROM break_glass_sessions WHERE reviewed_at IS NULL AND escalated_at IS NULL AND review_due_at <= ? ORDER BY review_due_at, id')
      .all(now) as SessionRow[];
    return rows.map(recordOf);
  }

  async claimEscalation(id: string, at: number, notifications: readonly NotificationInput[]): Promise<boolean> {
    return this.#db
      .transaction((): boolean => {
        const claimed = this.#db.prepare('UPDATE break_glass_sessions SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL AND reviewed_at IS NULL').run(at, id).changes;
        if (claimed !== 1) return false;
        this.#enqueue(notifications, at);
        return true;
      })
      .immediate();
  }

  async dueNotifications(now: number, limit: number): Promise<OutboxNotification[]> {
    const rows = this.#db
      .prepare('SELECT * FROM notification_outbox WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?')
      .all(now, limit) as OutboxRow[];
    return rows.map(notificationOf);
  }

  async markDelivered(id: number, at: number): Promise<void> {
    this.#db.prepare('UPDATE notification_outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ? AND delivered_at IS NULL').run(at, id);
  }

  async markAttemptFailed(id: number, at: number, error: string, nextAttemptAt: number | undefined): Promise<void> {
    this.#db
      .prepare('UPDATE notification_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, gave_up_at = ? WHERE id = ? AND delivered_at IS NULL')
      .run(error.slice(0, 512), nextAttemptAt ?? at, nextAttemptAt === undefined ? at : null, id);
  }

  async notificationState(id: number): Promise<{ attempts: number; deliveredAt?: number; gaveUpAt?: number; lastError?: string } | undefined> {
    const row = this.#db.prepare('SELECT * FROM notification_outbox WHERE id = ?').get(id) as OutboxRow | undefined;
    if (row === undefined) return undefined;
    return {
      attempts: row.attempts,
      ...(row.delivered_at === null ? {} : { deliveredAt: row.delivered_at }),
      ...(row.gave_up_at === null ? {} : { gaveUpAt: row.gave_up_at }),
      ...(row.last_error === null ? {} : { lastError: row.last_error }),
    };
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  #countSince(userName: string, since: number): number {
    const row = this.#db.prepare('SELECT count(*) AS n FROM break_glass_sessions WHERE user_name = ? AND started_at >= ?').get(userName, since) as { n: number };
    return row.n;
  }

  #enqueue(notifications: readonly NotificationInput[], now: number): void {
    const insert = this.#db.prepare(
      'INSERT INTO notification_outbox (session_id, kind, channel, recipient, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const n of notifications) insert.run(n.sessionId, n.kind, n.channel, n.recipient, n.subject, n.body, now, now);
  }
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new MedVeilError('storage', `the break-glass store was written by a newer MedVeil (schema ${version}, this release knows ${MIGRATIONS.length})`, {
        hint: 'run the newer release, or restore the break-glass database from a backup made by this one',
      });
    }
    for (const migration of MIGRATIONS.slice(version)) db.exec(migration);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
