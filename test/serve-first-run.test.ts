import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'otplib';
import { runDcmtk } from './support/dcmtk.js';
import { medveil, temporaryFolder } from './support/medveil-cli.js';
import { startServe } from './support/serve-process.js';

async function call(url: string, method: string, body?: object, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

test('medveil serve on a fresh folder: bootstrap code, first admin with TOTP, a clinician, a clean stop, a verifiable audit log', async (t) => {
  const folder = temporaryFolder('serve');
  writeFileSync(join(folder, 'gateway.yaml'), 'http:\n  port: 0\ndimse:\n  port: 0\nlog:\n  level: info\n');
  const server = startServe(folder, { MEDVEIL_CONFIG: 'gateway.yaml' });
  t.after(() => server.stop());

  const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const [, dimsePort] = await server.waitFor(/DIMSE listening on 127\.0\.0\.1:(\d+) as MEDVEIL/);
  // No peer is configured: the DIMSE side is up, and refuses every calling AE title.
  const echo = await runDcmtk('echoscu', ['-aet', 'ECHOSCU', '-aec', 'MEDVEIL', '127.0.0.1', dimsePort!]);
  assert.notEqual(echo.status, 0);
  assert.match(echo.output, /Association Rejected|rejected/i);
  const [, bootstrapCode] = await server.waitFor(/^ {4}([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})$/m);
  assert.match(server.output(), new RegExp(`curl -sS ${url}/api/bootstrap`));

  const adminPassword = 'seven quiet herons at dawn';
  const created = await call(`${url}/api/bootstrap`, 'POST', { code: bootstrapCode, userName: 'ada.admin', password: adminPassword });
  assert.equal(created.status, 201, JSON.stringify(created.json));

  const first = await call(`${url}/api/login`, 'POST', { userName: 'ada.admin', password: adminPassword });
  assert.deepEqual([first.status, first.json.mfaEnrolmentRequired], [200, true]);
  const enrolment = await call(`${url}/api/me/totp`, 'POST', undefined, first.json.token as string);
  assert.equal(enrolment.status, 201);
  const totpSecret = enrolment.json.secret as string;
  const totpCode = await generate({ secret: totpSecret });
  const confirmed = await call(`${url}/api/me/totp/confirm`, 'POST', { code: totpCode }, first.json.token as string);
  assert.deepEqual([confirmed.status, confirmed.json.methods], [200, ['pwd', 'otp']]);
  const adminToken = confirmed.json.token as string;

  const clinicianPassword = 'a lantern by the harbour wall';
  const clinician = await call(`${url}/api/users`, 'POST', { userName: 'li.wei', password: clinicianPassword, displayName: '李伟', roles: ['clinician'] }, adminToken);
  assert.equal(clinician.status, 201, JSON.stringify(clinician.json));
  const clinicianLogin = await call(`${url}/api/login`, 'POST', { userName: 'li.wei', password: clinicianPassword });
  assert.equal(clinicianLogin.status, 200);
  const refused = await call(`${url}/api/users`, 'GET', undefined, clinicianLogin.json.token as string);
  assert.equal(refused.status, 403);
  assert.equal((await call(`${url}/api/no-such-route`, 'GET')).status, 404);
  // The request and break-glass flows are served: the clinician may request and break the glass, and must give a reason.
  const clinicianToken = clinicianLogin.json.token as string;
  assert.deepEqual((await call(`${url}/api/requests`, 'GET', undefined, clinicianToken)).status, 200);
  const noReason = await call(`${url}/api/break-glass`, 'POST', { patientRef: 'no-such-patient' }, clinicianToken);
  assert.equal(noReason.status, 400, JSON.stringify(noReason.json));

  assert.equal(await server.stop(), 0);
  assert.match(server.output(), /^SIGTERM: stopping$/m);
  assert.match(server.output(), /\nstopped\n$/);

  const output = server.output();
  assert.equal(output.split(bootstrapCode).length - 1, 2, 'the bootstrap code appears only in the notice and its curl line');
  for (const secret of [adminPassword, clinicianPassword, totpSecret, totpCode, adminToken, first.json.token as string, clinicianLogin.json.token as string]) {
    assert.equal(output.includes(secret), false, `the server output holds a secret of length ${secret.length}`);
  }

  const data = join(folder, 'medveil-data');
  if (process.platform !== 'win32') {
    assert.equal(statSync(data).mode & 0o777, 0o700);
    for (const file of ['keys/master.key', 'keys/session-signing.key', 'keys/audit-log.key', 'accounts.sqlite', 'audit.sqlite', 'requests.sqlite', 'break-glass.sqlite']) {
      assert.equal(statSync(join(data, file)).mode & 0o777, 0o600, file);
    }
  }
  const verified = medveil(['audit', 'verify', '--db', join(data, 'audit.sqlite'), '--key', join(data, 'keys', 'audit-log.pub'), '--json']);
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  const tail = medveil(['audit', 'tail', '--db', join(data, 'audit.sqlite'), '--json', '-n', '100']);
  const events = tail.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; detail?: Record<string, string>; actor: { user: string } });
  const summary = events.map((event) => `${event.type}:${event.detail?.action ?? event.detail?.reason ?? event.detail?.route ?? ''}`);
  for (const expected of ['key-change:create-key', 'key-change:issue-bootstrap-code', 'policy-change:create-first-admin', 'login:', 'key-change:totp-enrolled', 'policy-change:create-user', 'deny:no-such', 'deny:not-admin']) {
    const [type, detail] = expected.split(':') as [string, string];
    assert.ok(
      events.some((event) => event.type === type && (detail === '' || Object.values(event.detail ?? {}).some((value) => value.includes(detail)) || (detail === 'no-such' && event.detail?.path === '/api/no-such-route'))),
      `${expected} in ${summary.join(' ')}`,
    );
  }

  const again = startServe(folder, { MEDVEIL_CONFIG: 'gateway.yaml' });
  t.after(() => again.stop());
  await again.waitFor(/listening on http:/);
  assert.equal(await again.stop(), 0);
  assert.doesNotMatch(again.output(), /bootstrap code/, 'with an administrator, no code is printed');
});
