import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  issueSessionToken,
  sessionHasMultipleFactors,
  sessionKeyId,
  verifySessionToken,
  type SessionSigningKey,
} from './session-token.js';

const issuer = 'medveil';
const t0 = Date.UTC(2025, 0, 1, 8);
const minute = 60_000;

async function signingKey(): Promise<SessionSigningKey & { publicKey: KeyObject }> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { kid: await sessionKeyId(publicKey), privateKey, publicKey };
}

const ours = await signingKey();
const stranger = await signingKey();
const keys = { publicKey: (kid: string) => (kid === ours.kid ? ours.publicKey : undefined) };
const revoked = new Set<string>();
const revocations = { isRevoked: (tokenId: string) => revoked.has(tokenId) };

function verify(token: string, now = t0, extra: { issuer?: string; clockToleranceSeconds?: number } = {}) {
  return verifySessionToken(token, { keys, issuer, now, revocations, ...extra });
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS (RFC 7515 7.1) with any header, claims and signature text, for forgeries no library would make. */
function handMade(header: object, claims: object, signature = ''): string {
  return `${b64(header)}.${b64(claims)}.${signature}`;
}

const validClaims = {
  iss: issuer,
  sub: 'jane',
  jti: 'abc',
  iat: t0 / 1000,
  nbf: t0 / 1000,
  exp: t0 / 1000 + 900,
  amr: ['pwd', 'otp'],
};

test('a session token issued now verifies and gives back user, methods, id and times', async () => {
  const { token, session } = await issueSessionToken({ userId: 'jane', methods: ['pwd', 'otp'] }, { key: ours, issuer, now: t0 + 123 });
  const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
  assert.deepEqual(header, { alg: 'EdDSA', typ: 'medveil-session+jwt', kid: ours.kid });
  assert.deepEqual(session, { userId: 'jane', methods: ['pwd', 'otp'], tokenId: session.tokenId, issuedAt: t0, expiresAt: t0 + 15 * minute });
  assert.match(session.tokenId, /^[A-Za-z0-9_-]{22}$/);
  assert.deepEqual(await verify(token, t0 + 5 * minute), { outcome: 'valid', session });
});

test('verifySessionToken() refuses every forged, foreign, stale or revoked token with its reason', async () => {
  const { token: good, session } = await issueSessionToken({ userId: 'jane', methods: ['pwd'] }, { key: ours, issuer, now: t0 });
  const [goodHeader, goodClaims, goodSignature] = good.split('.') as [string, string, string];
  const spkiPem = ours.publicKey.export({ format: 'pem', type: 'spki' });
  const rawPublicKey = ours.publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  const hmacHeader = { alg: 'HS256', typ: 'medveil-session+jwt', kid: ours.kid };
  const hs256 = (secret: Uint8Array) => new SignJWT(validClaims).setProtectedHeader(hmacHeader).sign(secret);
  const es256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const otherRevoked = await issueSessionToken({ userId: 'jane', methods: ['pwd'] }, { key: ours, issuer, now: t0 });
  revoked.add(otherRevoked.session.tokenId);

  const cases: Array<[string, string | Promise<string>, string, number?]> = [
    ['alg none, no signature', handMade({ alg: 'none', typ: 'medveil-session+jwt', kid: ours.kid }, validClaims), 'wrong-algorithm'],
    ['alg none with the real signature', `${b64({ alg: 'none', typ: 'medveil-session+jwt', kid: ours.kid })}.${goodClaims}.${goodSignature}`, 'wrong-algorithm'],
    ['algorithm swap: HS256 keyed with our public key in PEM', hs256(new TextEncoder().encode(String(spkiPem))), 'wrong-algorithm'],
    ['algorithm swap: HS256 keyed with our raw public key', hs256(new Uint8Array(rawPublicKey)), 'wrong-algorithm'],
    ['ES256 under our kid', new SignJWT(validClaims).setProtectedHeader({ alg: 'ES256', typ: 'medveil-session+jwt', kid: ours.kid }).sign(es256.privateKey), 'wrong-algorithm'],
    ['fully specified Ed25519 alg name', new SignJWT(validClaims).setProtectedHeader({ alg: 'Ed25519', typ: 'medveil-session+jwt', kid: ours.kid }).sign(ours.privateKey), 'wrong-algorithm'],
    ['signed by a stranger under our kid', new SignJWT(validClaims).setProtectedHeader({ alg: 'EdDSA', typ: 'medveil-session+jwt', kid: ours.kid }).sign(stranger.privateKey), 'bad-signature'],
    ['signed by a stranger under its own kid', issueSessionToken({ userId: 'jane', methods: ['pwd'] }, { key: stranger, issuer, now: t0 }).then((r) => r.token), 'unknown-key'],
    ['no kid', new SignJWT(validClaims).setProtectedHeader({ alg: 'EdDSA', typ: 'medveil-session+jwt' }).sign(ours.privateKey), 'unknown-key'],
    ['claims changed after signing', `${goodHeader}.${b64({ ...validClaims, sub: 'admin' })}.${goodSignature}`, 'bad-signature'],
    ['wrong issuer', issueSessionToken({ userId: 'jane', methods: ['pwd'] }, { key: ours, issuer: 'elsewhere', now: t0 }).then((r) => r.token), 'wrong-issuer'],
    ['no type', new SignJWT(validClaims).setProtectedHeader({ alg: 'EdDSA', kid: ours.kid }).sign(ours.privateKey), 'wrong-type'],
    ['another JWT type', new SignJWT(validClaims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: ours.kid }).sign(ours.privateKey), 'wrong-type'],
    ['unknown authentication method', new SignJWT({ ...validClaims, amr: ['pwd', 'face'] }).setProtectedHeader({ alg: 'EdDSA', typ: 'medveil-session+jwt', kid: ours.kid }).sign(ours.privateKey), 'malformed'],
    ['no jti', new SignJWT({ ...validClaims, jti: undefined }).setProtectedHeader({ alg: 'EdDSA', typ: 'medveil-session+jwt', kid: ours.kid }).sign(ours.privateKey), 'malformed'],
    ['not a JWT', 'hello', 'malformed'],
    ['empty', '', 'malformed'],
    ['expired: 15 minutes and the tolerance later', good, 'expired', t0 + 15 * minute + 5_000],
    ['not yet valid: before issue beyond the tolerance', good, 'not-yet-valid', t0 - 6_000],
    ['revoked', otherRevoked.token, 'revoked'],
  ];
  for (const [name, token, outcome, now] of cases) {
    assert.deepEqual(await verify(await token, now ?? t0 + minute), { outcome }, name);
  }
  assert.equal((await verify(good, t0 + 15 * minute + 4_000)).outcome, 'valid', 'within the tolerance after expiry');
  assert.equal((await verify(good, t0 - 5_000)).outcome, 'valid', 'within the tolerance before issue');
  assert.equal((await verify(good, t0 + 15 * minute, { clockToleranceSeconds: 0 })).outcome, 'expired');
  assert.deepEqual((await verify(good, t0 + minute)), { outcome: 'valid', session });
});

