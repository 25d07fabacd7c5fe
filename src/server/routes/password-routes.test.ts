import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T0 } from '../../../test/support/testing-account-deps.js';
import { PASSWORD, testHttpApp } from '../../../test/support/testing-http-app.js';

const NEXT = 'seven herons over a grey canal';

test('POST /api/me/password ends every session of the account and answers a new one; the old password stops working', async () => {
  const { app, addUser, signIn, events, setNow } = await testHttpApp();
  await addUser('jane', ['clinician']);
  const first = await signIn('jane');
  const second = await signIn('jane');
  events.length = 0;
  const changed = await app.inject({ method: 'POST', url: '/api/me/password', headers: { authorization: first }, payload: { currentPassword: PASSWORD, newPassword: NEXT } });
  assert.equal(changed.statusCode, 200, changed.body);
  const answer = changed.json<{ token: string; methods: string[]; user: { passwordChangeRequired: boolean } }>();
  assert.deepEqual([answer.methods, answer.user.passwordChangeRequired], [['pwd'], false]);
  assert.deepEqual(events.map((e) => [e.type, e.detail?.action]), [['key-change', 'password-changed']]);
  assert.doesNotMatch(JSON.stringify(events), new RegExp(`${PASSWORD}|${NEXT}`));

  for (const [which, authorization] of [['the session of the request', first], ['another session', second]]) {
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization } });
    assert.deepEqual([me.statusCode, me.json<{ error: string }>().error], [401, 'invalid-token'], which);
  }
  assert.equal((await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${answer.token}` } })).statusCode, 200);
  setNow(T0 + 2000);
  assert.equal((await app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'jane', password: PASSWORD } })).statusCode, 401);
  assert.equal((await app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'jane', password: NEXT } })).statusCode, 200);
});

test('a wrong current password is refused, audited as a failed sign-in, and the fifth locks the account', async () => {
  const { app, addUser, signIn, events } = await testHttpApp();
  await addUser('jane', ['clinician']);
  const authorization = await signIn('jane');
  const attempt = () => app.inject({ method: 'POST', url: '/api/me/password', headers: { authorization }, payload: { currentPassword: 'a guess that is wrong', newPassword: NEXT } });
  for (let n = 1; n <= 5; n++) {
    events.length = 0;
    const response = await attempt();
    assert.deepEqual([response.statusCode, response.json<{ error: string }>().error], [403, 'wrong-password'], `attempt ${n}`);
    assert.deepEqual(events.map((e) => [e.type, e.detail?.reason]), [['login-failed', 'wrong-password']], `attempt ${n}`);
  }
  const locked = await app.inject({ method: 'POST', url: '/api/me/password', headers: { authorization }, payload: { currentPassword: PASSWORD, newPassword: NEXT } });
  assert.deepEqual([locked.statusCode, locked.json<{ error: string }>().error], [401, 'account-locked']);
  assert.ok(Number(locked.headers['retry-after']) > 0);
});

test('a weak new password is refused with every problem, before any secret is checked', async () => {
  const { app, addUser, signIn, accounts } = await testHttpApp();
  await addUser('jane', ['clinician']);
  const authorization = await signIn('jane');
  const response = await app.inject({ method: 'POST', url: '/api/me/password', headers: { authorization }, payload: { currentPassword: 'wrong', newPassword: 'Password123!' } });
  assert.deepEqual([response.statusCode, response.json<{ error: string; problems: string[] }>().problems], [400, ['common-password']]);
  assert.equal((await accounts.findUser('jane'))!.lockout.failures, 0);
});

test('after an administrator reset, the person signs in with the one-time password and can do nothing but choose their own', async () => {
  const { app, signedInWithMfa, addUser, code, setNow, events } = await testHttpApp();
  const ada = { authorization: (await signedInWithMfa('ada', ['admin'])).authorization };
  const { authorization: before, totpSecret } = await signedInWithMfa('bea', ['admin']);

  events.length = 0;
  const reset = await app.inject({ method: 'PATCH', url: '/api/users/bea', headers: ada, payload: { password: NEXT } });
  assert.equal(reset.statusCode, 200, reset.body);
  assert.equal(reset.json<{ user: { passwordChangeRequired: boolean } }>().user.passwordChangeRequired, true);
  assert.deepEqual(events.map((e) => [e.type, e.detail?.changed]), [['policy-change', 'password']]);
  assert.equal((await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: before } })).statusCode, 401, "the reset ends the person's sessions");

  setNow(T0 + 60_000);
  const login = await app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'bea', password: NEXT, totp: await code(totpSecret) } });
  assert.equal(login.statusCode, 200, login.body);
  assert.equal(login.json<{ user: { passwordChangeRequired: boolean } }>().user.passwordChangeRequired, true);
  const oneTime = { authorization: `Bearer ${login.json<{ token: string }>().token}` };
  events.length = 0;
  const blocked = await app.inject({ method: 'GET', url: '/api/users', headers: oneTime });
  assert.deepEqual([blocked.statusCode, blocked.json<{ error: string }>().error], [403, 'password-change-required']);
  assert.deepEqual(events.map((e) => [e.type, e.detail?.reason]), [['deny', 'password-change-required']]);
  assert.equal((await app.inject({ method: 'GET', url: '/api/me', headers: oneTime })).statusCode, 200);

  setNow(T0 + 90_000);
  const chosen = await app.inject({ method: 'POST', url: '/api/me/password', headers: oneTime, payload: { currentPassword: NEXT, newPassword: 'a lantern in the orchard at dusk', totp: await code(totpSecret) } });
  assert.equal(chosen.statusCode, 200, chosen.body);
  const own = { authorization: `Bearer ${chosen.json<{ token: string }>().token}` };
  assert.equal((await app.inject({ method: 'GET', url: '/api/users', headers: own })).statusCode, 200);
  assert.equal((await app.inject({ method: 'GET', url: '/api/users', headers: oneTime })).statusCode, 401);

  await addUser('carl', ['clinician']);
  events.length = 0;
  const self = await app.inject({ method: 'PATCH', url: '/api/users/ada', headers: ada, payload: { password: NEXT } });
  assert.deepEqual([self.statusCode, self.json<{ error: string }>().error, events[0]?.type], [403, 'self-change', 'deny'], 'an administrator never resets their own password');
});
