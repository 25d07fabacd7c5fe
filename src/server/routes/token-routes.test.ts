import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiTokenDigest } from '../../access/identity/api-token.js';
import { T0 } from '../../../test/support/testing-account-deps.js';
import { decideRouteAccess } from '../route-access.js';
import { testHttpApp } from '../../../test/support/testing-http-app.js';

const day = 86_400_000;

async function mint(app: Awaited<ReturnType<typeof testHttpApp>>['app'], authorization: string, payload: object = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/me/tokens',
    headers: { authorization },
    payload: { name: 'PACS forwarder', scopes: ['dicomweb:store'], expiresAt: new Date(T0 + 30 * day).toISOString(), ...payload },
  });
}

test('a technician creates a token that acts for them: shown once, listed without its secret, stopped by revocation or expiry', async () => {
  const { app, addUser, signIn, signedInWithMfa, setNow, accounts, events } = await testHttpApp();
  await addUser('tec', ['technician'], { departments: [] });
  const tec = await signIn('tec');
  events.length = 0;
  const created = await mint(app, tec);
  assert.equal(created.statusCode, 201, created.body);
  const { token, apiToken } = created.json<{ token: string; apiToken: { id: string; status: string; owner: string } }>();
  assert.deepEqual([apiToken.status, apiToken.owner], ['valid', 'tec']);
  assert.deepEqual(events.map((e) => [e.type, e.detail?.action, e.detail?.owner]), [['key-change', 'create-api-token', 'tec']]);
  assert.equal(JSON.stringify(events).includes(token), false);

  const admin = { authorization: (await signedInWithMfa('ada', ['admin'])).authorization };
  for (const [who, headers, url] of [['the owner', { authorization: tec }, '/api/me/tokens'], ['an administrator', admin, '/api/tokens']] as const) {
    const list = await app.inject({ method: 'GET', url, headers });
    assert.equal(list.statusCode, 200, who);
    assert.deepEqual(list.json<{ tokens: { id: string; owner: string }[] }>().tokens.map((t) => [t.id, t.owner]), [[apiToken.id, 'tec']], who);
    assert.equal(list.body.includes(token.slice(3, 20)), false, who);
  }

  const stored = await accounts.findApiToken(apiToken.id);
  const owner = (await accounts.findUser('tec'))!;
  const principal = { kind: 'api-token' as const, token: stored!, owner };
  assert.equal(decideRouteAccess({ scope: 'dicomweb:store' }, principal, T0).allowed, true, 'the token holds its scope');
  assert.equal(decideRouteAccess({ scope: 'dicomweb:read' }, principal, T0).allowed, false, 'and no other');
  assert.equal(decideRouteAccess('admin', principal, T0).allowed, false, 'and never an admin route');
  assert.equal(decideRouteAccess('session', principal, T0).allowed, false, 'nor a session route');

  setNow(T0 + 31 * day);
  const expired = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
  assert.deepEqual([expired.statusCode, expired.json<{ error: string }>().error], [401, 'invalid-token']);
  setNow(T0);

  assert.equal((await app.inject({ method: 'DELETE', url: `/api/me/tokens/${apiToken.id}`, headers: { authorization: tec } })).statusCode, 204);
  assert.equal((await app.inject({ method: 'DELETE', url: `/api/tokens/${apiToken.id}`, headers: admin })).statusCode, 409);
  const revoked = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
  assert.equal(revoked.statusCode, 401);
});

test("another person's token is unknown to a non-administrator; an administrator revokes any", async () => {
  const { app, addUser, signIn, signedInWithMfa } = await testHttpApp();
  await addUser('tec', ['technician']);
  await addUser('li', ['clinician']);
  const { apiToken } = (await mint(app, await signIn('tec'))).json<{ apiToken: { id: string } }>();
  const li = { authorization: await signIn('li') };
  const foreign = await app.inject({ method: 'DELETE', url: `/api/me/tokens/${apiToken.id}`, headers: li });
  const missing = await app.inject({ method: 'DELETE', url: '/api/me/tokens/no-such-token', headers: li });
  assert.deepEqual([foreign.statusCode, foreign.json<{ error: string }>().error], [404, 'unknown-token']);
  assert.equal(foreign.json<{ message: string }>().message.replace(apiToken.id, 'X'), missing.json<{ message: string }>().message.replace('no-such-token', 'X'));
  assert.deepEqual((await app.inject({ method: 'GET', url: '/api/me/tokens', headers: li })).json(), { tokens: [] });
  assert.equal((await app.inject({ method: 'DELETE', url: `/api/tokens/${apiToken.id}`, headers: li })).statusCode, 403);
  const admin = { authorization: (await signedInWithMfa('ada', ['admin'])).authorization };
  assert.equal((await app.inject({ method: 'DELETE', url: `/api/tokens/${apiToken.id}`, headers: admin })).statusCode, 204);
});

