import type { AuditEvent } from '../../src/audit/event/audit-event.js';

/** A radiologist's view of one study: the event most tests of the audit ledger start from. */
export const SAMPLE_VIEW_EVENT: AuditEvent = {
  v: 1,
  time: '2025-03-01T08:15:30.123Z',
  type: 'view',
  outcome: 'success',
  actor: { user: 'dr.chen', role: 'radiologist', department: 'radiology', address: '10.1.2.3' },
  purpose: 'TREAT',
  objects: [{ study: '1.2.840.113619.2.55.3', series: '1.2.840.113619.2.55.3.1', patient: 'MV7Q2K9XZ4' }],
  digests: [{ algorithm: 'sha256', value: 'a'.repeat(64) }],
  detail: { viewer: 'OHIF' },
};
