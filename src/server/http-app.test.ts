import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBootstrapCode } from '../access/identity/bootstrap-code.js';
import { T0 } from '../../test/support/testing-account-deps.js';
import { PASSWORD, VIEWER_ORIGIN, testHttpApp } from '../../test/support/testing-http-app.js';

test('a route that does not say who may call it cannot be registered', async () => {
  const { app } = await testHttpApp();
  assert.throws(() => app.get('/api/forgotten', async () => ({ secret: true })), /declares no access/);
});

test('unknown routes and methods answer 404 and are audited as deny events naming the path', async () => {
  const { app, events } = await testHttpApp();
  const cases: Array<[string, string]> = [
    ['GET', '/api/nothing-here'],
    ['DELETE', '/healthz'],
    ['PUT', '/api/users'],
    ['GET', '/API/USERS'],
    ['GET', '/api/users/ada/secrets'],
    ['POST', '/metrics'],
  ];
  for (const [method, url] of cases) {
    events.length = 0;
    const response = await app.inject({ method: method as 'GET', url });
    assert.equal(response.statusCode, 404, `${method} ${url}`);
    assert.equal(events.length, 1, `${method} ${url}`);
    assert.deepEqual(
      [events[0]?.type, events[0]?.outcome, events[0]?.detail?.route, events[0]?.detail?.path, events[0]?.detail?.reason, events[0]?.detail?.method],
      ['deny', 'success', 'unmatched', url, 'unknown-route', method],
      `${method} ${url}`,
    );
  }
});

test('a path that is not valid percent-encoding answers 400 and is audited as a deny', async () => {
  const { app, events } = await testHttpApp();
  for (const url of ['/api/users/%', '/api/users/%E0%A4%A']) {
    events.length = 0;
    const response = await app.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 400, url);
    assert.deepEqual([events.length, events[0]?.type, events[0]?.detail?.reason], [1, 'deny', 'malformed-url'], url);
  }
});

test('every request leaves exactly one event: an allowed read, a refusal, and a use case that records its own', async () => {
  const { app, events, addUser } = await testHttpApp();
  await addUser('li', ['clinician']);
  const requests: Array<[string, string, object | undefined, string]> = [
    ['GET', '/healthz', undefined, 'query'],
    ['GET', '/api/users', undefined, 'deny'],
    ['POST', '/api/login', { userName: 'li', password: PASSWORD }, 'login'],
    ['POST', '/api/login', { userName: 'li', password: 'not the password at all' }, 'login-failed'],
    ['POST', '/api/login', { userName: 'li' }, 'login'],
  ];
  for (const [method, url, payload, type] of requests) {
    events.length = 0;
    await app.inject({ method: method as 'GET', url, ...(payload === undefined ? {} : { payload }) });
    assert.deepEqual(events.map((event) => event.type), [type], `${method} ${url} ${JSON.stringify(payload)}`);
    assert.equal(events[0]?.actor.address, '127.0.0.1');
    assert.match(events[0]?.detail?.request ?? '', /^[0-9a-f-]{36}$/);
  }
});

test('when the audit log refuses an event, the answer is a 500 and what the route prepared is not served', async () => {
  const { app, breakAudit, signedInWithMfa, addUser } = await testHttpApp();
  const { authorization } = await signedInWithMfa('ada', ['admin']);
  await addUser('li', ['clinician']);
  breakAudit(true);
  const cases: Array<[string, string, object | undefined, Record<string, string>]> = [
    ['GET', '/api/users', undefined, { authorization }],
    ['GET', '/healthz', undefined, {}],
    ['GET', '/api/nothing', undefined, {}],
    ['POST', '/api/login', { userName: 'li', password: PASSWORD }, {}],
    ['POST', '/api/users', { userName: 'bo', password: PASSWORD, roles: ['clinician'] }, { authorization }],
    ['GET', '/api/users/%', undefined, {}],
  ];
  for (const [method, url, payload, headers] of cases) {
    const response = await app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
    assert.equal(response.statusCode, 500, `${method} ${url}`);
    assert.equal(response.json<{ error: string }>().error, 'audit-unavailable', `${method} ${url}`);
    assert.doesNotMatch(response.body, /"users"|"token"|"status":"ok"/, `${method} ${url}`);
  }
  breakAudit(false);
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  assert.match(metrics.body, /^medveil_audit_append_failures_total 6$/m);
});

