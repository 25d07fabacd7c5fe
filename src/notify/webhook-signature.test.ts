import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { verifyWebhookSignature, webhookSignature } from './webhook-signature.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const BODY = '{"event":"break-glass.started","patient":"pt:abcd"}';

test('webhookSignature() is HMAC-SHA256 over "<timestamp>.<body>", as a receiver computes it with any HMAC library', () => {
  const expected = createHmac('sha256', SECRET).update(`1748858400000.${BODY}`).digest('hex');
  assert.equal(webhookSignature(SECRET, 1748858400000, BODY), `sha256=${expected}`);
});

test('verifyWebhookSignature() accepts our signature and refuses any change to the body, the timestamp, the signature or the secret', () => {
  const signature = webhookSignature(SECRET, 1748858400000, BODY);
  assert.equal(verifyWebhookSignature(SECRET, '1748858400000', BODY, signature), true);
  const refused: [string, string, string, string][] = [
    ['body', '1748858400000', BODY.replace('abcd', 'abce'), signature],
    ['timestamp', '1748858400001', BODY, signature],
    ['not a timestamp', '17488584e5', BODY, signature],
    ['signature', '1748858400000', BODY, signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0')],
    ['truncated signature', '1748858400000', BODY, signature.slice(0, 20)],
  ];
  for (const [what, timestamp, body, given] of refused) assert.equal(verifyWebhookSignature(SECRET, timestamp, body, given), false, what);
  assert.equal(verifyWebhookSignature(SECRET.replace('0', '1'), '1748858400000', BODY, signature), false, 'secret');
});
