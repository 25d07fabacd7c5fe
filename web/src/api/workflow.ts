/**
 * The request, approval, break-glass and export API as the console reads it (docs/requests.md,
 * docs/break-glass.md, docs/exports.md). The fixed lists mirror the server's; the server
 * refuses anything else, so a list out of step shows as a refusal, never as a wrong grant.
 */
import { ApiError } from './client';

/** HL7 v3 PurposeOfUse codes of the purposes a request may name (src/access/requests/purpose-of-use.ts). */
export const PURPOSE_CODES = {
  treatment: 'TREAT',
  research: 'HRESCH',
  'clinical-trial': 'CLINTRL',
  quality: 'HQUALIMP',
  legal: 'HLEGAL',
  'public-health': 'PUBHLTH',
  operations: 'HOPERAT',
  'patient-request': 'PATRQT',
} as const;
export type Purpose = keyof typeof PURPOSE_CODES;
export const PURPOSES = Object.keys(PURPOSE_CODES) as Purpose[];

export const REVOKE_REASONS = ['purpose-ended', 'approval-in-error', 'misuse-suspected', 'patient-objection', 'role-change', 'security-incident'] as const;
export const BREAK_GLASS_REASONS = ['emergency-treatment', 'unconscious-patient', 'imminent-threat', 'system-downtime'] as const;
/** Who may open break-glass (BREAK_GLASS_ROLES on the server). */
export const BREAK_GLASS_ROLES = ['clinician', 'radiologist'] as const;

export interface GrantView {
  id: string;
  subject: string;
  effect: string;
  actions: string[];
  studyUids: string[];
  validFrom: string;
  validUntil: string;
  revokedAt?: string;
}

export interface AccessRequestView {
  id: string;
  status: 'pending' | 'granted' | 'rejected' | 'revoked';
  requester: string;
  kind: 'full' | 'export';
  scope: { kind: string; studyUids?: string[]; patientRef?: string; query?: string };
  studies: Array<{ studyUid: string; department: string }>;
  purpose: string;
  purposeCode: string;
  justification: string;
  durationHours: number;
  recipient?: string;
  contentHash: string;
  createdAt: string;
  approvals: Array<{ by: string; as: string; departments: string[]; at: string }>;
  rejection?: { by: string; at: string; reason: string };
  revocation?: { by: string; at: string; reason: string };
  grant?: GrantView;
}

export interface BreakGlassSessionView {
  id: string;
  user: string;
  patientRef: string;
  studyUid?: string;
  reasonCode: string;
  reasonText?: string;
  departments?: string[];
  startedAt: string;
  endsAt: string;
  endedAt?: string;
  reviewDueAt: string;
  escalatedAt?: string;
}

export interface ExportJobView {
  id: string;
  requestId: string;
  recipient: { id: string; name: string };
  state: 'queued' | 'running' | 'finished' | 'failed';
  done: number;
  total: number;
  createdAt: string;
  updatedAt: string;
  failure?: string;
  package?: { bytes: number; sha256: string; download: string; expiresAt: string; instances: number; quarantined: unknown[] };
}

/** Whether a grant gives its effect at `now` (validFrom inclusive, validUntil exclusive, not revoked). */
export function grantActive(grant: GrantView, now: number): boolean {
  return grant.revokedAt === undefined && Date.parse(grant.validFrom) <= now && now < Date.parse(grant.validUntil);
}

/**
 * Downloads a package: the link needs the bearer token, which a plain `<a href>` cannot send, so
 * the zip is fetched and handed to the browser as a blob to save.
 */
export async function downloadPackage(token: string, job: ExportJobView): Promise<void> {
  if (job.package === undefined) throw new ApiError(409, 'export-not-ready', 'the export has no package yet');
  let response: Response;
  try {
    response = await fetch(job.package.download, { headers: { authorization: `Bearer ${token}` }, credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', 'the server cannot be reached');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
    throw new ApiError(response.status, body.error ?? `http-${response.status}`, body.message ?? response.statusText);
  }
  const url = URL.createObjectURL(await response.blob());
  try {
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = `medveil-export-${job.id}.zip`;
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
