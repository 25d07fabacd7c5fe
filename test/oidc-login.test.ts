/**
 * OIDC sign-in end to end: a real OpenID provider (oidc-provider) on a loopback port, MedVeil's
 * relying party talking to it over HTTP (discovery, JWKS, token endpoint), and the Fastify app
 * taking the browser's requests. The browser is played by the test: it follows the provider's
 * redirects and hands the final redirect's query to GET /api/oidc/callback with MedVeil's
 * binding cookie, as a console page would.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { totpCode } from '../src/access/identity/totp.js';
import type { AuditEventInput } from '../src/audit/event/audit-event.js';
import { parseServerConfig } from '../src/server/config.js';
import { oidcRouteDeps } from '../src/server/oidc-relying-party.js';
import { startServer } from '../src/server/serve.js';
import { testAccounts, type TestAccounts } from './support/testing-account-deps.js';
import { testHttpApp } from './support/testing-http-app.js';
import { startTestOidcProvider, type IdpPerson, type TestOidcProvider } from './support/oidc-test-provider.js';

// The redirect URL registered at the provider. The test's browser never dials it: it reads the
// code and state from the provider's redirect, as a console page at this URL would.
const REDIRECT_URL = 'http://127.0.0.1:8080/console/oidc-callback';

let idp: TestOidcProvider;
before(async () => {
  idp = await startTestOidcProvider({ redirectUrl: REDIRECT_URL });
});
after(async () => {
  await idp.close();
});

interface OidcApp extends TestAccounts {
  app: FastifyInstance;
  warnings: string[];
}

async function oidcApp(options: { accountClaim?: string; mfaAmrValues?: string[]; issuer?: string } = {}): Promise<OidcApp> {
  const fixture = await testAccounts();
  // The provider signs with the real time; MedVeil's clock must agree with it.
  fixture.setNow(Date.now());
  const config = parseServerConfig(
    JSON.stringify({
      oidc: {
        enabled: true,
        issuer: options.issuer ?? idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        redirectUrl: REDIRECT_URL,
        accountClaim: options.accountClaim ?? 'preferred_username',
        mfaAmrValues: options.mfaAmrValues ?? [],
      },
    }),
    { source: 'oidc-test.yaml', baseDir: '.' },
  ).oidc!;
  const warnings: string[] = [];
  const { app } = await testHttpApp({ fixture, oidc: oidcRouteDeps(config, (message) => warnings.push(message)) });
  return { ...fixture, app, warnings };
}

interface Started {
  /** The provider's authorisation URL MedVeil redirected to. */
  authorizationUrl: URL;
  /** The Cookie header that carries MedVeil's browser binding. */
  cookie: string;
}

async function startSignIn(app: FastifyInstance): Promise<Started> {
  const response = await app.inject({ method: 'GET', url: '/api/oidc/login' });
  assert.equal(response.statusCode, 302, response.body);
  const setCookie = String(response.headers['set-cookie']);
  assert.match(setCookie, /^medveil_oidc=[A-Za-z0-9_-]{43}; Path=\/api\/oidc; Max-Age=600; HttpOnly; SameSite=Lax$/);
  return { authorizationUrl: new URL(String(response.headers.location)), cookie: setCookie.split(';')[0]! };
}

/** The query of the provider's answer for `person`, after an optional change to the authorisation request. */
async function answerFor(person: IdpPerson, started: Started, tamper?: (url: URL) => void): Promise<string> {
  idp.signInNext(person);
  const url = new URL(started.authorizationUrl);
  tamper?.(url);
  const back = await idp.authorize(url.href);
  return back.search;
}

async function callback(app: FastifyInstance, query: string, cookie: string | undefined) {
  return app.inject({ method: 'GET', url: `/api/oidc/callback${query}`, headers: cookie === undefined ? {} : { cookie } });
}

async function signInAs(fixture: OidcApp, person: IdpPerson) {
  const started = await startSignIn(fixture.app);
  return callback(fixture.app, await answerFor(person, started), started.cookie);
}

const lastEvent = (events: AuditEventInput[]) => events.at(-1)!;
const chen: IdpPerson = { subject: 'a7d3-chen', preferredUsername: 'Dr.Chen', amr: ['pwd'] };

