import type { AuditEventType } from '../event/audit-event.js';

/** A coded value as the DICOM audit schema writes it (PS3.15 A.5.1: csd-code, codeSystemName, originalText). */
export interface AuditCode {
  code: string;
  system: string;
  meaning: string;
}

const dcm = (code: string, meaning: string): AuditCode => ({ code, system: 'DCM', meaning });
/** Our own codes for what DICOM has no term for; a receiver still has the DCM EventID to sort by. */
const ours = (code: string, meaning: string): AuditCode => ({ code, system: 'MedVeil', meaning });

/**
 * How each MedVeil event type reads as a DICOM audit message: EventID from PS3.16 CID 400
 * (Audit Event ID), EventTypeCode from CID 401 where one fits, and EventActionCode
 * (C create, R read, U update, D delete, E execute; PS3.15 A.5.1 / RFC 3881).
 */
export const atnaEventCodes: Readonly<Record<AuditEventType, { id: AuditCode; type?: AuditCode; action: 'C' | 'R' | 'U' | 'D' | 'E' }>> = {
  ingest: { id: dcm('110104', 'DICOM Instances Transferred'), action: 'C' },
  query: { id: dcm('110112', 'Query'), action: 'E' },
  view: { id: dcm('110103', 'DICOM Instances Accessed'), action: 'R' },
  'view-masked': { id: dcm('110103', 'DICOM Instances Accessed'), type: ours('view-masked', 'Masked rendering served'), action: 'R' },
  deny: { id: dcm('110113', 'Security Alert'), type: dcm('110132', 'Use of Restricted Function'), action: 'E' },
  request: { id: dcm('110100', 'Application Activity'), type: ours('request', 'Access or export requested'), action: 'C' },
  approve: { id: dcm('110100', 'Application Activity'), type: ours('approve', 'Request approved'), action: 'U' },
  reject: { id: dcm('110100', 'Application Activity'), type: ours('reject', 'Request rejected'), action: 'U' },
  grant: { id: dcm('110113', 'Security Alert'), type: dcm('110137', 'User Security Attributes Changed'), action: 'C' },
  revoke: { id: dcm('110113', 'Security Alert'), type: dcm('110137', 'User Security Attributes Changed'), action: 'D' },
  'break-glass': { id: dcm('110113', 'Security Alert'), type: dcm('110127', 'Emergency Override Started'), action: 'E' },
  export: { id: dcm('110106', 'Export'), action: 'R' },
  download: { id: dcm('110104', 'DICOM Instances Transferred'), action: 'R' },
  purge: { id: dcm('110105', 'DICOM Study Deleted'), action: 'D' },
  login: { id: dcm('110114', 'User Authenticated'), type: dcm('110122', 'Login'), action: 'E' },
  'login-failed': { id: dcm('110114', 'User Authenticated'), type: dcm('110122', 'Login'), action: 'E' },
  logout: { id: dcm('110114', 'User Authenticated'), type: dcm('110123', 'Logout'), action: 'E' },
  'policy-change': { id: dcm('110113', 'Security Alert'), type: dcm('110129', 'Security Configuration'), action: 'U' },
  'key-change': { id: dcm('110113', 'Security Alert'), type: dcm('110129', 'Security Configuration'), action: 'U' },
  'config-change': { id: dcm('110113', 'Security Alert'), type: dcm('110131', 'Software Configuration'), action: 'U' },
  checkpoint: { id: dcm('110100', 'Application Activity'), type: ours('checkpoint', 'Audit log checkpoint signed'), action: 'E' },
  'witness-refusal': { id: dcm('110113', 'Security Alert'), type: ours('witness-refusal', 'Witness refused a checkpoint'), action: 'E' },
};

/** EventOutcomeIndicator (PS3.15 A.5.1, RFC 3881 5.1.4). */
export const atnaOutcome = { success: 0, 'minor-failure': 4, 'serious-failure': 8, 'major-failure': 12 } as const;
