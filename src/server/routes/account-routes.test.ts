import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T0 } from '../../../test/support/testing-account-deps.js';
import { PASSWORD, testHttpApp } from '../../../test/support/testing-http-app.js';

async function withAdmin() {
  const fixture = await testHttpApp();
  const { authorization } = await fixture.signedInWithMfa('ada', ['admin']);
  const admin = { authorization };
  const created = await fixture.app.inject({ method: 'POST', url: '/api/departments', headers: admin, payload: { id: 'radiology', name: '放射科' } });
  assert.equal(created.statusCode, 201);
  return { ...fixture, admin };
}

test('an administrator creates, reads, changes and deletes a clinician; answers never show a hash or secret', async () => {
  const { app, admin } = await withAdmin();
  const created = await app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { userName: 'li', password: PASSWORD, displayName: '李医生', roles: ['clinician'], departments: ['radiology'] } });
  assert.equal(created.statusCode, 201);
  assert.equal(created.headers.location, '/api/users/li');
  const read = await app.inject({ method: 'GET', url: '/api/users/li', headers: admin });
  assert.deepEqual(read.json<{ user: { roles: string[]; departments: string[]; displayName: string } }>().user.displayName, '李医生');
  const changed = await app.inject({ method: 'PATCH', url: '/api/users/li', headers: admin, payload: { roles: ['radiologist'], displayName: null } });
  assert.deepEqual(changed.json<{ user: { roles: string[]; displayName?: string } }>().user, { ...changed.json<{ user: object }>().user, roles: ['radiologist'] });
  assert.equal('displayName' in changed.json<{ user: object }>().user, false);
  const list = await app.inject({ method: 'GET', url: '/api/users', headers: admin });
  assert.doesNotMatch(list.body, /argon2|passwordHash|totp"|secret/i);
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/users/li', headers: admin })).statusCode, 204);
  assert.equal((await app.inject({ method: 'GET', url: '/api/users/li', headers: admin })).json<{ user: { deleted: boolean } }>().user.deleted, true);
});

test('a weak or common password at user creation is refused with every problem, and the request is audited', async () => {
  const { app, admin, events } = await withAdmin();
  const cases: Array<[string, string[]]> = [
    ['Password123!', ['common-password']],
    ['P@ssw0rd2024', ['common-password']],
    ['tiny', ['too-short', 'common-password']],
    ['lina.wu likes long walks', ['contains-user-name']],
    ['aaaaaaaaaaaaaaaa', ['repeated-pattern']],
  ];
  for (const [password, problems] of cases) {
    events.length = 0;
    const response = await app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { userName: 'lina.wu', password, roles: ['clinician'] } });
    assert.equal(response.statusCode, 400, password);
    const body = response.json<{ error: string; problems: string[] }>();
    assert.equal(body.error, 'weak-password', password);
    for (const problem of problems) assert.ok(body.problems.includes(problem), `${password}: ${problem} in ${body.problems.join(',')}`);
    assert.deepEqual([events.length, events[0]?.type, events[0]?.outcome, events[0]?.detail?.reason], [1, 'policy-change', 'minor-failure', 'weak-password'], password);
  }
  assert.equal((await app.inject({ method: 'GET', url: '/api/users/lina.wu', headers: admin })).statusCode, 404);
});