test('a clinician whose account has their provider user name signs in through the provider, and the session token works on /api/me', async () => {
  const fixture = await oidcApp();
  await fixture.addUser('dr.chen', ['clinician']);
  const started = await startSignIn(fixture.app);
  assert.equal(started.authorizationUrl.origin, idp.issuer);
  const request = started.authorizationUrl.searchParams;
  assert.deepEqual([request.get('response_type'), request.get('client_id'), request.get('code_challenge_method'), request.get('redirect_uri')], ['code', 'medveil', 'S256', REDIRECT_URL]);
  for (const name of ['state', 'nonce', 'code_challenge']) assert.match(request.get(name) ?? '', /^[A-Za-z0-9_-]{43}$/, name);

  const response = await callback(fixture.app, await answerFor(chen, started), started.cookie);
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json<{ token: string; methods: string[]; user: { name: string } }>();
  assert.deepEqual([body.methods, body.user.name], [['pwd'], 'dr.chen']);
  assert.match(String(response.headers['set-cookie']), /^medveil_oidc=; .*Max-Age=0/, 'the binding cookie is cleared');

  const me = await fixture.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${body.token}` } });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json<{ user: { name: string } }>().user.name, 'dr.chen');

  const login = lastEvent(fixture.events.filter((event) => event.type === 'login'));
  assert.deepEqual([login.outcome, login.actor.user, login.detail?.source, login.detail?.methods, login.detail?.providerMethods], ['success', 'dr.chen', 'oidc', 'pwd', 'amr=pwd']);
  assert.deepEqual(fixture.warnings, []);
});

test('a person the provider knows but no MedVeil account matches is refused and audited, with nothing said about which accounts exist', async () => {
  const fixture = await oidcApp();
  await fixture.addUser('dr.chen', ['clinician']);
  const response = await signInAs(fixture, { subject: 'b9e1-visitor', preferredUsername: 'visitor.wang' });
  assert.equal(response.statusCode, 403);
  const body = response.json<{ error: string; message: string }>();
  assert.equal(body.error, 'oidc-no-account');
  assert.doesNotMatch(body.message, /visitor|chen/i);
  const event = lastEvent(fixture.events);
  assert.deepEqual([event.type, event.outcome, event.actor.user, event.detail?.reason, event.detail?.source, event.detail?.oidcSubject], [
    'login-failed',
    'minor-failure',
    'unknown-user',
    'not-linked',
    'oidc',
    'b9e1-visitor',
  ]);
  assert.equal(fixture.events.filter((e) => e.type === 'login').length, 0);
});

test('a tampered state, a replayed state, an answer carried to another browser, a refusal at the provider and a wrong nonce are each refused and audited', async () => {
  const fixture = await oidcApp();
  await fixture.addUser('dr.chen', ['clinician']);

  const started = await startSignIn(fixture.app);
  const answer = await answerFor(chen, started);
  const tampered = answer.replace(/state=([^&]+)/, (_match, state: string) => `state=${state.slice(0, -2)}${state.endsWith('AA') ? 'BB' : 'AA'}`);
  const forged = await callback(fixture.app, tampered, started.cookie);
  assert.deepEqual([forged.statusCode, forged.json<{ error: string }>().error], [400, 'oidc-state-invalid']);
  assert.equal(lastEvent(fixture.events).detail?.reason, 'state-unknown');

  assert.equal((await callback(fixture.app, answer, started.cookie)).statusCode, 200, 'the real answer still works once');
  const replayed = await callback(fixture.app, answer, started.cookie);
  assert.deepEqual([replayed.statusCode, replayed.json<{ error: string }>().error], [400, 'oidc-state-invalid']);
  assert.deepEqual([lastEvent(fixture.events).type, lastEvent(fixture.events).detail?.reason], ['login-failed', 'state-unknown']);

  const victim = await startSignIn(fixture.app);
  const elsewhere = await callback(fixture.app, await answerFor(chen, victim), 'medveil_oidc=another-browser');
  assert.deepEqual([elsewhere.statusCode, lastEvent(fixture.events).detail?.reason], [400, 'state-other-browser']);

  const cancelled = await startSignIn(fixture.app);
  idp.refuseNext();
  const refusal = await callback(fixture.app, (await idp.authorize(cancelled.authorizationUrl.href)).search, cancelled.cookie);
  assert.deepEqual([refusal.statusCode, refusal.json<{ error: string }>().error], [401, 'oidc-refused']);
  assert.equal(lastEvent(fixture.events).detail?.reason, 'provider-error:access_denied');

  const third = await startSignIn(fixture.app);
  const wrongNonce = await answerFor(chen, third, (url) => url.searchParams.set('nonce', 'a-nonce-this-sign-in-never-sent'));
  const refused = await callback(fixture.app, wrongNonce, third.cookie);
  assert.deepEqual([refused.statusCode, refused.json<{ error: string }>().error], [401, 'oidc-refused']);
  assert.deepEqual([lastEvent(fixture.events).type, lastEvent(fixture.events).detail?.reason], ['login-failed', 'id-token-nonce-mismatch']);
  assert.equal(fixture.events.filter((event) => event.type === 'login').length, 1, 'only the one real answer signed in');
});

test('an administrator without a second factor at the provider must give their MedVeil TOTP code before any session is issued', async () => {
  const fixture = await oidcApp();
  const { totpSecret } = await fixture.addUser('it.admin', ['admin'], { totp: true });
  const admin: IdpPerson = { subject: 'c4f0-admin', preferredUsername: 'it.admin', amr: ['pwd'] };

  const first = await signInAs(fixture, admin);
  assert.equal(first.statusCode, 202, first.body);
  const pending = first.json<{ mfaTicket: string; token?: string }>();
  assert.equal(pending.token, undefined);
  assert.deepEqual([lastEvent(fixture.events).type, lastEvent(fixture.events).detail?.reason], ['login-failed', 'totp-required']);

  const wrong = await fixture.app.inject({ method: 'POST', url: '/api/oidc/mfa', payload: { ticket: pending.mfaTicket, totp: await fixture.wrongCode(totpSecret!) } });
  assert.deepEqual([wrong.statusCode, wrong.json<{ error: string }>().error], [401, 'totp-invalid']);
  const reused = await fixture.app.inject({ method: 'POST', url: '/api/oidc/mfa', payload: { ticket: pending.mfaTicket, totp: await fixture.code(totpSecret!) } });
  assert.deepEqual([reused.statusCode, reused.json<{ error: string }>().error], [401, 'mfa-ticket-invalid'], 'a ticket buys one guess');

  const second = (await signInAs(fixture, admin)).json<{ mfaTicket: string }>();
  const done = await fixture.app.inject({ method: 'POST', url: '/api/oidc/mfa', payload: { ticket: second.mfaTicket, totp: await fixture.code(totpSecret!) } });
  assert.equal(done.statusCode, 200, done.body);
  const session = done.json<{ token: string; methods: string[] }>();
  assert.deepEqual(session.methods, ['pwd', 'otp']);
  const users = await fixture.app.inject({ method: 'GET', url: '/api/users', headers: { authorization: `Bearer ${session.token}` } });
  assert.equal(users.statusCode, 200, 'the session meets the MFA requirement of admin routes');
  const login = lastEvent(fixture.events.filter((event) => event.type === 'login'));
  assert.deepEqual([login.detail?.source, login.detail?.secondFactor], ['oidc', 'totp']);
});

test("the provider's second factor counts only when its amr value is configured", async () => {
  const admin: IdpPerson = { subject: 'c4f0-admin', preferredUsername: 'it.admin', amr: ['pwd', 'otp'] };
  const trusting = await oidcApp({ mfaAmrValues: ['otp', 'hwk'] });
  await trusting.addUser('it.admin', ['admin'], { totp: true });
  const direct = await signInAs(trusting, admin);
  assert.equal(direct.statusCode, 200, direct.body);
  assert.deepEqual(direct.json<{ methods: string[] }>().methods, ['pwd', 'otp']);
  assert.equal(lastEvent(trusting.events).detail?.secondFactor, 'provider');

  const untrusting = await oidcApp();
  await untrusting.addUser('it.admin', ['admin'], { totp: true });
  assert.equal((await signInAs(untrusting, admin)).statusCode, 202, 'with no configured values the TOTP code is still asked for');
});

test('a locked, a disabled and a deleted account are refused at the callback', async () => {
  const fixture = await oidcApp();
  await fixture.addUser('dr.chen', ['clinician']);
  const now = fixture.now();
  await fixture.accounts.updateLockout('dr.chen', () => ({ failures: 5, lastFailureAt: now, lockedUntil: now + 60_000 }));
  const locked = await signInAs(fixture, chen);
  assert.deepEqual([locked.statusCode, locked.json<{ error: string }>().error], [401, 'account-locked']);
  assert.ok(locked.headers['retry-after'] !== undefined);
  assert.deepEqual([lastEvent(fixture.events).actor.user, lastEvent(fixture.events).detail?.reason], ['dr.chen', 'account-locked']);

  await fixture.accounts.updateLockout('dr.chen', () => ({ failures: 0, lastFailureAt: undefined, lockedUntil: undefined }));
  await fixture.accounts.updateUser('dr.chen', { disabled: true }, now);
  const disabled = await signInAs(fixture, chen);
  assert.deepEqual([disabled.statusCode, disabled.json<{ error: string }>().error, lastEvent(fixture.events).detail?.reason], [403, 'oidc-no-account', 'disabled']);

  await fixture.accounts.updateUser('dr.chen', { deletedAt: now }, now);
  const deleted = await signInAs(fixture, chen);
  assert.deepEqual([deleted.statusCode, lastEvent(fixture.events).detail?.reason], [403, 'not-linked']);
});

test('with accountClaim sub, only an account an administrator linked to the subject signs in, whatever user name the provider sends', async () => {
  const fixture = await oidcApp({ accountClaim: 'sub' });
  await fixture.addUser('dr.chen', ['clinician']);
  const { totpSecret } = await fixture.addUser('it.admin', ['admin'], { totp: true });
  assert.equal((await signInAs(fixture, chen)).statusCode, 403, 'a matching user name alone does not sign in');

  const adminIdentity: IdpPerson = { subject: 'c4f0-admin', preferredUsername: 'it.admin', amr: ['pwd'] };
  const pending = (await signInAs(fixture, adminIdentity)).statusCode;
  assert.equal(pending, 403, 'neither does an administrator before their link');
  await fixture.accounts.setOidcIdentity('it.admin', { issuer: idp.issuer, subject: 'c4f0-admin' }, fixture.now());
  const ticket = (await signInAs(fixture, adminIdentity)).json<{ mfaTicket: string }>().mfaTicket;
  const admin = (await fixture.app.inject({ method: 'POST', url: '/api/oidc/mfa', payload: { ticket, totp: await fixture.code(totpSecret!) } })).json<{ token: string }>();
  const authorization = `Bearer ${admin.token}`;

  const link = await fixture.app.inject({ method: 'PUT', url: '/api/users/dr.chen/oidc', headers: { authorization }, payload: { subject: chen.subject } });
  assert.equal(link.statusCode, 200, link.body);
  assert.deepEqual(link.json<{ oidc: unknown }>().oidc, { linked: true, issuer: idp.issuer, subject: chen.subject });
  assert.equal(lastEvent(fixture.events).detail?.action, 'link-oidc-identity');
  const signedIn = await signInAs(fixture, { ...chen, preferredUsername: 'renamed.at.the.provider' });
  assert.equal(signedIn.statusCode, 200, signedIn.body);
  assert.equal(signedIn.json<{ user: { name: string } }>().user.name, 'dr.chen');

  const taken = await fixture.app.inject({ method: 'PUT', url: '/api/users/it.admin/oidc', headers: { authorization }, payload: { subject: chen.subject } });
  assert.equal(taken.statusCode, 403, 'an administrator never links their own account');
  await fixture.addUser('dr.li', ['clinician']);
  const twice = await fixture.app.inject({ method: 'PUT', url: '/api/users/dr.li/oidc', headers: { authorization }, payload: { subject: chen.subject } });
  assert.deepEqual([twice.statusCode, twice.json<{ error: string }>().error], [409, 'oidc-identity-taken']);
  assert.equal((await fixture.app.inject({ method: 'DELETE', url: '/api/users/dr.chen/oidc', headers: { authorization } })).statusCode, 204);
  assert.equal((await signInAs(fixture, chen)).statusCode, 403);
});

test('a provider that cannot be reached answers 502 and leaves password sign-in alone; the attempt is audited', async () => {
  const fixture = await oidcApp({ issuer: 'http://127.0.0.1:1/realms/down' });
  const response = await fixture.app.inject({ method: 'GET', url: '/api/oidc/login' });
  assert.deepEqual([response.statusCode, response.json<{ error: string }>().error], [502, 'oidc-unavailable']);
  assert.deepEqual(fixture.warnings, ['OIDC discovery failed']);
  const failed = fixture.events.find((event) => event.type === 'login-failed');
  assert.deepEqual([failed?.detail?.reason, failed?.detail?.source], ['provider-unavailable', 'oidc']);
  await fixture.addUser('dr.chen', ['clinician']);
  assert.equal((await fixture.app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'dr.chen', password: 'quietly drawn ferns on the stair' } })).statusCode, 200);
});

test('the OIDC routes are in the OpenAPI document with their access, and absent when OIDC is off', async () => {
  const fixture = await oidcApp();
  const document = (await fixture.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { 'x-medveil-access': string }>> }>();
  assert.deepEqual(
    [document.paths['/api/oidc/login']?.get?.['x-medveil-access'], document.paths['/api/oidc/callback']?.get?.['x-medveil-access'], document.paths['/api/oidc/mfa']?.post?.['x-medveil-access'], document.paths['/api/users/{name}/oidc']?.put?.['x-medveil-access']],
    ['public', 'public', 'public', 'admin'],
  );
  const { app: withoutOidc } = await testHttpApp();
  assert.equal((await withoutOidc.inject({ method: 'GET', url: '/api/oidc/login' })).statusCode, 404);
});

test('medveil serve with an oidc section: an administrator creates an account, its owner signs in at the provider over real HTTP, and no code, state or secret reaches the log', async () => {
  const work = mkdtempSync(join(tmpdir(), 'medveil-oidc-serve-'));
  writeFileSync(join(work, 'oidc-client-secret'), `${idp.clientSecret}\n`, { mode: 0o600 });
  const yaml = [
    'http:\n  port: 0\ndimse:\n  port: 0\nlog:\n  level: info\noidc:\n  enabled: true',
    `  issuer: ${idp.issuer}`,
    `  clientId: ${idp.clientId}`,
    '  clientSecretFile: oidc-client-secret',
    `  redirectUrl: ${REDIRECT_URL}`,
  ].join('\n');
  const config = parseServerConfig(`${yaml}\n`, { source: 'oidc-serve.yaml', baseDir: work });
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  let output = '';
  const server = await startServer(config, { out: (text) => void (output += text), logStream });
  try {
    const api = async (method: string, path: string, body?: object, token?: string) => {
      const response = await fetch(server.url + path, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    const code = /^ {4}([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})$/m.exec(output)![1]!;
    const password = 'quietly drawn ferns on the stair';
    assert.equal((await api('POST', '/api/bootstrap', { code, userName: 'ada.admin', password })).status, 201);
    const first = (await api('POST', '/api/login', { userName: 'ada.admin', password })).json.token as string;
    const enrolment = (await api('POST', '/api/me/totp', undefined, first)).json;
    const admin = (await api('POST', '/api/me/totp/confirm', { code: await totpCode(enrolment.secret as string, { now: Date.now() }) }, first)).json.token as string;
    assert.equal((await api('POST', '/api/users', { userName: 'dr.chen', password: 'a different long passphrase here', roles: ['clinician'] }, admin)).status, 201);

    const begin = await fetch(`${server.url}/api/oidc/login`, { redirect: 'manual' });
    assert.equal(begin.status, 302);
    const cookie = begin.headers.getSetCookie()[0]!.split(';')[0]!;
    idp.signInNext(chen);
    const answer = await idp.authorize(begin.headers.get('location')!);
    const signedIn = await fetch(`${server.url}/api/oidc/callback${answer.search}`, { headers: { cookie } });
    assert.equal(signedIn.status, 200);
    const token = ((await signedIn.json()) as { token: string }).token;
    const me = await api('GET', '/api/me', undefined, token);
    assert.deepEqual([me.status, (me.json.user as { name: string }).name], [200, 'dr.chen']);

    const log = logLines.join('');
    assert.match(log, /\/api\/oidc\/callback/);
    for (const secret of [idp.clientSecret, answer.searchParams.get('code')!, answer.searchParams.get('state')!, cookie.split('=')[1]!, token]) {
      assert.ok(!log.includes(secret), 'a secret of the sign-in reached the log');
    }
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
});
