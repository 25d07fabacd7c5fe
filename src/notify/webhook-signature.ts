/**
 * The signature of a MedVeil webhook, so a receiver can tell our messages from anyone's:
 *
 *   X-MedVeil-Timestamp: <milliseconds since the Unix epoch, decimal>
 *   X-MedVeil-Signature: sha256=<lowercase hex of HMAC-SHA256(secret, timestamp + "." + body)>
 *
 * HMAC-SHA256 as RFC 2104 with SHA-256. The timestamp is signed with the body so that a
 * receiver can refuse replays older than its own window; the body is the exact bytes sent.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_SIGNATURE_HEADER = 'x-medveil-signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'x-medveil-timestamp';

/** The shortest secret accepted: 32 bytes of UTF-8, as much as the HMAC's output. */
export const MIN_WEBHOOK_SECRET_BYTES = 32;

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Whether `signature` (attacker-controlled) is ours for this timestamp and body; compared in constant time. */
export function verifyWebhookSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  if (!/^[0-9]{1,16}$/.test(timestamp)) return false;
  const expected = Buffer.from(webhookSignature(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