test('a custom lifetime sets the expiry', async () => {
  const { session } = await issueSessionToken({ userId: 'jane', methods: ['pwd'] }, { key: ours, issuer, now: t0, lifetimeMs: 5 * minute });
  assert.equal(session.expiresAt, t0 + 5 * minute);
});

test('sessionHasMultipleFactors() is true only for a password and a one-time code together', async () => {
  const cases: Array<[Array<'pwd' | 'otp'>, boolean]> = [
    [['pwd', 'otp'], true],
    [['otp', 'pwd'], true],
    [['pwd'], false],
    [['otp'], false],
    [[], false],
  ];
  for (const [methods, expected] of cases) {
    const { token } = await issueSessionToken({ userId: 'jane', methods }, { key: ours, issuer, now: t0 });
    const verified = await verify(token);
    assert.equal(verified.outcome, 'valid');
    if (verified.outcome === 'valid') assert.equal(sessionHasMultipleFactors(verified.session), expected, methods.join('+'));
  }
});

test('sessionKeyId() is the same for the same public key however it is held', async () => {
  const again = createPublicKey(ours.publicKey.export({ format: 'pem', type: 'spki' }));
  assert.equal(await sessionKeyId(again), ours.kid);
  assert.notEqual(await sessionKeyId(stranger.publicKey), ours.kid);
});
