// The audit API (docs/audit.md, "The audit API") and the in-browser receipt check. The verifier
// is the gateway's own src/audit/receipt/verify-receipt-web.ts, bundled as is: WebCrypto for
// Ed25519, sm-crypto-v2 loaded only when an SM2 key is given, nothing from Node.
import { auditEventTypes } from '../../../src/audit/event/audit-event.js';
import { verifyReceiptWeb, type WebReceiptVerification } from '../../../src/audit/receipt/verify-receipt-web.js';
import { api } from './client';

export const AUDIT_EVENT_TYPES: readonly string[] = auditEventTypes;

export interface AuditEventView {
  index: number;
  time?: string;
  type?: string;
  outcome?: string;
  actor?: { user: string; role?: string; department?: string; address?: string };
  purpose?: string;
  objects?: { study?: string; series?: string; instance?: string; patient?: string }[];
  digests?: { algorithm: string; value: string }[];
  detail?: Record<string, string>;
  /** Set instead of the fields when the log holds the event but cannot read it. */
  problem?: string;
}

export interface AuditFilters {
  user: string;
  patient: string;
  study: string;
  type: string;
  /** RFC 3339 with milliseconds, or ''. */
  from: string;
  to: string;
}

export interface AuditProof {
  event: AuditEventView;
  receipt: string;
  checkpoint: { size: number; issuedAt: number; cosignedBy: { witness: string; receivedAt: number }[] };
}

export interface AuditKeys {
  origin: string;
  logKeys: string[];
  witnessKeys: string[];
}

export const PAGE_SIZE = 20;

export function findAuditEvents(token: string, filters: AuditFilters, before?: number): Promise<{ events: AuditEventView[]; nextBefore?: number }> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value !== '') query.set(name, value);
  if (before !== undefined) query.set('before', String(before));
  query.set('limit', String(PAGE_SIZE));
  return api('GET', `/api/audit/events?${query}`, { token });
}

export function proveAuditEvent(token: string, index: number): Promise<AuditProof> {
  return api('GET', `/api/audit/events/${index}`, { token });
}

/**
 * Fetches the event's receipt and the keys and checks the receipt here, in the browser: the
 * inclusion proof from the event's leaf hash to the checkpoint's root, every log signature and
 * every witness cosignature. The keys come from the gateway (GET /api/audit/keys); see
 * docs/console.md, "Audit", for what that does and does not prove.
 */
export async function verifyAuditEvent(token: string, index: number): Promise<{ proof: AuditProof; keys: AuditKeys; result: WebReceiptVerification }> {
  const [proof, keys] = await Promise.all([proveAuditEvent(token, index), api<AuditKeys>('GET', '/api/audit/keys', { token })]);
  const result = await verifyReceiptWeb(proof.receipt, [...keys.logKeys, ...keys.witnessKeys], { origin: keys.origin });
  return { proof, keys, result };
}

export type { WebReceiptVerification };