test('skipping MFA through an API token: an account whose role needs a second factor neither mints nor uses one (acceptance 4)', async () => {
  const { app, addUser, signIn, signedInWithMfa, accounts, events } = await testHttpApp();
  for (const role of ['admin', 'dso', 'director'] as const) {
    const { authorization } = await signedInWithMfa(`${role}1`, [role]);
    events.length = 0;
    const response = await mint(app, authorization, { scopes: ['dicomweb:read'] });
    assert.deepEqual([response.statusCode, response.json<{ error: string }>().error], [403, 'mfa-role-token'], role);
    assert.deepEqual(events.map((e) => [e.type, e.detail?.reason]), [['deny', 'mfa-role-token']], role);
  }
  // A technician's token, then the technician is made a DSO: the token stops at once.
  await addUser('tec', ['technician']);
  const { token } = (await mint(app, await signIn('tec'), { scopes: ['dicomweb:read'] })).json<{ token: string }>();
  const ada = { authorization: (await signedInWithMfa('ada', ['admin'])).authorization };
  assert.equal((await app.inject({ method: 'PATCH', url: '/api/users/tec', headers: ada, payload: { roles: ['technician', 'dso'] } })).statusCode, 200);
  events.length = 0;
  const used = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
  assert.deepEqual([used.statusCode, used.json<{ error: string }>().error], [403, 'api-token-not-allowed']);
  assert.deepEqual(events.map((e) => [e.type, e.detail?.reason, e.actor.role]), [['deny', 'api-token-mfa-role', 'technician,dso']]);

  // A disabled or deleted owner ends the token, and a token without an owner acts for nobody.
  await accounts.updateUser('tec', { roles: ['technician'], disabled: true }, T0);
  const disabled = await app.inject({ method: 'GET', url: '/api/me/tokens', headers: { authorization: `Bearer ${token}` } });
  assert.equal(disabled.statusCode, 401);
  const ownerless = `mv_${'A'.repeat(43)}`;
  const stored = (await accounts.listApiTokens())[0]!;
  await accounts.insertApiToken({ ...stored, id: 'ownerless', digest: apiTokenDigest(ownerless), owner: undefined });
  events.length = 0;
  const nobody = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${ownerless}` } });
  assert.equal(nobody.statusCode, 401);
  assert.deepEqual(events.map((e) => [e.type, e.detail?.reason]), [['deny', 'api-token-without-owner']]);
});

test('token requests outside the rules are refused: unknown scope, no expiry, beyond a year, a bad time', async () => {
  const { app, addUser, signIn } = await testHttpApp();
  await addUser('tec', ['technician']);
  const tec = await signIn('tec');
  const cases: Array<[string, object, number]> = [
    ['admin scope', { name: 'x', scopes: ['admin'], expiresAt: new Date(T0 + day).toISOString() }, 400],
    ['no expiry', { name: 'x', scopes: ['dimse'] }, 400],
    ['beyond a year', { name: 'x', scopes: ['dimse'], expiresAt: new Date(T0 + 400 * day).toISOString() }, 400],
    ['in the past', { name: 'x', scopes: ['dimse'], expiresAt: new Date(T0 - day).toISOString() }, 400],
    ['not a time', { name: 'x', scopes: ['dimse'], expiresAt: 'next tuesday' }, 400],
  ];
  for (const [label, payload, status] of cases) {
    const response = await app.inject({ method: 'POST', url: '/api/me/tokens', headers: { authorization: tec }, payload });
    assert.equal(response.statusCode, status, label);
  }
});
