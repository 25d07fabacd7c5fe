import { MedVeilError } from '../../errors.js';
import type { AuditEvent } from './audit-event.js';
import { canonicalJson } from './canonical-json.js';
import { validateAuditEvent } from './validate-audit-event.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The leaf bytes of an event: UTF-8 of its RFC 8785 canonical JSON. Validates first. */
export function encodeAuditEvent(event: AuditEvent): Uint8Array {
  return encoder.encode(canonicalJson(validateAuditEvent(event)));
}

/**
 * Reads leaf bytes back into an event. The bytes must be exactly the canonical form, so that
 * one event has one leaf and a verifier can rely on re-encoding. Throws MedVeilError('audit').
 */
export function decodeAuditEvent(bytes: Uint8Array): AuditEvent {
  let text: string;
  let parsed: unknown;
  try {
    text = decoder.decode(bytes);
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new MedVeilError('audit', 'audit event is not UTF-8 JSON', { cause });
  }
  const event = validateAuditEvent(parsed);
  if (!isCanonical(event, text)) throw new MedVeilError('audit', 'audit event is not in canonical JSON form (RFC 8785)');
  return event;
}

/**
 * Whether `text` is the RFC 8785 form of `event`, which JSON.parse made from it. A valid
 * event has no integer-like member names, so its members enumerate in text order; if that
 * order is sorted and JSON.stringify writes the text back unchanged, the text is canonical.
 * A \u escape of a surrogate (possibly lone) goes the long way through canonicalJson.
 */
function isCanonical(event: AuditEvent, text: string): boolean {
  if (text.includes('\\ud') || text.includes('\\uD')) return canonicalJson(event) === text;
  return membersSorted(event) && JSON.stringify(event) === text;
}

function membersSorted(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(membersSorted);
  const names = Object.keys(value);
  for (let i = 1; i < names.length; i++) if (!(names[i - 1]! < names[i]!)) return false;
  return Object.values(value).every(membersSorted);
}
