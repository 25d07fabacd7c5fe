import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { generate } from 'otplib';
import { NARROW, WIDE, startConsoleRun, type Language } from './support/console-browser.js';
import { PLANTED_STUDY_UID, plantedExportInstance } from './support/planted-export-study.js';

const PASSWORD = 'a lantern by the harbour wall';
const STEP_S = 30;

interface Person {
  readonly userName: string;
  readonly roles: string[];
  readonly departments: string[];
  readonly directorOf: string[];
  secret?: string;
  /** The TOTP time step last accepted: the server refuses that step and earlier ones again (docs/accounts.md). */
  lastStep?: number;
}

const DSO: Person = { userName: 'dora.dso', roles: ['dso'], departments: [], directorOf: [] };
const DIRECTOR: Person = { userName: 'zhang.director', roles: ['director'], departments: ['radiology'], directorOf: ['radiology'] };
const CLINICIAN: Person = { userName: 'li.wei', roles: ['clinician'], departments: ['radiology'], directorOf: [] };
const TECHNICIAN: Person = { userName: 'tao.tech', roles: ['technician'], departments: ['radiology'], directorOf: [] };

/**
 * The code of the first time step after the last one accepted that the server still takes
 * (the step before, the current one, the step after). When all three are spent, it waits for
 * the clock: the server's rule, not a timing the test asserts.
 */
async function nextCode(person: Person): Promise<string> {
  const current = Math.floor(Date.now() / 1000 / STEP_S);
  const step = Math.max((person.lastStep ?? -Infinity) + 1, current - 1);
  if (step > current + 1) await new Promise((resolve) => setTimeout(resolve, ((step - 1) * STEP_S * 1000) - Date.now() + 50));
  person.lastStep = step;
  return generate({ secret: person.secret!, epoch: step * STEP_S });
}

/** A code that none of the steps the server accepts now gives. */
async function wrongCode(person: Person): Promise<string> {
  const current = Math.floor(Date.now() / 1000 / STEP_S);
  const valid = await Promise.all([-1, 0, 1, 2].map((offset) => generate({ secret: person.secret!, epoch: (current + offset) * STEP_S })));
  return ['000000', '111111', '222222', '333333', '444444'].find((code) => !valid.includes(code))!;
}

