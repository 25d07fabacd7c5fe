import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { issueSessionToken, sessionKeyId, verifySessionToken, type SessionVerificationKeys } from './session-token.js';
import { VerifiedSessionCache } from './verified-session-cache.js';

const issuer = 'medveil';
const t0 = Date.UTC(2025, 0, 1, 8);
const second = 1000;
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const key = { kid: await sessionKeyId(publicKey), privateKey };
const trusted: SessionVerificationKeys = { publicKey: (kid) => (kid === key.kid ? publicKey : undefined) };
/** Trusts no key: a token can then only pass through the cache, which shows when the cache answered. */
const untrusted: SessionVerificationKeys = { publicKey: () => undefined };

function verifier(cache: VerifiedSessionCache, revoked = new Set<string>()) {
  return (token: string, now: number, keys = trusted) =>
    verifySessionToken(token, { keys, issuer, now, cache, revocations: { isRevoked: (id) => revoked.has(id) } }).then((result) => result.outcome);
}

test('a token verified moments ago is answered from the cache, without its signature, for at most maxAgeMs', async () => {
  const verify = verifier(new VerifiedSessionCache({ maxAgeMs: 30 * second }));
  const { token } = await issueSessionToken({ userId: 'jane', methods: ['pwd'] }, { key, issuer, now: t0 });
  assert.equal(await verify(token, t0, untrusted), 'unknown-key', 'not cached yet');
  assert.equal(await verify(token, t0), 'valid');
  assert.equal(await verify(token, t0 + 29 * second, untrusted), 'valid', 'from the cache');
  assert.equal(await verify(token, t0 + 30 * second, untrusted), 'unknown-key', 'verified again after 30 s');
  assert.equal(await verify(token, t0 - 1, untrusted), 'unknown-key', 'never for a clock earlier than the verification');
});

test('a revoked token is refused on the next request though its verification is cached', async () => {
  const revoked = new Set<string>();
  const verify = verifier(new VerifiedSessionCache(), revoked);
  const { token, session } = await issueSessionToken({ userId: 'jane', methods: ['pwd'] }, { key, issuer, now: t0 });
  assert.equal(await verify(token, t0), 'valid');
  revoked.add(session.tokenId);
  assert.equal(await verify(token, t0 + 1), 'revoked');
});

test('an expired token is refused though its verification is cached (fake clock)', async () => {
  const verify = verifier(new VerifiedSessionCache({ maxAgeMs: 60 * second }));
  const { token } = await issueSessionToken({ userId: 'jane', methods: ['pwd'] }, { key, issuer, now: t0, lifetimeMs: 20 * second });
  assert.equal(await verify(token, t0 + 10 * second), 'valid');
  assert.equal(await verify(token, t0 + 19 * second, untrusted), 'valid', 'from the cache, before its expiry');
  assert.equal(await verify(token, t0 + 20 * second, untrusted), 'unknown-key', 'the cache stops answering at the expiry');
  assert.equal(await verify(token, t0 + 26 * second), 'expired', 'past the expiry and the clock tolerance');
});

test('the cache keeps at most maxEntries tokens, and a token it holds verifies as the same session', async () => {
  const verify = verifier(new VerifiedSessionCache({ maxEntries: 2 }));
  const issued = await Promise.all(['a', 'b', 'c'].map((userId) => issueSessionToken({ userId, methods: ['pwd'] }, { key, issuer, now: t0 })));
  for (const { token } of issued) assert.equal(await verify(token, t0), 'valid');
  assert.deepEqual(await Promise.all(issued.map(({ token }) => verify(token, t0 + 1, untrusted))), ['unknown-key', 'valid', 'valid']);
  const cache = new VerifiedSessionCache();
  const { token, session } = issued[0]!;
  const options = { keys: trusted, issuer, now: t0, cache, revocations: { isRevoked: () => false } };
  assert.deepEqual(await verifySessionToken(token, options), { outcome: 'valid', session });
  assert.deepEqual(await verifySessionToken(token, { ...options, keys: untrusted }), { outcome: 'valid', session });
});
