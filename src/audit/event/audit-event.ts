/**
 * One audit event: a leaf of the audit log, stored as its canonical JSON (RFC 8785).
 * The shape follows the DICOM audit message (PS3.15 A.5.1) and the IHE Basic Audit Log
 * Patterns (BALP): what happened (EventID/EventTypeCode → `type`), when (EventDateTime),
 * how it ended (EventOutcomeIndicator), who did it (ActiveParticipant), why (PurposeOfUse)
 * and to what (ParticipantObjectIdentification). Patients appear only through a pseudonymous
 * reference, never by name or medical record number.
 *
 * Version 1 of the schema; a field added later comes with a new `v`, so that a verifier
 * reading an old log knows which fields the canonical form may hold.
 */
export interface AuditEvent {
  v: 1;
  /** UTC, millisecond precision, `YYYY-MM-DDTHH:MM:SS.sssZ` (RFC 3339), from the log's clock. */
  time: string;
  type: AuditEventType;
  outcome: AuditOutcome;
  actor: AuditActor;
  /** HL7 v3 PurposeOfUse code (e.g. `TREAT`, `ETREAT`, `HRESCH`), as IHE BALP records it. */
  purpose?: string;
  objects?: AuditObject[];
  /** Digests of the data served or stored: SHA-256 always, SM3 as well under the `gm` suite. */
  digests?: AuditDigest[];
  /** Short named facts specific to the type: a request ID, a policy version, a reason. */
  detail?: Record<string, string>;
}

/** What happened. Each maps to a PS3.15 A.5 / DCM EventID when exported as ATNA. */
export const auditEventTypes = [
  'ingest',
  'query',
  'view',
  'view-masked',
  'deny',
  'request',
  'approve',
  'reject',
  'grant',
  'revoke',
  'break-glass',
  'export',
  'download',
  'purge',
  'login',
  'login-failed',
  'logout',
  'policy-change',
  'key-change',
  'config-change',
  'checkpoint',
  'witness-refusal',
] as const;

export type AuditEventType = (typeof auditEventTypes)[number];

/**
 * EventOutcomeIndicator of PS3.15 A.5.1 / RFC 3881: 0 success, 4 minor failure, 8 serious
 * failure, 12 major failure. A refused access is a `deny` event with outcome `success` when
 * the refusal itself worked as intended.
 */
export const auditOutcomes = ['success', 'minor-failure', 'serious-failure', 'major-failure'] as const;

export type AuditOutcome = (typeof auditOutcomes)[number];

export interface AuditActor {
  /** The authenticated user ID (or a service's name): UserID of the active participant. */
  user: string;
  role?: string;
  department?: string;
  /** NetworkAccessPointID: the IP address or host name the request came from. */
  address?: string;
}

/** One object acted upon; at least one field is present. UIDs follow PS3.5 9.1. */
export interface AuditObject {
  study?: string;
  series?: string;
  instance?: string;
  /** A pseudonymous patient reference from keyed pseudonymisation, never a name or an MRN. */
  patient?: string;
}

export interface AuditDigest {
  algorithm: 'sha256' | 'sm3';
  /** Lowercase hex, 64 digits for both algorithms. */
  value: string;
}

/** What a caller passes to `AuditLog.append`: the event without the time the log stamps. */
export type AuditEventInput = Omit<AuditEvent, 'v' | 'time'> & { time?: string };
