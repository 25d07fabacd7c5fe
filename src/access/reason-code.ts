/**
 * Why a decision came out as it did, as codes the audit event records. Every code has one
 * sentence here; docs/access.md repeats them.
 */
export const REASON_CODES = {
  // Deny by default: nothing else is looked at.
  'unknown-action': 'the request maps to no known action',
  'unknown-role': 'the actor holds a role this version does not know',
  'no-role': 'the actor holds no role',
  'no-label': 'the study has no sensitivity level',
  'invalid-label': 'the study has a sensitivity level outside 1 to 5',
  'study-mismatch': 'the request names a study the series or instance does not belong to',
  'series-mismatch': 'the request names a series the instance does not belong to',
  // The policy table.
  'care-relationship': 'the actor treats or reads for the patient',
  'same-department': 'the study belongs to a department the actor works in',
  'directs-department': 'the study belongs to a department the actor directs',
  'security-oversight': 'a data security officer sees studies masked to judge requests',
  'research-deidentified': 'a researcher sees studies masked (de-identified)',
  'no-relationship': 'no row of the policy table relates the actor to the study',
  'level-too-high': 'the study is above the highest level the actor reaches without a grant',
  'export-needs-grant': 'an export needs a grant, whatever the role',
  'admin-no-data-access': 'the admin role manages users and never gives data access',
  'auditor-no-image-access': 'the auditor role reads the audit trail, not images',
  // Grants.
  grant: 'an active grant covers the study and the action',
  'grant-not-yet-valid': 'a grant covers the request but is not valid yet',
  'grant-expired': 'a grant covers the request but has expired',
  'grant-revoked': 'a grant covers the request but was revoked',
  'grant-needs-data-role': 'a grant covers the request but the actor holds only roles without data access',
  // Break-glass.
  'break-glass': 'an open break-glass session covers the patient',
  'break-glass-not-started': 'a break-glass session covers the patient but starts later',
  'break-glass-expired': 'a break-glass session covered the patient but its time is over',
  'break-glass-ended': 'a break-glass session covered the patient but was closed',
  'break-glass-export-refused': 'break-glass never allows an export',
  'break-glass-needs-clinical-role': 'break-glass is for clinicians and radiologists',
} as const;

export type ReasonCode = keyof typeof REASON_CODES;
