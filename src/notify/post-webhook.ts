import { MedVeilError } from '../errors.js';
import { WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, webhookSignature } from './webhook-signature.js';

export interface WebhookTarget {
  readonly url: string;
  readonly secret: string;
  /** Milliseconds before the attempt counts as failed (default 10 s). */
  readonly timeoutMs?: number;
}

/**
 * POSTs `body` (JSON text) to the webhook, signed (webhook-signature.ts). Any 2xx answer is
 * delivery; anything else, a network error or the timeout is a MedVeilError('io') naming the
 * status or the cause, never the secret. Redirects are not followed: a signed message goes
 * only where it was configured to go.
 */
export async function postWebhook(target: WebhookTarget, body: string, timestamp: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
        [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(target.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
    });
  } catch (cause) {
    throw new MedVeilError('io', `webhook not reached: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status > 299) throw new MedVeilError('io', `webhook answered HTTP ${response.status}`);
}
