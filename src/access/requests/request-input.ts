import { type RequestKind, type RequestPolicy, type RequestScope, REQUEST_KINDS } from './access-request.js';
import { type PurposeOfUse, PURPOSES_OF_USE, isPurposeOfUse } from './purpose-of-use.js';
import { type RequestRefusal, requestRefusal } from './request-refusal.js';

/** A new request as it arrives from outside, checked; the scope is resolved to studies by the gateway. */
export interface RequestInput {
  readonly kind: RequestKind;
  readonly scope: RequestScope;
  readonly purpose: PurposeOfUse;
  readonly justification: string;
  readonly durationMs: number;
  /** Export requests only: the recipient's id, `requester` when none was named. */
  readonly recipient?: string;
}

const RECIPIENT = /^[a-z][a-z0-9-]{0,31}$/;

export const MAX_JUSTIFICATION_LENGTH = 2000;
const MAX_SCOPE_ITEMS = 1000;
const PRINTABLE = /^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]+$/;
// PS3.5 9.1.
const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

function invalid(message: string): RequestRefusal {
  return requestRefusal('invalid-request', message);
}

/** Bounded text of people (justifications, rejection reasons): no control characters but tab and newline. */
export function isBoundedText(value: unknown, maxLength: number): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= maxLength && PRINTABLE.test(value);
}

function parseScope(value: unknown): RequestScope | RequestRefusal {
  if (typeof value !== 'object' || value === null) return invalid('scope is { kind: "patient" | "studies" | "query", ... }');
  const scope = value as Record<string, unknown>;
  if (scope.kind === 'patient' && typeof scope.patientRef === 'string' && scope.patientRef.trim() !== '' && scope.patientRef.length <= 128) {
    return { kind: 'patient', patientRef: scope.patientRef };
  }
  if (scope.kind === 'studies' && Array.isArray(scope.studyUids) && scope.studyUids.length > 0 && scope.studyUids.length <= MAX_SCOPE_ITEMS) {
    if (!scope.studyUids.every((uid) => typeof uid === 'string' && uid.length <= 64 && UID.test(uid))) return invalid('scope.studyUids holds something that is not a UID');
    return { kind: 'studies', studyUids: [...new Set(scope.studyUids as string[])].sort() };
  }
  if (scope.kind === 'query' && typeof scope.query === 'string' && scope.query.trim() !== '' && scope.query.length <= 4096) {
    return { kind: 'query', query: scope.query };
  }
  return invalid('scope is { kind: "patient", patientRef }, { kind: "studies", studyUids: [1 to 1000 UIDs] } or { kind: "query", query: "<QIDO-RS study query>" }');
}

/**
 * Checks a new request from outside. The duration is in hours (a whole number of
 * milliseconds after conversion), 72 by default, refused above the policy's maximum rather
 * than cut, so that the requester knows what they will get.
 */
export function parseRequestInput(
  input: { kind?: unknown; scope?: unknown; purpose?: unknown; justification?: unknown; durationHours?: unknown; recipient?: unknown },
  policy: RequestPolicy,
): RequestInput | RequestRefusal {
  if (typeof input.kind !== 'string' || !(REQUEST_KINDS as readonly string[]).includes(input.kind)) return invalid(`kind is one of: ${REQUEST_KINDS.join(', ')}`);
  const scope = parseScope(input.scope);
  if ('outcome' in scope) return scope;
  if (!isPurposeOfUse(input.purpose)) return invalid(`purpose is one of: ${Object.keys(PURPOSES_OF_USE).join(', ')}`);
  if (!isBoundedText(input.justification, MAX_JUSTIFICATION_LENGTH)) return invalid(`justification is 1 to ${MAX_JUSTIFICATION_LENGTH} printable characters`);
  let durationMs = policy.defaultDurationMs;
  if (input.durationHours !== undefined) {
    if (typeof input.durationHours !== 'number' || !Number.isFinite(input.durationHours) || input.durationHours <= 0) return invalid('durationHours is a positive number');
    durationMs = Math.round(input.durationHours * 3_600_000);
  }
  if (durationMs > policy.maxDurationMs) return requestRefusal('duration-too-long', `the longest grant this site allows is ${policy.maxDurationMs / 3_600_000} hours`);
  if (input.kind !== 'export') {
    if (input.recipient !== undefined) return invalid('recipient names who an export is for; an access request has none');
    return { kind: input.kind as RequestKind, scope, purpose: input.purpose, justification: input.justification, durationMs };
  }
  const recipient = input.recipient ?? 'requester';
  if (typeof recipient !== 'string' || !RECIPIENT.test(recipient)) return invalid('recipient is the id of an export recipient (1 to 32 of a-z, 0-9 and "-")');
  return { kind: 'export', scope, purpose: input.purpose, justification: input.justification, durationMs, recipient };
}
