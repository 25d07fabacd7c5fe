import { canonicalJson } from '../../audit/event/canonical-json.js';
import { sha256 } from '../../crypto/sha256.js';
import type { Action } from '../action.js';
import type { Grant } from '../grant.js';
import type { PurposeOfUse } from './purpose-of-use.js';

/** `full`: view the originals; `export`: take a de-identified copy away (issue 6). */
export const REQUEST_KINDS = ['full', 'export'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/**
 * What the requester named. A query is a QIDO-RS study-level query string, resolved to studies
 * when the request is made; a patient is resolved to that patient's studies the same way.
 */
export type RequestScope =
  | { readonly kind: 'patient'; readonly patientRef: string }
  | { readonly kind: 'studies'; readonly studyUids: readonly string[] }
  | { readonly kind: 'query'; readonly query: string };

/** A study in scope as the index held it when the request was made: its owner approves. */
export interface ScopedStudy {
  readonly studyUid: string;
  readonly department: string;
}

/**
 * The exact content approvers approve. Everything here is hashed (`requestContentHash`); an
 * approval names the hash it saw, so any change to any field voids it.
 */
export interface RequestContent {
  readonly requester: string;
  readonly kind: RequestKind;
  readonly scope: RequestScope;
  /** Sorted by UID, no duplicates. The grant covers exactly these studies. */
  readonly studies: readonly ScopedStudy[];
  readonly purpose: PurposeOfUse;
  readonly justification: string;
  /** How long the grant lasts from its issuance, in milliseconds. */
  readonly durationMs: number;
  /** Export requests only: who the package is for (src/gateway/export-recipient.ts); absent on access requests. */
  readonly recipient?: string;
}

export type ApproverRole = 'dso' | 'director';

export interface Approval {
  readonly by: string;
  /** The role the approval fills; one person fills one role, whatever else they hold. */
  readonly as: ApproverRole;
  /** For a director: the departments of the scope they approved for (those they direct). */
  readonly departments: readonly string[];
  readonly at: number;
  /** The `requestContentHash` the approver saw. */
  readonly contentHash: string;
}

/** `granted` holds the grant; `revoked` may hold one (revoked) or none (withdrawn before). */
export type RequestStatus = 'pending' | 'granted' | 'rejected' | 'revoked';

export interface AccessRequestRecord {
  readonly id: string;
  readonly content: RequestContent;
  readonly contentHash: string;
  readonly createdAt: number;
  readonly status: RequestStatus;
  /** Approvals given to the current content and not lapsed, voided or dropped. */
  readonly approvals: readonly Approval[];
  readonly rejection?: { readonly by: string; readonly at: number; readonly reason: string };
  readonly revocation?: { readonly by: string; readonly at: number; readonly reason: string };
  readonly grant?: Grant;
}

/** Site policy of the request flow (docs/requests.md). */
export interface RequestPolicy {
  readonly defaultDurationMs: number;
  readonly maxDurationMs: number;
  /** An approval not followed by the grant within this time lapses. */
  readonly approvalLifetimeMs: number;
  /** The most studies one request may cover. */
  readonly maxStudies: number;
}

const HOUR = 60 * 60 * 1000;

export const DEFAULT_REQUEST_POLICY: RequestPolicy = {
  defaultDurationMs: 72 * HOUR,
  maxDurationMs: 7 * 24 * HOUR,
  approvalLifetimeMs: 24 * HOUR,
  maxStudies: 1000,
};

/**
 * SHA-256 (hex) of the content's canonical JSON (RFC 8785, as the audit events are encoded,
 * src/audit/event/canonical-json.ts), under a domain label so that the digest of a request can
 * never equal the digest of some other structure.
 */
export function requestContentHash(content: RequestContent): string {
  return Buffer.from(sha256(`medveil-access-request-v1\n${canonicalJson(content)}`)).toString('hex');
}

/** The departments whose directors must approve, sorted. */
export function scopeDepartments(content: RequestContent): string[] {
  return [...new Set(content.studies.map((study) => study.department))].sort();
}

/** What a grant of this kind allows: an access request views, an export request exports de-identified. */
export function grantTerms(kind: RequestKind): { readonly actions: readonly Action[]; readonly effect: 'full' | 'masked' } {
  return kind === 'full' ? { actions: ['query', 'view'], effect: 'full' } : { actions: ['export'], effect: 'masked' };
}
