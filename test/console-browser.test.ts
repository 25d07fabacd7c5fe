import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { generate } from 'otplib';
import { CONSOLE_ARTIFACTS, NARROW, WIDE, startConsoleRun } from './support/console-browser.js';

const ADMIN = { userName: 'ada.admin', displayName: '艾达', password: 'seven quiet herons at dawn' };
const STAFF = [
  { userName: 'dora.dso', displayName: 'Dora Wang', roles: ['dso'], departments: [], directorOf: [] },
  { userName: 'zhang.director', displayName: '张主任', roles: ['director'], departments: ['radiology'], directorOf: ['radiology'] },
  { userName: 'li.wei', displayName: '李伟', roles: ['clinician'], departments: ['radiology'], directorOf: [] },
  { userName: 'audrey.auditor', displayName: 'Audrey', roles: ['auditor'], departments: [], directorOf: [] },
];
const STAFF_PASSWORD = 'a lantern by the harbour wall';
/** What the administrator sets for the clinician, who must then choose their own. */
const SET_BY_ADMIN = 'granite orchard before sunrise';
const CHOSEN = 'copper kettles sing at noon';

/** The TOTP code `steps` 30-second steps from now: a code once accepted is never accepted again (docs/accounts.md). */
const totp = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

test('the console in Chromium: first run, TOTP enrolment, sign-in, users with roles, sign-out, in both languages at 1280x800 and 390x844', async (t) => {
  const run = await startConsoleRun(t);
  const { url, text, expectHeading, switchLanguage, captureEverywhere } = run;

  // A browser that prefers Chinese gets Chinese; / leads to the console, and with no account yet to the first-run page.
  const admin = await run.newPage({ viewport: WIDE, locale: 'zh-CN' });
  await admin.goto(`${url}/`);
  assert.equal(new URL(admin.url()).pathname, '/console/');
  await expectHeading(admin, text['zh-CN']['firstRun.title'], 'firstRun.title in zh-CN');
  // The choice of language is kept across a reload.
  await switchLanguage(admin, 'en');
  await admin.reload();
  await expectHeading(admin, text.en['firstRun.title'], 'firstRun.title in en');
  await switchLanguage(admin, 'zh-CN');
  await captureEverywhere(admin, 'first-run', 'firstRun.title', 'zh-CN');

  await admin.fill('input[name=code]', run.bootstrapCode);
  await admin.fill('input[name=userName]', ADMIN.userName);
  await admin.fill('input[name=displayName]', ADMIN.displayName);
  await admin.fill('input[name=password]', ADMIN.password);
  await admin.fill('input[name=passwordConfirm]', ADMIN.password);
  await admin.click('[data-testid=first-run-form] button[type=submit]');

  // Enrolment: the page shows the secret as text and as a QR code; the authenticator's code finishes it.
  const secretElement = admin.locator('[data-testid=totp-secret]');
  await secretElement.waitFor();
  const secret = (await secretElement.getAttribute('data-secret'))!;
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.equal((await secretElement.innerText()).replace(/\s/g, ''), secret);
  // The QR code is read back by zbar (Debian's zbar-tools), independent of the encoder that drew it.
  const qrFile = join(run.folder, 'totp-qr.png');
  await admin.locator('[data-testid=totp-qr]').screenshot({ path: qrFile });
  const scanned = spawnSync('zbarimg', ['--quiet', '--raw', qrFile], { encoding: 'utf8' });
  assert.equal(scanned.status, 0, scanned.stderr);
  const otpauth = new URL(scanned.stdout.trim());
  assert.deepEqual([otpauth.protocol, otpauth.host, decodeURIComponent(otpauth.pathname), otpauth.searchParams.get('secret')], ['otpauth:', 'totp', '/MedVeil:ada.admin', secret]);
  await captureEverywhere(admin, 'enrol', 'enrol.title', 'zh-CN');
  await admin.fill('input[name=code]', await totp(secret));
  await admin.click('[data-testid=enrol-form] button[type=submit]');
  await admin.locator('[data-testid=welcome]').waitFor();
  assert.equal(await admin.locator('[data-testid=welcome]').innerText(), text['zh-CN']['home.welcome'].replace('{name}', ADMIN.displayName));
  await switchLanguage(admin, 'en');
  assert.match(await admin.locator('[data-testid=session-countdown]').innerText(), /^Session ends in 1[45]:\d\d$/);
  await switchLanguage(admin, 'zh-CN');
  await captureEverywhere(admin, 'home', 'nav.home', 'zh-CN');

  // On a phone the navigation folds behind the menu button.
  await admin.setViewportSize(NARROW);
  const usersLink = admin.locator('nav a[href="/console/users"]');
  assert.equal(await usersLink.isVisible(), false);
  await admin.click('.menu-button');
  assert.equal(await usersLink.isVisible(), true);
  await admin.screenshot({ path: join(CONSOLE_ARTIFACTS, 'home-menu-open-zh-CN-390x844.png'), fullPage: true });
  await usersLink.click();
  assert.equal(await usersLink.isVisible(), false, 'the menu closes when a page is chosen');
  await admin.setViewportSize(WIDE);
  await expectHeading(admin, text['zh-CN']['nav.users'], 'nav.users in zh-CN');

  await admin.fill('[data-testid=department-form] input[name=id]', 'radiology');
  await admin.fill('[data-testid=department-form] input[name=name]', '放射科');
  await admin.click('[data-testid=department-form] button[type=submit]');
  await admin.locator('[data-testid=departments] >> text=radiology').waitFor();
  await admin.locator('[data-testid=choices-departments] input[value=radiology]').waitFor();
  const form = admin.locator('[data-testid=create-user-form]');
  for (const person of STAFF) {
    await form.locator('input[name=userName]').fill(person.userName);
    await form.locator('input[name=displayName]').fill(person.displayName);
    await form.locator('input[name=password]').fill(STAFF_PASSWORD);
    for (const role of person.roles) await form.locator(`input[name=roles][value=${role}]`).check();
    for (const id of person.departments) await form.locator(`input[name=departments][value=${id}]`).check();
    for (const id of person.directorOf) await form.locator(`input[name=directorOf][value=${id}]`).check();
    await form.locator('button[type=submit]').click();
    await admin.locator(`tr[data-user="${person.userName}"]`).waitFor();
  }
  await admin.locator('tr[data-user="li.wei"] button', { hasText: text['zh-CN']['users.manageCare'] }).click();
  await admin.fill('[data-testid=care-panel] input[name=patientRef]', 'PAT-0001');
  await admin.click('[data-testid=care-panel] button[type=submit]');
  await admin.locator('[data-testid=care-list] >> text=PAT-0001').waitFor();
  await captureEverywhere(admin, 'users', 'nav.users', 'zh-CN');
  await admin.locator('tr[data-user="li.wei"] button', { hasText: text['zh-CN']['users.setPassword'] }).click();
  await admin.fill('[data-testid=password-reset] input[name=password]', SET_BY_ADMIN);
  await admin.click('[data-testid=password-reset] button[type=submit]');
  await admin.locator('p[role=status]', { hasText: text['zh-CN']['users.passwordSet']!.replace('{name}', 'li.wei') }).waitFor();

  // What the page did is what the server holds, through the same API.
  const adminToken = (await admin.evaluate("JSON.parse(sessionStorage.getItem('medveil.console.session')).token")) as string;
  const api = async (path: string, token: string) => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  type StoredUser = { name: string; roles: string[]; departments: string[]; directorOf: string[]; displayName?: string; passwordChangeRequired: boolean; mfaEnrolled: boolean };
  const users = (await api('/api/users', adminToken)).json.users as StoredUser[];
  for (const person of STAFF) {
    const stored = users.find((user) => user.name === person.userName);
    assert.deepEqual(
      stored && { roles: stored.roles, departments: stored.departments, directorOf: stored.directorOf, displayName: stored.displayName },
      { roles: person.roles, departments: person.departments, directorOf: person.directorOf, displayName: person.displayName },
    );
  }
  assert.equal(users.find((user) => user.name === 'li.wei')?.passwordChangeRequired, true);
  assert.deepEqual(((await api('/api/users/li.wei/care', adminToken)).json.careRelationships as { patientRef: string }[]).map((care) => care.patientRef), ['PAT-0001']);

  // Signing out ends the session on the server too.
  await admin.locator('header button', { hasText: text['zh-CN']['session.logout'] }).click();
  await admin.locator('[data-testid=login-form]').waitFor();
  assert.equal(await admin.locator('p[role=status]').innerText(), text['zh-CN']['session.signedOut']);
  assert.equal((await api('/api/me', adminToken)).status, 401);
  await captureEverywhere(admin, 'login', 'login.title', 'zh-CN');
  // A wrong password is refused, in the reader's language.
  await admin.fill('input[name=userName]', ADMIN.userName);
  await admin.fill('input[name=password]', 'not the password at all');
  await admin.fill('input[name=totp]', await totp(secret, 1));
  await admin.click('[data-testid=login-form] button[type=submit]');
  await admin.locator('p[role=alert]').waitFor();
  assert.equal(await admin.locator('p[role=alert]').innerText(), text['zh-CN']['error.invalid-credentials']);
  // The administrator signs in again with password and the next code.
  await admin.fill('input[name=userName]', ADMIN.userName);
  await admin.fill('input[name=password]', ADMIN.password);
  await admin.fill('input[name=totp]', await totp(secret, 1));
  await admin.click('[data-testid=login-form] button[type=submit]');
  await expectHeading(admin, text['zh-CN']['nav.home'], 'the overview after signing in again');
  assert.equal(await admin.locator('[data-testid=account]').innerText(), ADMIN.displayName);
  await admin.click('nav a[href="/console/account"]');
  await captureEverywhere(admin, 'account', 'nav.account', 'zh-CN');

  // A phone whose browser prefers English: English by default. The DSO enrols their own second
  // factor at the first sign-in and sees no user administration.
  const dso = await run.newPage({ viewport: NARROW, locale: 'en-US' });
  // The page's clock, so that the end of a session can be shown without waiting for it.
  await dso.clock.install();
  await dso.goto(`${url}/console/`);
  await expectHeading(dso, text.en['login.title'], 'login.title in en');
  await dso.fill('input[name=userName]', 'dora.dso');
  await dso.fill('input[name=password]', STAFF_PASSWORD);
  await dso.click('[data-testid=login-form] button[type=submit]');
  const dsoSecretElement = dso.locator('[data-testid=totp-secret]');
  await dsoSecretElement.waitFor();
  await expectHeading(dso, text.en['enrol.title'], 'enrol.title in en');
  await dso.fill('input[name=code]', await totp((await dsoSecretElement.getAttribute('data-secret'))!));
  await dso.click('[data-testid=enrol-form] button[type=submit]');
  await dso.locator('[data-testid=welcome]').waitFor();
  assert.match(await dso.locator('.facts').innerText(), new RegExp(text.en['role.dso']));
  await dso.click('.menu-button');
  assert.deepEqual(await dso.locator('nav a').allInnerTexts(), [text.en['nav.home'], text.en['nav.studies'], text.en['nav.requests'], text.en['nav.approvals'], text.en['nav.breakGlassReviews'], text.en['nav.exports'], text.en['nav.account'], text.en['nav.audit']]);
  await dso.goto(`${url}/console/users`);
  await dso.locator('.notice').waitFor();
  assert.equal(await dso.locator('.notice').innerText(), text.en['page.notAllowed']);
  await captureEverywhere(dso, 'not-allowed', 'nav.users', 'en');

  // A clinician needs no second factor: the password the administrator set, then one of their own.
  await dso.locator('header button', { hasText: text.en['session.logout'] }).click();
  await dso.fill('input[name=userName]', 'li.wei');
  await dso.fill('input[name=password]', SET_BY_ADMIN);
  await dso.click('[data-testid=login-form] button[type=submit]');
  await expectHeading(dso, text.en['password.requiredTitle'], 'password.requiredTitle in en');
  await captureEverywhere(dso, 'password-required', 'password.requiredTitle', 'en');
  await dso.fill('input[name=currentPassword]', SET_BY_ADMIN);
  await dso.fill('input[name=newPassword]', CHOSEN);
  await dso.fill('input[name=newPasswordConfirm]', CHOSEN);
  await dso.click('[data-testid=password-form] button[type=submit]');
  await dso.locator('[data-testid=welcome]').waitFor();
  assert.equal(await dso.locator('[data-testid=welcome]').innerText(), text.en['home.welcome']!.replace('{name}', '李伟'));
  // When the session's time is up, the console says so and asks to sign in again.
  await dso.clock.fastForward('15:01');
  await expectHeading(dso, text.en['login.title'], 'login.title after the session ended');
  assert.equal(await dso.locator('p[role=status]').innerText(), text.en['session.expired']);

  // The administrator resets the DSO's second factor: they enrol a new one at their next sign-in.
  await admin.click('nav a[href="/console/users"]');
  const dsoRow = admin.locator('tr[data-user="dora.dso"]');
  await dsoRow.locator('button', { hasText: text['zh-CN']['users.resetMfa'] }).click();
  await dsoRow.locator('button', { hasText: text['zh-CN']['common.yes'] }).click();
  await admin.locator('p[role=status]', { hasText: text['zh-CN']['users.mfaReset']!.replace('{name}', 'dora.dso') }).waitFor();
  const newAdminToken = (await admin.evaluate("JSON.parse(sessionStorage.getItem('medveil.console.session')).token")) as string;
  const after = (await api('/api/users', newAdminToken)).json.users as StoredUser[];
  assert.deepEqual(
    after.filter((user) => user.name === 'dora.dso' || user.name === 'li.wei').map((user) => [user.name, user.mfaEnrolled, user.passwordChangeRequired]),
    [['dora.dso', false, false], ['li.wei', false, false]],
  );

  assert.deepEqual(run.offOrigin, []);
  assert.deepEqual(run.pageErrors, []);
  assert.deepEqual(run.refusals, ['401 POST /api/login']);
  await run.browser.close();
  assert.equal(await run.server.stop(), 0);
});
