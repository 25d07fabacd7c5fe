import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { MedVeilError } from '../../errors.js';
import {
  apiTokenAllows,
  apiTokenDigest,
  apiTokenStatus,
  issueApiToken,
  looksLikeApiToken,
  matchesApiToken,
  revokeApiToken,
  type ApiTokenRecord,
} from './api-token.js';

const t0 = Date.UTC(2025, 0, 1);
const day = 24 * 3_600_000;

function reader(): { token: string; record: ApiTokenRecord } {
  return issueApiToken({ name: 'pacs forwarder', scopes: ['dicomweb:read', 'dimse'], expiresAt: t0 + 30 * day }, { now: t0 });
}

test('issueApiToken() gives an mv_ token of 32 random bytes and stores only its SHA-256', () => {
  const { token, record } = reader();
  assert.match(token, /^mv_[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(token.slice(3), 'base64url').length, 32);
  assert.equal(record.digest, createHash('sha256').update(token).digest('hex'));
  assert.ok(!JSON.stringify(record).includes(token.slice(3)), 'the record holds no part of the secret');
  assert.notEqual(reader().token, token);
  assert.deepEqual(record.scopes, ['dicomweb:read', 'dimse']);
  assert.equal(record.createdAt, t0);
});

test('issueApiToken() refuses unknown or privileged scopes, no scopes, and missing or excessive expiry', () => {
  const cases: Array<[string, string[], number]> = [
    ['an admin scope', ['dicomweb:read', 'users:manage'], t0 + day],
    ['an approval scope', ['requests:approve'], t0 + day],
    ['no scope', [], t0 + day],
    ['expiry now', ['dimse'], t0],
    ['expiry in the past', ['dimse'], t0 - 1],
    ['never expiring (0, as Orthanc reads it)', ['dimse'], 0],
    ['more than 366 days', ['dimse'], t0 + 367 * day],
  ];
  for (const [name, scopes, expiresAt] of cases) {
    assert.throws(() => issueApiToken({ name, scopes, expiresAt }, { now: t0 }), (error: unknown) => {
      assert.ok(error instanceof MedVeilError, name);
      assert.equal(error.code, 'token', name);
      return true;
    });
  }
});

test('apiTokenAllows() grants only the scopes given, and only while the token is valid', () => {
  const { record } = reader();
  const cases: Array<[string, number, boolean]> = [
    ['dicomweb:read', t0, true],
    ['dimse', t0 + 29 * day, true],
    ['dicomweb:store', t0, false],
    ['audit:read', t0, false],
    ['dicomweb:read', t0 + 30 * day, false],
    ['dicomweb:read', t0 - 1 + 30 * day, true],
  ];
  for (const [scope, now, expected] of cases) assert.equal(apiTokenAllows(record, { scope, now }), expected, `${scope} at ${now - t0}`);
  const revoked = revokeApiToken(record, t0 + day);
  assert.equal(apiTokenAllows(revoked, { scope: 'dicomweb:read', now: t0 + day }), false);
});

test('apiTokenAllows() never reaches admin, approval or MFA-only actions, even from a tampered record', () => {
  const { record } = reader();
  const privileged = [
    'users:manage',
    'roles:assign',
    'requests:approve',
    'grants:create',
    'break-glass',
    'sensitivity:set',
    'config:write',
    'audit:write',
    'mfa',
    'admin',
    '*',
    '',
  ];
  const tampered = { ...record, scopes: [...record.scopes, ...privileged] } as ApiTokenRecord;
  for (const scope of privileged) {
    assert.equal(apiTokenAllows(tampered, { scope, now: t0 }), false, scope);
  }
  assert.equal(apiTokenAllows(tampered, { scope: 'dicomweb:read', now: t0 }), true);
});

test('apiTokenStatus() is valid, then expired; revoked from the moment of revocation', () => {
  const { record } = reader();
  const revoked = revokeApiToken(record, t0 + day);
  const cases: Array<[ApiTokenRecord, number, string]> = [
    [record, t0, 'valid'],
    [record, t0 + 30 * day, 'expired'],
    [revoked, t0 + day - 1, 'valid'],
    [revoked, t0 + day, 'revoked'],
    [revoked, t0 + 31 * day, 'revoked'],
  ];
  for (const [subject, now, expected] of cases) assert.equal(apiTokenStatus(subject, now), expected);
  assert.equal(revokeApiToken(revoked, t0 + 2 * day).revokedAt, t0 + day, 'a second revocation keeps the first time');
});

test('matchesApiToken() and looksLikeApiToken() accept the issued token and nothing near it', () => {
  const { token, record } = reader();
  assert.equal(looksLikeApiToken(token), true);
  assert.equal(matchesApiToken(record, token), true);
  assert.equal(apiTokenDigest(token), record.digest);
  const near = [
    token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'),
    token.slice(0, -1),
    'MV_' + token.slice(3),
    token + '=',
    ' ' + token,
    '',
  ];
  for (const presented of near) {
    assert.equal(matchesApiToken(record, presented), false, presented);
  }
  for (const presented of near.slice(1)) assert.equal(looksLikeApiToken(presented), false, presented);
});
