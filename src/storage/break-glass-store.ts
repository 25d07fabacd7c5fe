import type { BreakGlass } from '../access/break-glass.js';

/** How a data security officer judged a break-glass session. */
export type BreakGlassReviewOutcome = 'justified' | 'unjustified';

export interface BreakGlassReview {
  readonly reviewedAt: number;
  readonly reviewedBy: string;
  readonly outcome: BreakGlassReviewOutcome;
  readonly note: string;
}

/** A break-glass session as it is kept: the decision's `BreakGlass` and what the review needs. */
export interface BreakGlassRecord extends BreakGlass {
  readonly reasonCode: string;
  /** The user's own words. Kept here for the reviewer, never in the audit log or a notification. */
  readonly reasonText: string;
  /** The study the user named, when they named one rather than the patient. */
  readonly studyUid?: string;
  /** Departments of the patient's studies when the session started: whose directors were told. */
  readonly departments: readonly string[];
  readonly endedBy?: string;
  /** When an unreviewed session escalates (ms). */
  readonly reviewDueAt: number;
  readonly escalatedAt?: number;
  readonly review?: BreakGlassReview;
}

export type NotificationChannel = 'webhook' | 'email';
export type NotificationKind = 'started' | 'escalated';

/** One message to deliver: the outbox row, written in the same transaction as what it announces. */
export interface NotificationInput {
  readonly sessionId: string;
  readonly kind: NotificationKind;
  readonly channel: NotificationChannel;
  /** A URL for a webhook, an address for e-mail. */
  readonly recipient: string;
  /** The JSON body of a webhook, or the text of an e-mail; never more PHI than the patient reference. */
  readonly body: string;
  /** A short subject line (e-mail). */
  readonly subject: string;
}

export interface OutboxNotification extends NotificationInput {
  readonly id: number;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly createdAt: number;
}

export type StartBreakGlassOutcome = 'started' | 'rate-limited';

export interface BreakGlassStore {
  /**
   * Stores the session and its notifications in one transaction, unless the user already
   * started `limit.max` sessions at or after `limit.since`: checked in the same transaction, so
   * concurrent starts cannot pass the limit together.
   */
  startSession(session: BreakGlassRecord, notifications: readonly NotificationInput[], limit: { readonly max: number; readonly since: number }, now: number): Promise<StartBreakGlassOutcome>;
  /** How many sessions the user started at or after `since`. */
  countStartedSince(userName: string, since: number): Promise<number>;
  findSession(id: string): Promise<BreakGlassRecord | undefined>;
  /** Sessions of `userName` that started at or after `since` (ended ones included, for the decision's reasons). */
  sessionsOf(userName: string, since: number): Promise<BreakGlassRecord[]>;
  /** Sets `endedAt` once; `already-ended` when it was set before. */
  endSession(id: string, at: number, by: string): Promise<'ended' | 'already-ended' | 'not-found'>;
  /** Sessions without a review, oldest first. */
  unreviewed(): Promise<BreakGlassRecord[]>;
  /** Records the review once; `already-reviewed` when another review came first. */
  recordReview(id: string, review: BreakGlassReview): Promise<'recorded' | 'already-reviewed' | 'not-found'>;
  /** Unreviewed, not yet escalated sessions whose review is due at `now`. */
  dueForEscalation(now: number): Promise<BreakGlassRecord[]>;
  /**
   * Marks the session escalated and queues its notifications in one transaction; false when it
   * was reviewed or escalated meanwhile (another process claimed it), and nothing is queued.
   */
  claimEscalation(id: string, at: number, notifications: readonly NotificationInput[]): Promise<boolean>;
  /** Undelivered notifications due at `now`, oldest first. */
  dueNotifications(now: number, limit: number): Promise<OutboxNotification[]>;
  markDelivered(id: number, at: number): Promise<void>;
  /** Counts a failed attempt; `nextAttemptAt` undefined gives up on the notification. */
  markAttemptFailed(id: number, at: number, error: string, nextAttemptAt: number | undefined): Promise<void>;
  /** A notification's delivery state, for tests and operators. */
  notificationState(id: number): Promise<{ readonly attempts: number; readonly deliveredAt?: number; readonly gaveUpAt?: number; readonly lastError?: string } | undefined>;
  close(): Promise<void>;
}
