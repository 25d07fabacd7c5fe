import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { createBootstrapCode } from '../../access/identity/bootstrap-code.js';
import { T0 } from '../../../test/support/testing-account-deps.js';
import { PASSWORD, testHttpApp } from '../../../test/support/testing-http-app.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

test('first run: bootstrap code, password-only session limited to enrolment, TOTP enrolment, then a full admin session', async () => {
  const { app, accounts, code } = await testHttpApp();
  const { code: bootstrapCode, record } = createBootstrapCode({ now: T0 });
  await accounts.replaceBootstrapCode(record);
  assert.deepEqual((await app.inject({ method: 'GET', url: '/api/bootstrap' })).json(), { bootstrapNeeded: true });

  const created = await app.inject({ method: 'POST', url: '/api/bootstrap', payload: { code: bootstrapCode, userName: 'ada', password: PASSWORD } });
  assert.equal(created.statusCode, 201);
  assert.deepEqual(created.json<{ user: { roles: string[] } }>().user.roles, ['admin']);
  assert.deepEqual((await app.inject({ method: 'GET', url: '/api/bootstrap' })).json(), { bootstrapNeeded: false });

  const signedIn = (await app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'ada', password: PASSWORD } })).json<{ token: string; mfaEnrolmentRequired: boolean; methods: string[] }>();
  assert.deepEqual([signedIn.mfaEnrolmentRequired, signedIn.methods], [true, ['pwd']]);
  const first = { authorization: `Bearer ${signedIn.token}` };
  const tooEarly = await app.inject({ method: 'GET', url: '/api/users', headers: first });
  assert.deepEqual([tooEarly.statusCode, tooEarly.json<{ error: string }>().error], [403, 'mfa-required']);
  assert.equal((await app.inject({ method: 'GET', url: '/api/me', headers: first })).json<{ mfaEnrolmentRequired: boolean }>().mfaEnrolmentRequired, true);

  const enrolment = await app.inject({ method: 'POST', url: '/api/me/totp', headers: first });
  assert.equal(enrolment.statusCode, 201);
  const { secret, otpauthUri } = enrolment.json<{ secret: string; otpauthUri: string }>();
  assert.match(otpauthUri, /^otpauth:\/\/totp\/MedVeil:ada\?.*secret=/);
  const confirmed = await app.inject({ method: 'POST', url: '/api/me/totp/confirm', headers: first, payload: { code: await code(secret) } });
  assert.equal(confirmed.statusCode, 200);
  const full = { authorization: `Bearer ${confirmed.json<{ token: string }>().token}` };
  assert.deepEqual(confirmed.json<{ methods: string[] }>().methods, ['pwd', 'otp']);
  assert.equal((await app.inject({ method: 'GET', url: '/api/users', headers: full })).statusCode, 200);
  const old = await app.inject({ method: 'GET', url: '/api/me', headers: first });
  assert.deepEqual([old.statusCode, old.headers['www-authenticate']], [401, 'Bearer realm="medveil", error="invalid_token"']);
});

test('a wrong bootstrap code is refused and audited as a deny; once an admin exists the bootstrap route refuses', async () => {
  const { app, accounts, events } = await testHttpApp();
  const { code, record } = createBootstrapCode({ now: T0 });
  await accounts.replaceBootstrapCode(record);
  const wrong = await app.inject({ method: 'POST', url: '/api/bootstrap', payload: { code: '0000-0000-0000-0000', userName: 'ada', password: PASSWORD } });
  assert.deepEqual([wrong.statusCode, wrong.json<{ error: string }>().error], [403, 'bootstrap-code-wrong']);
  assert.deepEqual([events.at(-1)?.type, events.at(-1)?.detail?.reason], ['deny', 'bootstrap-code-wrong']);
  assert.equal((await app.inject({ method: 'POST', url: '/api/bootstrap', payload: { code, userName: 'ada', password: PASSWORD } })).statusCode, 201);
  const again = await app.inject({ method: 'POST', url: '/api/bootstrap', payload: { code, userName: 'eve', password: PASSWORD } });
  assert.equal(again.statusCode, 409);
});