test('skipping MFA through an API token, or without a second factor, never reaches an admin action', async () => {
  const { app, admin, events, addUser, signIn, accounts } = await withAdmin();
  await addUser('tec', ['technician']);
  const token = await app.inject({
    method: 'POST',
    url: '/api/me/tokens',
    headers: { authorization: await signIn('tec') },
    payload: { name: 'all scopes', scopes: ['dicomweb:read', 'dicomweb:store', 'dimse', 'audit:read'], expiresAt: new Date(T0 + 86_400_000).toISOString() },
  });
  const apiToken = { authorization: `Bearer ${token.json<{ token: string }>().token}` };
  await addUser('eve', ['admin']);
  const passwordOnlyAdmin = { authorization: await signIn('eve') };
  await addUser('li', ['clinician']);
  const clinician = { authorization: await signIn('li') };
  const attempts: Array<[string, Record<string, string>, string, string, object | undefined, number, string]> = [
    ['API token creates a user', apiToken, 'POST', '/api/users', { userName: 'mal', password: PASSWORD, roles: ['admin'] }, 403, 'api-token-not-allowed'],
    ['API token lists users', apiToken, 'GET', '/api/users', undefined, 403, 'api-token-not-allowed'],
    ['API token creates a token', apiToken, 'POST', '/api/me/tokens', { name: 'x', scopes: ['dimse'], expiresAt: new Date(T0 + 1000).toISOString() }, 403, 'api-token-not-allowed'],
    ['API token lists the tokens', apiToken, 'GET', '/api/me/tokens', undefined, 403, 'api-token-not-allowed'],
    ['API token changes the password', apiToken, 'POST', '/api/me/password', { currentPassword: PASSWORD, newPassword: 'seven herons over a grey canal' }, 403, 'api-token-not-allowed'],
    ['admin with a second factor mints a token', admin, 'POST', '/api/me/tokens', { name: 'x', scopes: ['dicomweb:read'], expiresAt: new Date(T0 + 1000).toISOString() }, 403, 'mfa-role-token'],
    ['API token reads its own account', apiToken, 'GET', '/api/me', undefined, 403, 'api-token-not-allowed'],
    ['admin without a second factor', passwordOnlyAdmin, 'GET', '/api/users', undefined, 403, 'mfa-required'],
    ['clinician', clinician, 'GET', '/api/users', undefined, 403, 'forbidden'],
    ['clinician sets care for themselves', clinician, 'PUT', '/api/users/li/care/MVP-7Q2K', undefined, 403, 'forbidden'],
  ];
  for (const [label, headers, method, url, payload, status, error] of attempts) {
    events.length = 0;
    const response = await app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
    assert.deepEqual([response.statusCode, response.json<{ error: string }>().error], [status, error], label);
    assert.deepEqual([events.length, events[0]?.type], [1, 'deny'], label);
  }
  assert.equal(await accounts.findUser('mal'), undefined);
  assert.deepEqual(await accounts.careRelationships('li'), []);
});

test('an administrator cannot grant themselves roles, departments, directorships or care, nor change their own password or status; the refusal is a deny', async () => {
  const { app, admin, events, accounts } = await withAdmin();
  const attempts: Array<[string, string, object | undefined]> = [
    ['PATCH', '/api/users/ada', { roles: ['admin', 'radiologist'] }],
    ['PATCH', '/api/users/ada', { roles: ['admin', 'dso'] }],
    ['PATCH', '/api/users/ada', { roles: ['clinician'] }],
    ['PATCH', '/api/users/ada', { departments: ['radiology'] }],
    ['PATCH', '/api/users/ada', { directorOf: ['radiology'] }],
    ['PATCH', '/api/users/ada', { displayName: 'Ada', departments: ['radiology'] }],
    ['PATCH', '/api/users/ada', { password: 'seven herons over a grey canal' }],
    ['PATCH', '/api/users/ada', { disabled: false }],
    ['DELETE', '/api/users/ada', undefined],
    ['PUT', '/api/users/ada/care/MVP-7Q2K', undefined],
    ['DELETE', '/api/users/ada/totp', undefined],
  ];
  for (const [method, url, payload] of attempts) {
    events.length = 0;
    const response = await app.inject({ method: method as 'GET', url, headers: admin, ...(payload === undefined ? {} : { payload }) });
    assert.deepEqual([response.statusCode, response.json<{ error: string }>().error], [403, 'self-change'], `${method} ${url}`);
    assert.deepEqual([events[0]?.type, events[0]?.detail?.reason], ['deny', 'self-change'], `${method} ${url}`);
  }
  const ada = (await accounts.findUser('ada'))!;
  assert.deepEqual([ada.roles, ada.departments, ada.directorOf, ada.disabled], [['admin'], [], [], false]);
  assert.deepEqual(await accounts.careRelationships('ada'), []);
});

test('care relationships are set and ended through the API; encoded separators in the reference are refused', async () => {
  const { app, admin, addUser, accounts } = await withAdmin();
  await addUser('li', ['clinician']);
  const added = await app.inject({ method: 'PUT', url: '/api/users/li/care/MVP-7Q2K', headers: admin });
  assert.equal(added.statusCode, 201);
  assert.deepEqual((await app.inject({ method: 'GET', url: '/api/users/li/care', headers: admin })).json<{ careRelationships: { patientRef: string }[] }>().careRelationships.map((c) => c.patientRef), ['MVP-7Q2K']);
  for (const url of ['/api/users/li/care/MVP%2F..%2Fx', '/api/users/li/care/..%252F..', '/api/users/li%2Fcare/MVP-7Q2K', '/api/users/LI/care/MVP-7Q2K']) {
    const response = await app.inject({ method: 'PUT', url, headers: admin });
    assert.ok([400, 404].includes(response.statusCode), `${url} answered ${response.statusCode}`);
  }
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/users/li/care/MVP-7Q2K', headers: admin })).statusCode, 204);
  assert.deepEqual(await accounts.careRelationships('li'), []);
});