test('the console in Chromium: a request approved in two browsers, a grant revoked, break-glass refused without a reason, an export downloaded', async (t) => {
  const run = await startConsoleRun(t);
  const { url, text, expectHeading, captureEverywhere } = run;
  const call = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = await response.text();
    return { status: response.status, json: (answer === '' ? {} : JSON.parse(answer)) as Record<string, any> };
  };
  const expectStatus = (answer: { status: number; json: unknown }, status: number, what: string) => assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.json)}`);

  // The accounts, through the API (the users page has its own test): an administrator, a department, the staff.
  const ADMIN: Person = { userName: 'ada.admin', roles: ['admin'], departments: [], directorOf: [] };
  expectStatus(await call('POST', '/api/bootstrap', undefined, { code: run.bootstrapCode, userName: ADMIN.userName, password: PASSWORD }), 201, 'bootstrap');
  const enrol = async (person: Person): Promise<string> => {
    const first = await call('POST', '/api/login', undefined, { userName: person.userName, password: PASSWORD });
    expectStatus(first, 200, `${person.userName} signs in`);
    if (first.json.mfaEnrolmentRequired !== true) return first.json.token as string;
    const enrolment = await call('POST', '/api/me/totp', first.json.token);
    person.secret = enrolment.json.secret as string;
    const confirmed = await call('POST', '/api/me/totp/confirm', first.json.token, { code: await nextCode(person) });
    expectStatus(confirmed, 200, `${person.userName} enrols TOTP`);
    return confirmed.json.token as string;
  };
  const adminToken = await enrol(ADMIN);
  expectStatus(await call('POST', '/api/departments', adminToken, { id: 'radiology', name: '放射科' }), 201, 'department');
  for (const person of [DSO, DIRECTOR, CLINICIAN, TECHNICIAN]) {
    expectStatus(await call('POST', '/api/users', adminToken, { userName: person.userName, password: PASSWORD, roles: person.roles, departments: person.departments, directorOf: person.directorOf }), 201, person.userName);
  }
  const tokens = { dso: await enrol(DSO), director: await enrol(DIRECTOR), clinician: await enrol(CLINICIAN), technician: await enrol(TECHNICIAN) };

  // A technician of radiology stores a study: it belongs to radiology, which the clinician sees masked.
  const boundary = 'medveil-workflow-test';
  const part = await plantedExportInstance(1);
  const stow = await fetch(`${url}/dicom-web/studies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.technician}`, 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`, accept: 'application/dicom+json' },
    body: Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), Buffer.from(part), Buffer.from(`\r\n--${boundary}--\r\n`)]),
  });
  assert.equal(stow.status, 200, await stow.clone().text());

  const signIn = async (person: Person, language: Language, viewport = WIDE): Promise<Page> => {
    const page = await run.newPage({ viewport, locale: language === 'en' ? 'en-US' : 'zh-CN' });
    await page.goto(`${url}/console/`);
    await page.fill('input[name=userName]', person.userName);
    await page.fill('input[name=password]', PASSWORD);
    if (person.secret !== undefined) await page.fill('input[name=totp]', await nextCode(person));
    await page.click('[data-testid=login-form] button[type=submit]');
    await page.locator('[data-testid=welcome]').waitFor();
    return page;
  };
  // The clinician asks for full access from the link the studies page gives (?study=<uid>).
  const clinician = await signIn(CLINICIAN, 'zh-CN');
  await clinician.goto(`${url}/console/requests?study=${PLANTED_STUDY_UID}`);
  await expectHeading(clinician, text['zh-CN']['nav.requests'], 'requests in zh-CN');
  const form = clinician.locator('[data-testid=request-form]');
  assert.equal(await form.locator('input[name=studyUids]').inputValue(), PLANTED_STUDY_UID);
  await form.locator('select[name=purpose]').selectOption('quality');
  assert.equal(await clinician.locator('[data-testid=purpose-code]').innerText(), text['zh-CN']['requests.purposeCode']!.replace('{code}', 'HQUALIMP'));
  await form.locator('select[name=purpose]').selectOption('treatment');
  await form.locator('textarea[name=justification]').fill('多学科会诊需要完整影像');
  await form.locator('input[name=durationHours]').fill('48');
  await form.locator('button[type=submit]').click();
  const mine = clinician.locator('[data-testid=my-requests] li').first();
  await mine.locator('[data-status=pending]').waitFor();
  const fullRequestId = (await mine.getAttribute('data-request'))!;
  const stored = await call('GET', `/api/requests/${fullRequestId}`, tokens.clinician);
  assert.deepEqual(
    [stored.json.kind, stored.json.purposeCode, stored.json.durationHours, stored.json.studies],
    ['full', 'TREAT', 48, [{ studyUid: PLANTED_STUDY_UID, department: 'radiology' }]],
  );
  await captureEverywhere(clinician, 'requests', 'nav.requests', 'zh-CN');

  // The DSO (English, a phone) and the director (Chinese) approve in two browser contexts, each with a fresh code.
  const approve = async (page: Page, person: Person, requestId: string, language: Language) => {
    await page.goto(`${url}/console/approvals`);
    await expectHeading(page, text[language]['nav.approvals'], `approvals in ${language}`);
    const item = page.locator(`[data-testid=approval-inbox] li[data-request="${requestId}"]`);
    assert.equal(await item.locator('[data-testid=content-hash]').innerText(), (await call('GET', `/api/requests/${requestId}`, tokens.clinician)).json.contentHash);
    assert.equal(await item.locator('[data-testid=request-departments]').innerText(), 'radiology');
    await item.locator('button', { hasText: text[language]['approvals.approve'] }).click();
    await page.locator('[data-testid=approval-dialog] input[name=totp]').fill(await nextCode(person));
    await page.locator('[data-testid=approval-dialog] button[type=submit]').click();
    await page.locator('p[role=status]', { hasText: text[language]['approvals.approved']!.replace('{id}', requestId) }).waitFor();
  };
  const dso = await signIn(DSO, 'en', NARROW);
  const director = await signIn(DIRECTOR, 'zh-CN');
  assert.notEqual(dso.context(), director.context());
  await approve(dso, DSO, fullRequestId, 'en');
  // A wrong code is refused in the dialog, in the reader's language, and approves nothing.
  await director.goto(`${url}/console/approvals`);
  await director.locator(`[data-testid=approval-inbox] li[data-request="${fullRequestId}"] button`, { hasText: text['zh-CN']['approvals.approve'] }).click();
  await director.locator('[data-testid=approval-dialog] input[name=totp]').fill(await wrongCode(DIRECTOR));
  await director.locator('[data-testid=approval-dialog] button[type=submit]').click();
  await director.locator('[data-testid=approval-dialog] p[role=alert]', { hasText: text['zh-CN']['error.totp-invalid'] }).waitFor();
  assert.equal((await call('GET', `/api/requests/${fullRequestId}`, tokens.clinician)).json.status, 'pending');
  await director.locator('[data-testid=approval-dialog] button', { hasText: text['zh-CN']['common.cancel'] }).click();
  await captureEverywhere(director, 'approvals', 'nav.approvals', 'zh-CN');
  await approve(director, DIRECTOR, fullRequestId, 'zh-CN');

  // The clinician sees the request granted, with both approvals and the grant's validity.
  await clinician.click('[data-testid=requests-refresh]');
  await clinician.locator(`[data-testid=my-requests] li[data-request="${fullRequestId}"] [data-status=granted]`).waitFor();
  const granted = await call('GET', `/api/requests/${fullRequestId}`, tokens.clinician);
  assert.deepEqual(granted.json.approvals.map((approval: { by: string }) => approval.by), [DSO.userName, DIRECTOR.userName]);
  assert.ok((await clinician.locator(`li[data-request="${fullRequestId}"] [data-testid=grant-validity]`).innerText()).length > 0);

  // The DSO revokes the grant from the page; the server holds the revocation.
  await dso.goto(`${url}/console/approvals`);
  const grantRow = dso.locator(`[data-testid=grants-table] tr[data-grant="${granted.json.grant.id}"]`);
  await grantRow.locator('button', { hasText: text.en['approvals.revoke'] }).click();
  await grantRow.locator('select[name=revokeReason]').selectOption('purpose-ended');
  await grantRow.locator('button', { hasText: text.en['approvals.revokeConfirm'] }).click();
  await dso.locator('p[role=status]', { hasText: text.en['approvals.revoked']!.replace('{id}', granted.json.grant.id) }).waitFor();
  const revoked = await call('GET', `/api/requests/${fullRequestId}`, tokens.clinician);
  assert.deepEqual([revoked.json.status, revoked.json.revocation.by, revoked.json.revocation.reason], ['revoked', DSO.userName, 'purpose-ended']);
  assert.equal(await grantRow.count(), 0, 'a revoked grant leaves the active list');

  // Break-glass: the warning is there; without a reason the page refuses and sends nothing; the server refuses too.
  await clinician.goto(`${url}/console/break-glass`);
  await expectHeading(clinician, text['zh-CN']['nav.breakGlass'], 'break-glass in zh-CN');
  assert.equal(await clinician.locator('[data-testid=break-glass-warning]').innerText(), text['zh-CN']['breakGlass.warning']);
  const glass = clinician.locator('[data-testid=break-glass-form]');
  await glass.locator('input[name=target]').fill(PLANTED_STUDY_UID);
  await glass.locator('button[type=submit]').click();
  assert.equal(await glass.locator('p[role=alert]').innerText(), text['zh-CN']['breakGlass.reasonRequired']);
  expectStatus(await call('POST', '/api/break-glass', tokens.clinician, { studyUid: PLANTED_STUDY_UID, reasonCode: 'unconscious-patient' }), 400, 'break-glass without a reason text');
  assert.deepEqual((await call('GET', '/api/break-glass/reviews', tokens.dso)).json.sessions, []);
  await captureEverywhere(clinician, 'break-glass', 'nav.breakGlass', 'zh-CN');
  // With a reason it opens, shows the session, and ends; the DSO reviews it with a fresh code.
  await glass.locator('select[name=reasonCode]').selectOption('unconscious-patient');
  await glass.locator('textarea[name=reasonText]').fill('患者昏迷，需查看既往胸片');
  await glass.locator('input[name=durationMinutes]').fill('30');
  await glass.locator('button[type=submit]').click();
  await clinician.locator('[data-testid=break-glass-session]').waitFor();
  // The server keeps it: a reload shows the same open session (GET /api/break-glass).
  const opened = (await call('GET', '/api/break-glass', tokens.clinician)).json.sessions as Array<{ id: string }>;
  assert.equal(opened.length, 1);
  await clinician.reload();
  await clinician.locator('[data-testid=break-glass-session]').waitFor();
  await captureEverywhere(clinician, 'break-glass-open', 'nav.breakGlass', 'zh-CN');
  await clinician.click('[data-testid=break-glass-end]');
  await clinician.locator('[data-testid=break-glass-form]').waitFor();
  assert.deepEqual((await call('GET', '/api/break-glass', tokens.clinician)).json.sessions, []);
  const queue = (await call('GET', '/api/break-glass/reviews', tokens.dso)).json.sessions as Array<{ id: string; endedAt?: string; reasonCode: string }>;
  assert.deepEqual(queue.map((session) => [session.reasonCode, session.endedAt !== undefined]), [['unconscious-patient', true]]);
  await dso.goto(`${url}/console/break-glass/reviews`);
  await expectHeading(dso, text.en['nav.breakGlassReviews'], 'break-glass reviews in en');
  await captureEverywhere(dso, 'break-glass-reviews', 'nav.breakGlassReviews', 'en');
  const session = dso.locator(`[data-testid=break-glass-queue] li[data-session="${queue[0]!.id}"]`);
  await session.locator('button', { hasText: text.en['breakGlass.review'] }).click();
  await session.locator('select[name=outcome]').selectOption('justified');
  await session.locator('textarea[name=note]').fill('Confirmed with the emergency department: unconscious on arrival.');
  await session.locator('input[name=totp]').fill(await nextCode(DSO));
  await session.locator('button[type=submit]').click();
  await dso.locator('p[role=status]', { hasText: text.en['breakGlass.reviewed'] }).waitFor();
  assert.deepEqual((await call('GET', '/api/break-glass/reviews', tokens.dso)).json.sessions, []);

  // An export request, approved by both, started and downloaded through the exports page.
  await clinician.goto(`${url}/console/requests`);
  await form.locator('input[value=export]').check();
  await form.locator('input[name=studyUids]').fill(PLANTED_STUDY_UID);
  await form.locator('select[name=purpose]').selectOption('research');
  await form.locator('textarea[name=justification]').fill('伦理委员会批准的回顾性研究');
  await form.locator('button[type=submit]').click();
  await clinician.locator('[data-testid=my-requests] li [data-status=pending]').waitFor();
  const exportRequestId = (await clinician.locator('[data-testid=my-requests] li').first().getAttribute('data-request'))!;
  assert.notEqual(exportRequestId, fullRequestId);
  assert.equal((await call('GET', `/api/requests/${exportRequestId}`, tokens.clinician)).json.recipient, 'requester');
  await approve(dso, DSO, exportRequestId, 'en');
  await approve(director, DIRECTOR, exportRequestId, 'zh-CN');
  await clinician.goto(`${url}/console/exports`);
  await expectHeading(clinician, text['zh-CN']['nav.exports'], 'exports in zh-CN');
  await clinician.locator(`[data-testid=exports-ready] li[data-request="${exportRequestId}"] button`).click();
  const job = clinician.locator('[data-testid=export-jobs] li').first();
  await job.locator('[data-testid=export-download]').waitFor({ timeout: 120_000 });
  assert.equal(await job.getAttribute('data-state'), 'finished');
  assert.equal(await job.locator('[data-testid=export-progress]').getAttribute('value'), '100');
  assert.match(await job.locator('[data-testid=export-percent]').innerText(), /^100%（1\/1）$/);
  assert.match(await job.locator('[data-testid=export-countdown]').innerText(), /^下载链接剩余 7[12]:\d\d:\d\d$/);
  const exportId = (await job.getAttribute('data-export'))!;
  const shown = await call('GET', `/api/exports/${exportId}`, tokens.clinician);
  const [download] = await Promise.all([clinician.waitForEvent('download'), job.locator('[data-testid=export-download]').click()]);
  const saved = await download.path();
  assert.equal(createHash('sha256').update(readFileSync(saved)).digest('hex'), shown.json.package.sha256);
  await captureEverywhere(clinician, 'exports', 'nav.exports', 'zh-CN');

  assert.deepEqual(run.offOrigin, []);
  assert.deepEqual(run.pageErrors, []);
  assert.deepEqual(run.refusals, [`403 POST /api/requests/${fullRequestId}/approve`]);
  await run.browser.close();
  assert.equal(await run.server.stop(), 0);
});
