import { decodeAuditEvent } from '../event/encode-audit-event.js';
import { validateAuditEvent } from '../event/validate-audit-event.js';
import { isPlainCanonicalJson } from './plain-canonical-json.js';

// The same decoder as decodeAuditEvent's, so that both read the same text from the same bytes.
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Why stored leaf bytes are not a valid audit event — the message `decodeAuditEvent` throws —
 * or undefined when they are one. The verdict is always `decodeAuditEvent`'s; the common case
 * (valid and plainly canonical) is decided without re-serializing the event, which costs
 * about as much as parsing it, and anything else is handed to `decodeAuditEvent` itself.
 */
export function storedEventProblem(bytes: Uint8Array): string | undefined {
  if (isPlainValidEvent(bytes)) return undefined;
  try {
    decodeAuditEvent(bytes);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function isPlainValidEvent(bytes: Uint8Array): boolean {
  try {
    const text = decoder.decode(bytes);
    const parsed: unknown = JSON.parse(text);
    if (!isPlainCanonicalJson(text)) return false;
    validateAuditEvent(parsed);
    return true;
  } catch {
    return false;
  }
}
