import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import type { CryptoSuite } from '../src/crypto/suite.js';
import { WIDE, startConsoleRun } from './support/console-browser.js';
import { startConsoleWitness, tamperWithReceiptProofs } from './support/console-witness.js';

const ORIGIN = 'hospital.example/audit';
const WITNESS_NAME = 'regulator.example/witness';
const ADMIN = { userName: 'ada.admin', password: 'seven quiet herons at dawn' };
const AUDITOR = { userName: 'audrey.auditor', password: 'a lantern by the harbour wall' };

type Json = Record<string, unknown>;

for (const suite of ['intl', 'gm'] as const) {
  test(`the audit page in Chromium (${suite} suite): the auditor filters by user and type, opens an event, verifies it in the browser with a real witness cosignature, and a tampered proof shows as failed`, (t) => auditPageInBrowser(t, suite));
}

async function auditPageInBrowser(t: TestContext, suite: CryptoSuite) {
  // A real witness (c2sp.org/tlog-witness over HTTP) that trusts the log key the server will use.
  const witness = await startConsoleWitness(t, { suite, origin: ORIGIN, name: WITNESS_NAME });
  const witnessStore = witness.store;
  const run = await startConsoleRun(t, { prepare: (folder) => witness.prepare(folder) });
  const { url, text, expectHeading, captureEverywhere } = run;
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, json: (await response.json()) as Json };
  };

  // The administrator and the auditor, through the public API.
  const started = new Date();
  const bootstrap = await call('POST', '/api/bootstrap', { code: run.bootstrapCode, ...ADMIN });
  assert.ok(bootstrap.status < 300, JSON.stringify(bootstrap.json));
  const first = await call('POST', '/api/login', ADMIN);
  const enrolment = await call('POST', '/api/me/totp', undefined, first.json.token as string);
  const admin = await call('POST', '/api/me/totp/confirm', { code: await generate({ secret: enrolment.json.secret as string }) }, first.json.token as string);
  assert.equal(admin.status, 200, JSON.stringify(admin.json));
  const created = await call('POST', '/api/users', { ...AUDITOR, roles: ['auditor'], departments: [], directorOf: [] }, admin.json.token as string);
  assert.ok(created.status < 300, JSON.stringify(created.json));
  // Activity to find: a failed and a good sign-in of the auditor's, and the administrator's.
  assert.equal((await call('POST', '/api/login', { ...AUDITOR, password: 'not the password at all' })).status, 401);
  const apiSession = await call('POST', '/api/login', AUDITOR);
  assert.equal(apiSession.status, 200);
  // Each read of the trail is itself an event: enough of them for more than one page.
  for (let i = 0; i < 25; i++) assert.equal((await call('GET', `/api/audit/events?type=view&limit=1`, undefined, apiSession.json.token as string)).status, 200);

  const page = await run.newPage({ viewport: WIDE, locale: 'en-US' });
  await page.goto(`${url}/console/`);
  await page.fill('input[name=userName]', AUDITOR.userName);
  await page.fill('input[name=password]', AUDITOR.password);
  await page.click('[data-testid=login-form] button[type=submit]');
  await page.locator('[data-testid=welcome]').waitFor();
  await page.click('nav a[href="/console/audit"]');
  await expectHeading(page, text.en['nav.audit'], 'nav.audit in en');
  await page.locator('[data-testid=audit-table]').waitFor();

  // Paging runs by index, newest first: the older page goes on right below the first; back is the newest
  // events again, which now include this page's own searches (each read of the trail is an event).
  const indexes = () => page.locator('[data-testid=audit-table] tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-index'))));
  const newest = await indexes();
  assert.equal(newest.length, 20);
  assert.deepEqual(newest, [...newest].sort((a, b) => b - a));
  assert.equal(await page.locator('[data-testid=audit-newer]').isDisabled(), true);
  await page.click('[data-testid=audit-older]');
  await page.locator(`[data-testid=audit-table] tbody tr[data-index="${newest[19]! - 1}"]`).waitFor();
  const older = await indexes();
  assert.equal(older[0], newest[19]! - 1);
  await page.click('[data-testid=audit-newer]');
  await page.locator(`[data-testid=audit-table] tbody tr[data-index="${newest[0]}"]`).waitFor();
  const again = await indexes();
  assert.deepEqual(again.slice(again.indexOf(newest[0]!)), newest.slice(0, 20 - again.indexOf(newest[0]!)));

  // A malformed filter is refused by the server, and the page says which.
  const form = page.locator('[data-testid=audit-filter-form]');
  await form.locator('input[name=patient]').fill('x');
  await form.locator('button[type=submit]').click();
  assert.match(await page.locator('p[role=alert]').innerText(), /patient/);
  await form.locator('input[name=patient]').fill('');

  // Filter by user, type and a time range to the millisecond (UTC).
  await form.locator('input[name=user]').fill(AUDITOR.userName);
  await form.locator('select[name=type]').selectOption('login');
  await form.locator('input[name=from]').fill(started.toISOString().slice(0, 23));
  await form.locator('button[type=submit]').click();
  const rows = page.locator('[data-testid=audit-table] tbody tr');
  // The unfiltered page before it holds many more events of other types.
  await rows.nth(2).waitFor({ state: 'detached' });
  const auditorToken = (await page.evaluate("JSON.parse(sessionStorage.getItem('medveil.console.session')).token")) as string;
  const query = `user=${AUDITOR.userName}&type=login&from=${encodeURIComponent(started.toISOString())}`;
  const expected = (await call('GET', `/api/audit/events?${query}`, undefined, auditorToken)).json.events as { index: number; type: string; actor: { user: string } }[];
  // Two sign-ins of the auditor's (the API's and the browser's); not the failed one, not the administrator's.
  assert.equal(expected.length, 2);
  assert.deepEqual(await rows.locator('td:nth-child(3)').allInnerTexts(), ['login', 'login']);
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-index')))), expected.map((event) => event.index));
  assert.deepEqual(await rows.locator('td:nth-child(5)').allInnerTexts(), [AUDITOR.userName, AUDITOR.userName]);

  // The newest sign-in: every field, then Verify, in this browser.
  const index = expected[0]!.index;
  await page.locator(`tr[data-index="${index}"] button`).click();
  const detail = page.locator('[data-testid=audit-event]');
  await detail.locator('h2', { hasText: `#${index}` }).waitFor();
  assert.match(await detail.locator('dl').first().innerText(), new RegExp(`${AUDITOR.userName}[\\s\\S]*auditor`));
  await detail.locator('[data-testid=audit-verify]').click();
  const report = detail.locator('[data-testid=audit-verification]');
  await report.waitFor();
  assert.equal(await report.getAttribute('data-ok'), 'true', await report.innerText());
  assert.equal(await report.locator('[data-testid=audit-inclusion]').getAttribute('data-status'), 'ok');
  assert.deepEqual(await report.locator('[data-testid=audit-log-signature]').evaluateAll((items) => items.map((item) => `${/\((ed25519|sm2),/.exec(item.textContent ?? '')?.[1]} ${item.getAttribute('data-status')}`).sort()), suite === 'gm' ? ['ed25519 ok', 'sm2 ok'] : ['ed25519 ok']);
  const witnessLine = report.locator('[data-testid=audit-witness]');
  assert.equal(await witnessLine.getAttribute('data-status'), 'ok');
  assert.match(await witnessLine.innerText(), new RegExp(`${WITNESS_NAME}[\\s\\S]*\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z`));
  assert.match(await report.locator('[data-testid=audit-leaf-hash]').innerText(), /^[A-Za-z0-9+/]{43}=$/);
  assert.equal(await report.locator('[data-testid=audit-verdict]').innerText(), text.en['audit.verified']);
  // The witness itself holds the checkpoint it cosigned: the cosignature is real, not the server's word.
  const proved = (await call('GET', `/api/audit/events/${index}`, undefined, auditorToken)).json as { checkpoint: { size: number; cosignedBy: { witness: string }[] } };
  assert.deepEqual(proved.checkpoint.cosignedBy.map((c) => c.witness), [WITNESS_NAME]);
  assert.ok(((await witnessStore.latest(ORIGIN))?.size ?? 0) >= proved.checkpoint.size);
  await captureEverywhere(page, `audit-${suite}`, 'nav.audit', 'en');

  // A proof hash altered on the way: the browser's check of the inclusion fails and says why.
  await tamperWithReceiptProofs(page);
  await detail.locator('[data-testid=audit-verify]').click();
  await report.and(page.locator('[data-ok=false]')).waitFor();
  assert.equal(await report.locator('[data-testid=audit-inclusion]').getAttribute('data-status'), 'failed');
  const verdict = await report.locator('[data-testid=audit-verdict]').innerText();
  assert.equal(verdict, text.en['audit.verifyFailed']!.replace('{reason}', "inclusion proof: the calculated root does not match the checkpoint's root"));
  // The signatures themselves still hold: only the proof was touched.
  assert.equal(await witnessLine.getAttribute('data-status'), 'ok');
  await captureEverywhere(page, `audit-${suite}-failed`, 'nav.audit', 'en');
  await page.unroute(/\/api\/audit\/events\/\d+$/);

  assert.deepEqual(run.offOrigin, []);
  assert.deepEqual(run.pageErrors, []);
  assert.deepEqual(run.refusals, ['400 GET /api/audit/events']);
  await run.browser.close();
  assert.equal(await run.server.stop(), 0);
}