test('each refused credential answers 401 and is audited as a deny with its reason', async () => {
  const fixture = await testHttpApp();
  const { app, events, addUser, publicKey, deps, setNow } = fixture;
  await addUser('li', ['clinician']);
  const valid = await fixture.signIn('li');
  const token = valid.slice('Bearer '.length);
  const [, claims] = token.split('.') as [string, string, string];
  const payload = JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<string, unknown>;
  const spkiPem = String(publicKey.export({ format: 'pem', type: 'spki' }));
  const header = { typ: 'medveil-session+jwt', kid: deps.sessions.key.kid };
  const algSwap = await new SignJWT(payload).setProtectedHeader({ ...header, alg: 'HS256' }).sign(new TextEncoder().encode(spkiPem));
  const loggedOut = await fixture.signIn('li');
  await app.inject({ method: 'POST', url: '/api/logout', headers: { authorization: loggedOut } });

  const cases: Array<[string, string, string, number?]> = [
    ['alg none', `Bearer ${b64({ ...header, alg: 'none' })}.${claims}.`, 'wrong-algorithm'],
    ['algorithm swap: HS256 keyed with our public key', `Bearer ${algSwap}`, 'wrong-algorithm'],
    ['claims edited after signing', `Bearer ${token.split('.')[0]}.${b64({ ...payload, sub: 'ada' })}.${token.split('.')[2]}`, 'bad-signature'],
    ['expired', valid, 'expired', T0 + 15 * 60_000 + 6_000],
    ['signed out', loggedOut, 'revoked'],
    ['not a bearer token', `Basic ${Buffer.from(`li:${PASSWORD}`).toString('base64')}`, 'malformed-authorization'],
    ['an API token nobody issued', `Bearer mv_${'A'.repeat(43)}`, 'unknown-api-token'],
  ];
  for (const [label, authorization, reason, at] of cases) {
    setNow(at ?? T0);
    events.length = 0;
    const response = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization } });
    assert.equal(response.statusCode, 401, label);
    assert.equal(response.json<{ error: string }>().error, 'invalid-token', label);
    assert.deepEqual([events.length, events[0]?.type, events[0]?.actor.user, events[0]?.detail?.reason], [1, 'deny', 'anonymous', reason], label);
  }
  setNow(T0);
});

test('a locked account is refused with 401, a Retry-After and a login-failed event, even with the right password', async () => {
  const { app, events, addUser } = await testHttpApp();
  await addUser('li', ['clinician']);
  for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'li', password: `wrong guess number ${i}` } });
  const locked = await app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'li', password: PASSWORD } });
  assert.deepEqual([locked.statusCode, locked.json<{ error: string }>().error, locked.headers['retry-after']], [401, 'account-locked', '60']);
  assert.deepEqual([events.at(-1)?.type, events.at(-1)?.detail?.reason], ['login-failed', 'account-locked']);
});

test('a DSO signs in in two steps: the password answers totp-required, then password and code give a two-factor session', async () => {
  const { app, addUser, code } = await testHttpApp();
  const { totpSecret } = await addUser('dora', ['dso'], { totp: true });
  const first = await app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'dora', password: PASSWORD } });
  assert.deepEqual([first.statusCode, first.json<{ error: string }>().error], [401, 'totp-required']);
  const second = await app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'dora', password: PASSWORD, totp: await code(totpSecret!) } });
  assert.deepEqual(second.json<{ methods: string[] }>().methods, ['pwd', 'otp']);
});

test('a deleted or disabled account loses its open sessions at once', async () => {
  const { app, signIn, signedInWithMfa, addUser } = await testHttpApp();
  const { authorization: admin } = await signedInWithMfa('ada', ['admin']);
  await addUser('li', ['clinician']);
  await addUser('bo', ['clinician']);
  const li = await signIn('li');
  const bo = await signIn('bo');
  await app.inject({ method: 'PATCH', url: '/api/users/li', headers: { authorization: admin }, payload: { disabled: true } });
  await app.inject({ method: 'DELETE', url: '/api/users/bo', headers: { authorization: admin } });
  for (const authorization of [li, bo]) {
    const response = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization } });
    assert.equal(response.statusCode, 401);
  }
});

test('a request body with unknown members or wrong types is refused before any use case runs', async () => {
  const { app, events } = await testHttpApp();
  const bodies = [{ userName: 'li', password: PASSWORD, admin: true }, { userName: ['li'], password: PASSWORD }, { userName: 'li', password: 7 }];
  for (const payload of bodies) {
    events.length = 0;
    const response = await app.inject({ method: 'POST', url: '/api/login', payload });
    assert.deepEqual([response.statusCode, response.json<{ error: string }>().error], [400, 'invalid-request'], JSON.stringify(payload));
    assert.deepEqual([events[0]?.type, events[0]?.outcome, events[0]?.detail?.reason], ['login', 'minor-failure', 'invalid-request']);
  }
  const notJson = await app.inject({ method: 'POST', url: '/api/login', headers: { 'content-type': 'application/json' }, payload: `{"password":"${PASSWORD}"` });
  assert.equal(notJson.statusCode, 400);
  assert.equal(notJson.body.includes(PASSWORD), false, 'the parser error does not echo the body');
});
