import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T0 } from '../../../test/support/testing-account-deps.js';
import { decideRouteAccess } from '../route-access.js';
import { testHttpApp } from '../../../test/support/testing-http-app.js';

const day = 86_400_000;

test('an API token is shown once, listed without its secret, and stops working when revoked or expired', async () => {
  const { app, signedInWithMfa, setNow, accounts } = await testHttpApp();
  const admin = { authorization: (await signedInWithMfa('ada', ['admin'])).authorization };
  const created = await app.inject({ method: 'POST', url: '/api/tokens', headers: admin, payload: { name: 'PACS forwarder', scopes: ['dicomweb:store'], expiresAt: new Date(T0 + 30 * day).toISOString() } });
  assert.equal(created.statusCode, 201);
  const { token, apiToken } = created.json<{ token: string; apiToken: { id: string; status: string } }>();
  assert.equal(apiToken.status, 'valid');
  const list = await app.inject({ method: 'GET', url: '/api/tokens', headers: admin });
  assert.equal(list.body.includes(token), false);
  assert.equal(list.body.includes(token.slice(3, 20)), false);

  const stored = await accounts.findApiToken(apiToken.id);
  const principal = { kind: 'api-token' as const, token: stored! };
  assert.equal(decideRouteAccess({ scope: 'dicomweb:store' }, principal, T0).allowed, true, 'the token holds its scope');
  assert.equal(decideRouteAccess({ scope: 'dicomweb:read' }, principal, T0).allowed, false, 'and no other');
  assert.equal(decideRouteAccess('admin', principal, T0).allowed, false, 'and never an admin route');

  setNow(T0 + 31 * day);
  const expired = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
  assert.deepEqual([expired.statusCode, expired.json<{ error: string }>().error], [401, 'invalid-token']);
  setNow(T0);

  assert.equal((await app.inject({ method: 'DELETE', url: `/api/tokens/${apiToken.id}`, headers: admin })).statusCode, 204);
  assert.equal((await app.inject({ method: 'DELETE', url: `/api/tokens/${apiToken.id}`, headers: admin })).statusCode, 409);
  const revoked = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
  assert.equal(revoked.statusCode, 401);
});

test('token requests outside the rules are refused: unknown scope, no expiry, beyond a year, a bad time', async () => {
  const { app, signedInWithMfa } = await testHttpApp();
  const admin = { authorization: (await signedInWithMfa('ada', ['admin'])).authorization };
  const cases: Array<[string, object, number]> = [
    ['admin scope', { name: 'x', scopes: ['admin'], expiresAt: new Date(T0 + day).toISOString() }, 400],
    ['no expiry', { name: 'x', scopes: ['dimse'] }, 400],
    ['beyond a year', { name: 'x', scopes: ['dimse'], expiresAt: new Date(T0 + 400 * day).toISOString() }, 400],
    ['in the past', { name: 'x', scopes: ['dimse'], expiresAt: new Date(T0 - day).toISOString() }, 400],
    ['not a time', { name: 'x', scopes: ['dimse'], expiresAt: 'next tuesday' }, 400],
  ];
  for (const [label, payload, status] of cases) {
    const response = await app.inject({ method: 'POST', url: '/api/tokens', headers: admin, payload });
    assert.equal(response.statusCode, status, label);
  }
});
