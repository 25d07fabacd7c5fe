import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { defaultIdTokenAlgorithms, symmetricIdTokenAlgorithms, verifyIdToken } from './oidc-id-token.js';

const issuer = 'https://idp.example.org/realms/hospital';
const clientId = 'medveil';
const nonce = 'n-0S6_WzA2Mj';
const now = Date.UTC(2025, 2, 3, 9, 0, 0);
const seconds = Math.floor(now / 1000);
const clientSecret = 'a client secret of the hospital idp';

const provider = await generateKeyPair('RS256');
const stranger = await generateKeyPair('RS256');
const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(provider.publicKey)), kid: 'k1', alg: 'RS256' }] });
const keys: JWTVerifyGetKey = (header, token) => (header.alg.startsWith('HS') ? new TextEncoder().encode(clientSecret) : jwks(header, token));
const expected = { issuer, clientId, nonce, algorithms: defaultIdTokenAlgorithms, now };

function claims(extra: JWTPayload = {}): JWTPayload {
  return { iss: issuer, sub: 'f3a9', aud: clientId, iat: seconds, exp: seconds + 300, nonce, amr: ['pwd', 'otp'], acr: '2', ...extra };
}

const signed = (payload: JWTPayload, key = provider.privateKey, kid = 'k1') => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
const hs256 = (payload: JWTPayload) => new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(clientSecret));
const unsecured = (payload: JWTPayload) => `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;

test('verifyIdToken() accepts a token of the provider for this client and sign-in, and returns its subject, amr and acr', async () => {
  const check = await verifyIdToken(await signed(claims({ preferred_username: 'dr.chen' })), keys, expected);
  assert.equal(check.outcome, 'valid');
  if (check.outcome !== 'valid') return;
  assert.deepEqual([check.token.issuer, check.token.subject, check.token.amr, check.token.acr], [issuer, 'f3a9', ['pwd', 'otp'], '2']);
  assert.equal(check.token.claims.preferred_username, 'dr.chen');
});

test('verifyIdToken() refuses each forged or misdirected token with its problem', async () => {
  const cases: [name: string, token: string, problem: string][] = [
    ['alg none', unsecured(claims()), 'algorithm-not-allowed'],
    ['HS256 with the client secret, not configured', await hs256(claims()), 'algorithm-not-allowed'],
    ['signed by another key under the provider kid', await signed(claims(), stranger.privateKey), 'bad-signature'],
    ['a kid the provider does not publish', await signed(claims(), stranger.privateKey, 'k2'), 'unknown-key'],
    ['another issuer', await signed(claims({ iss: 'https://evil.example.org' })), 'wrong-issuer'],
    ['another audience', await signed(claims({ aud: 'pacs-viewer' })), 'wrong-audience'],
    ['two audiences without azp', await signed(claims({ aud: [clientId, 'pacs-viewer'] })), 'wrong-authorized-party'],
    ['azp of another client', await signed(claims({ azp: 'pacs-viewer' })), 'wrong-authorized-party'],
    ['expired', await signed(claims({ iat: seconds - 900, exp: seconds - 600 })), 'expired'],
    ['nonce of another sign-in', await signed(claims({ nonce: 'replayed' })), 'nonce-mismatch'],
    ['no nonce', await signed(claims({ nonce: undefined })), 'nonce-mismatch'],
    ['no subject', await signed(claims({ sub: undefined })), 'malformed'],
    ['not a JWT', 'eyJhbGciOiJSUzI1NiJ9.e30', 'malformed'],
  ];
  for (const [name, token, problem] of cases) {
    assert.deepEqual(await verifyIdToken(token, keys, expected), { outcome: 'refused', problem }, name);
  }
});

test('verifyIdToken() accepts HS256 with the client secret only when a deployment lists it', async () => {
  const token = await hs256(claims());
  const check = await verifyIdToken(token, keys, { ...expected, algorithms: [...defaultIdTokenAlgorithms, ...symmetricIdTokenAlgorithms] });
  assert.equal(check.outcome, 'valid');
});

test('verifyIdToken() throws, rather than refuses, when the key set cannot be read', async () => {
  const unreachable: JWTVerifyGetKey = () => {
    throw new TypeError('fetch failed');
  };
  await assert.rejects(verifyIdToken(await signed(claims()), unreachable, expected), TypeError);
});