test('CORS headers go to configured origins only; a preflight from another origin is refused and audited', async () => {
  const { app, events } = await testHttpApp();
  const allowed = await app.inject({ method: 'GET', url: '/healthz', headers: { origin: VIEWER_ORIGIN } });
  assert.equal(allowed.headers['access-control-allow-origin'], VIEWER_ORIGIN);
  assert.equal(allowed.headers['access-control-allow-credentials'], undefined);
  const other = await app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
  assert.equal(other.headers['access-control-allow-origin'], undefined);

  const preflight = await app.inject({ method: 'OPTIONS', url: '/api/users', headers: { origin: VIEWER_ORIGIN, 'access-control-request-method': 'POST' } });
  assert.equal(preflight.statusCode, 204);
  assert.match(String(preflight.headers['access-control-allow-headers']), /authorization/);
  events.length = 0;
  const refused = await app.inject({ method: 'OPTIONS', url: '/api/users', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.headers['access-control-allow-origin'], undefined);
  assert.deepEqual([events[0]?.type, events[0]?.detail?.reason], ['deny', 'origin-not-allowed']);
});

test('/metrics counts answers by method, route pattern and status; unknown paths share one series', async () => {
  const { app } = await testHttpApp();
  for (const url of ['/healthz', '/healthz', '/x1', '/x2', '/api/users/ada']) await app.inject({ method: 'GET', url });
  const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(body, /^# TYPE medveil_http_requests_total counter$/m);
  assert.match(body, /^medveil_http_requests_total\{method="GET",route="\/healthz",status="200"\} 2$/m);
  assert.match(body, /^medveil_http_requests_total\{method="GET",route="unmatched",status="404"\} 2$/m);
  assert.match(body, /^medveil_http_requests_total\{method="GET",route="\/api\/users\/:name",status="401"\} 1$/m);
  assert.doesNotMatch(body, /x1|x2/);
});

test('/openapi.json is an OpenAPI 3.1 document of every API route, with its access and schemas', async () => {
  const { app } = await testHttpApp();
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
    openapi: string;
    paths: Record<string, Record<string, { 'x-medveil-access': string; security?: unknown[]; requestBody?: unknown; responses: Record<string, unknown> }>>;
  }>();
  assert.equal(document.openapi, '3.1.0');
  const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
  for (const expected of [
    'POST /api/bootstrap',
    'POST /api/login',
    'POST /api/logout',
    'GET /api/me',
    'POST /api/me/totp',
    'POST /api/me/totp/confirm',
    'GET /api/users',
    'POST /api/users',
    'PATCH /api/users/{name}',
    'DELETE /api/users/{name}',
    'PUT /api/users/{name}/care/{patientRef}',
    'POST /api/me/password',
    'GET /api/me/tokens',
    'POST /api/me/tokens',
    'DELETE /api/me/tokens/{id}',
    'GET /api/tokens',
    'DELETE /api/tokens/{id}',
    'GET /healthz',
  ]) {
    assert.ok(operations.includes(expected), `${expected} is documented`);
  }
  const login = document.paths['/api/login']!.post!;
  assert.deepEqual([login['x-medveil-access'], login.security], ['public', []]);
  assert.ok(login.requestBody !== undefined && login.responses['200'] !== undefined);
  assert.equal(document.paths['/api/users']!.post!['x-medveil-access'], 'admin');
});

test('the log never holds a password, TOTP code, bootstrap code, token or Authorization header', async () => {
  const fixture = await testHttpApp();
  const { app, logLines, accounts, code: totpAt } = fixture;
  const { code: bootstrapCode, record } = createBootstrapCode({ now: T0 });
  await accounts.replaceBootstrapCode(record);
  const secrets: string[] = [bootstrapCode, PASSWORD];
  let requests = 0;
  const send = async (method: string, url: string, payload?: object, authorization?: string) => {
    requests++;
    return app.inject({ method: method as 'POST', url, ...(payload === undefined ? {} : { payload }), headers: authorization === undefined ? {} : { authorization } });
  };

  await send('POST', '/api/bootstrap', { code: bootstrapCode, userName: 'ada', password: PASSWORD });
  const first = (await send('POST', '/api/login', { userName: 'ada', password: PASSWORD })).json<{ token: string }>().token;
  const enrolment = (await send('POST', '/api/me/totp', undefined, `Bearer ${first}`)).json<{ secret: string }>();
  const enrolCode = await totpAt(enrolment.secret);
  const admin = (await send('POST', '/api/me/totp/confirm', { code: enrolCode }, `Bearer ${first}`)).json<{ token: string }>().token;
  fixture.setNow(T0 + 60_000);
  const loginCode = await totpAt(enrolment.secret);
  const second = (await send('POST', '/api/login', { userName: 'ada', password: PASSWORD, totp: loginCode })).json<{ token: string }>().token;
  const newPassword = 'a different long passphrase 7';
  await send('POST', '/api/users', { userName: 'li', password: newPassword, roles: ['clinician'] }, `Bearer ${admin}`);
  await send('POST', '/api/users', { userName: 'bo', password: 'Password123!', roles: ['clinician'] }, `Bearer ${admin}`);
  const li = (await send('POST', '/api/login', { userName: 'li', password: newPassword })).json<{ token: string }>().token;
  const apiToken = (await send('POST', '/api/me/tokens', { name: 'pacs', scopes: ['dicomweb:read'], expiresAt: new Date(T0 + 86_400_000).toISOString() }, `Bearer ${li}`)).json<{ token: string }>().token;
  await send('GET', '/api/me', undefined, `Bearer ${apiToken}`);
  await send('POST', '/api/login', { userName: 'li', password: 'wrong but secret words' });
  await app.inject({ method: 'POST', url: '/api/login', headers: { 'content-type': 'application/json' }, payload: `{"userName":"li","password":"${newPassword}"` });
  await app.inject({ method: 'GET', url: `/api/users?token=${apiToken}`, headers: { authorization: `Bearer ${second}` } });
  requests += 2;
  secrets.push(first, admin, second, li, apiToken, enrolment.secret, enrolCode, loginCode, newPassword, 'Password123!', 'wrong but secret words');

  const completed = logLines.map((line) => JSON.parse(line) as { msg: string }).filter((line) => line.msg === 'request completed');
  assert.equal(completed.length, requests, 'every request was logged, once');
  const log = logLines.join('\n');
  for (const secret of secrets) assert.equal(log.includes(secret), false, `the log holds a secret of length ${secret.length}`);
  assert.doesNotMatch(log, /authorization|Bearer /i);
});

test('a session in use, its signature check reused, is refused on the very next request after logout, disabling or deletion of its account', async () => {
  const { app, signIn, signedInWithMfa, addUser } = await testHttpApp();
  const { authorization: admin } = await signedInWithMfa('ada', ['admin']);
  for (const name of ['li', 'bo', 'cy']) await addUser(name, ['clinician']);
  const sessions = { li: await signIn('li'), bo: await signIn('bo'), cy: await signIn('cy') };
  const me = (authorization: string) => app.inject({ method: 'GET', url: '/api/me', headers: { authorization } });
  for (const authorization of Object.values(sessions)) assert.equal((await me(authorization)).statusCode, 200, 'in use, so its verification is cached');

  assert.equal((await app.inject({ method: 'POST', url: '/api/logout', headers: { authorization: sessions.li } })).statusCode, 204);
  assert.equal((await app.inject({ method: 'PATCH', url: '/api/users/bo', headers: { authorization: admin }, payload: { disabled: true } })).statusCode, 200);
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/users/cy', headers: { authorization: admin } })).statusCode, 204);
  for (const [name, authorization] of Object.entries(sessions)) {
    const response = await me(authorization);
    assert.deepEqual([response.statusCode, response.json<{ error: string }>().error], [401, 'invalid-token'], name);
  }
});

test('each request is logged once as it completes, with method, path, status and time; a hot read path logs its successes only at debug level', async () => {
  const { app, logLines, signIn, addUser } = await testHttpApp();
  app.get('/api/hot', { config: { access: 'public', requestLog: 'debug' } }, async () => ({ ok: true }));
  app.get('/api/hot-refusal', { config: { access: 'session', requestLog: 'debug' } }, async () => ({ ok: true }));
  await addUser('li', ['clinician']);
  const authorization = await signIn('li');
  logLines.length = 0;
  await app.inject({ method: 'GET', url: '/api/me?x=1', headers: { authorization } });
  await app.inject({ method: 'GET', url: '/api/nowhere' });
  const lines = logLines.map((line) => JSON.parse(line) as { level: number; msg: string; req?: object; res?: object; responseTime?: number });
  assert.deepEqual(lines.map(({ level, msg, req, res }) => ({ level, msg, req, res })), [
    { level: 30, msg: 'request completed', req: { method: 'GET', path: '/api/me', address: '127.0.0.1' }, res: { status: 200 } },
    { level: 30, msg: 'request completed', req: { method: 'GET', path: '/api/nowhere', address: '127.0.0.1' }, res: { status: 404 } },
  ]);
  assert.ok(lines.every((line) => typeof line.responseTime === 'number'));

  logLines.length = 0;
  await app.inject({ method: 'GET', url: '/api/hot' });
  await app.inject({ method: 'GET', url: '/api/hot-refusal' });
  assert.deepEqual(logLines.map((line) => (JSON.parse(line) as { req: { path: string } }).req.path), ['/api/hot-refusal'], 'the success at debug level, the refusal at info');
});
