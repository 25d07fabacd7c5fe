export {
  auditEventTypes,
  auditOutcomes,
  type AuditActor,
  type AuditDigest,
  type AuditEvent,
  type AuditEventInput,
  type AuditEventType,
  type AuditObject,
  type AuditOutcome,
} from './audit-event.js';
export { canonicalJson } from './canonical-json.js';
export { decodeAuditEvent, encodeAuditEvent } from './encode-audit-event.js';
export { isValidUid, validateAuditEvent } from './validate-audit-event.js';
