import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CONSOLE_ARTIFACTS, NARROW, WIDE, startConsoleRun } from './support/console-browser.js';
import { enrolIfAsked, nextCode, pageToken, signedInPage, signInOnPage, type ConsolePerson } from './support/console-sign-in.js';
import { startConsoleWitness, tamperWithReceiptProofs } from './support/console-witness.js';
import { PLANTED_STUDY_UID, plantedExportInstance } from './support/planted-export-study.js';
import { cropImage, decodePng, differenceBox, differenceOutside, type PixelBox } from './support/png-pixels.js';

const PASSWORD = 'a lantern by the harbour wall';
const person = (userName: string, roles: string[], departments: string[] = [], directorOf: string[] = []): ConsolePerson => ({ userName, password: PASSWORD, roles, departments, directorOf });
const ADMIN = person('ada.admin', ['admin']);
const TECHNICIAN = person('tao.tech', ['technician'], ['radiology']);
const CLINICIAN = person('li.wei', ['clinician'], ['radiology']);
const DSO = person('dora.dso', ['dso']);
const DIRECTOR = person('zhang.director', ['director'], ['radiology'], ['radiology']);
const AUDITOR = person('audrey.auditor', ['auditor']);
const STUDY_SERIES = `${PLANTED_STUDY_UID}.1`;
const shot = (name: string) => join(CONSOLE_ARTIFACTS, `acceptance-${name}.png`);

/**
 * A full-page screenshot of the viewer once its first frame is decoded, with the image's box and
 * the access band's (the badge, the "Request access" link and the masked note, to the bottom of
 * the study's card). The card is held at `headHeight` pixels (through the CSSOM, which the
 * policy allows): the note goes with the mask, and the fractional height it leaves would move
 * everything below by a fraction of a pixel, which no whole-pixel comparison could line up.
 */
async function viewerSnapshot(page: Page, name: string, headHeight: number) {
  const image = page.locator('[data-testid=viewer-image][data-frame="1"]');
  await image.waitFor();
  await image.evaluate((element) => (element as unknown as { decode(): Promise<void> }).decode());
  await page.locator('.viewer-head').evaluate((element, height) => void ((element as unknown as { style: { height: string } }).style.height = `${height}px`), headHeight);
  const png = decodePng(await page.screenshot({ path: shot(name), fullPage: true }));
  assert.equal((await page.locator('.viewer-head').boundingBox())?.height, headHeight, 'the study card is held at its height');
  const head = await pixelBox(page, '.viewer-head');
  return {
    png,
    image: await pixelBox(page, '[data-testid=viewer-image]'),
    band: { ...head, top: (await pixelBox(page, '.viewer-head .actions')).top },
  };
}

/** An element's box on the page in screenshot pixels (the pages run at device scale 1). */
async function pixelBox(page: Page, selector: string): Promise<PixelBox> {
  const box = await page.locator(selector).boundingBox();
  assert.ok(box !== null, `${selector} is shown`);
  return { left: Math.floor(box.x), top: Math.floor(box.y), right: Math.ceil(box.x + box.width), bottom: Math.ceil(box.y + box.height) };
}

test('issue 7, acceptance 1: bootstrap, users made in the UI, a masked view, a request approved by the DSO and the director, the full view, and the auditor verifying that view in the browser', async (t) => {
  const witness = await startConsoleWitness(t, { suite: 'intl', origin: 'hospital.example/audit', name: 'regulator.example/witness' });
  const run = await startConsoleRun(t, { prepare: (folder) => witness.prepare(folder) });
  const { url, text, expectHeading } = run;
  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  };

  // 1. First run in the browser: the bootstrap code, the administrator, TOTP enrolment.
  const admin = await run.newPage({ viewport: WIDE, locale: 'en-US' });
  await admin.goto(`${url}/console/`);
  await expectHeading(admin, text.en['firstRun.title'], 'the first-run page');
  await admin.fill('input[name=code]', run.bootstrapCode);
  await admin.fill('input[name=userName]', ADMIN.userName);
  await admin.fill('input[name=displayName]', 'Ada');
  await admin.fill('input[name=password]', PASSWORD);
  await admin.fill('input[name=passwordConfirm]', PASSWORD);
  await admin.click('[data-testid=first-run-form] button[type=submit]');
  await enrolIfAsked(admin, ADMIN);
  assert.match(ADMIN.secret ?? '', /^[A-Z2-7]{32}$/, 'the administrator enrolled TOTP on the page');

  // The administrator makes the department and the five accounts on the users page.
  await admin.click('nav a[href="/console/users"]');
  await expectHeading(admin, text.en['nav.users'], 'the users page');
  await admin.fill('[data-testid=department-form] input[name=id]', 'radiology');
  await admin.fill('[data-testid=department-form] input[name=name]', 'Radiology');
  await admin.click('[data-testid=department-form] button[type=submit]');
  await admin.locator('[data-testid=choices-departments] input[value=radiology]').waitFor();
  const form = admin.locator('[data-testid=create-user-form]');
  const staff = [TECHNICIAN, CLINICIAN, DSO, DIRECTOR, AUDITOR];
  for (const member of staff) {
    await form.locator('input[name=userName]').fill(member.userName);
    await form.locator('input[name=displayName]').fill(member.userName);
    await form.locator('input[name=password]').fill(PASSWORD);
    for (const role of member.roles) await form.locator(`input[name=roles][value=${role}]`).check();
    for (const id of member.departments) await form.locator(`input[name=departments][value=${id}]`).check();
    for (const id of member.directorOf) await form.locator(`input[name=directorOf][value=${id}]`).check();
    await form.locator('button[type=submit]').click();
    await admin.locator(`tr[data-user="${member.userName}"]`).waitFor();
  }
  const adminToken = await pageToken(admin);
  const users = (await api('GET', '/api/users', adminToken)).json.users as { name: string; roles: string[]; departments: string[]; directorOf: string[] }[];
  assert.deepEqual(
    staff.map((member) => users.find((user) => user.name === member.userName)).map((user) => user && [user.name, user.roles, user.departments, user.directorOf]),
    staff.map((member) => [member.userName, member.roles, member.departments, member.directorOf]),
  );
  assert.deepEqual((await api('GET', `/api/users/${CLINICIAN.userName}/care`, adminToken)).json.careRelationships, [], 'the clinician has no care relationship');
  await admin.screenshot({ path: shot('users'), fullPage: true });

  // 2. The technician stores the planted study through STOW-RS: it belongs to radiology.
  const technician = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userName: TECHNICIAN.userName, password: PASSWORD }) });
  assert.equal(technician.status, 200);
  const boundary = 'medveil-acceptance';
  const stow = await fetch(`${url}/dicom-web/studies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${((await technician.json()) as { token: string }).token}`, 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`, accept: 'application/dicom+json' },
    body: Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), Buffer.from(await plantedExportInstance(1)), Buffer.from(`\r\n--${boundary}--\r\n`)]),
  });
  assert.equal(stow.status, 200, await stow.clone().text());

  // 3. The clinician, without a care relationship, searches and opens the viewer: masked.
  // The clinician's clock stands still, so that the session countdown in the header reads the same in both screenshots.
  const clinician = await run.newPage({ viewport: WIDE, locale: 'en-US' });
  await clinician.clock.setFixedTime(new Date());
  await clinician.goto(`${url}/console/`);
  await signInOnPage(clinician, CLINICIAN);
  await clinician.click('nav a[href="/console/studies"]');
  await clinician.fill('[data-testid=study-search-form] input[name=modality]', 'US');
  await clinician.click('[data-testid=study-search-form] button[type=submit]');
  const row = clinician.locator(`tr[data-study="${PLANTED_STUDY_UID}"]`);
  await row.locator('[data-access=masked]').waitFor();
  await row.locator('a.open-study').click();
  const badge = clinician.locator('.viewer-head [data-access]');
  await clinician.locator('.viewer-head [data-access=masked]').waitFor();
  assert.equal(await badge.innerText(), text.en['studies.accessMasked']);
  const headHeight = Math.ceil((await clinician.locator('.viewer-head').boundingBox())!.height);
  const maskedView = await viewerSnapshot(clinician, 'viewer-masked', headHeight);

  // 4. "Request access" from the viewer: the requests page with the study filled in.
  await clinician.locator('.viewer-head a.request-access').click();
  await expectHeading(clinician, text.en['nav.requests'], 'the requests page');
  const request = clinician.locator('[data-testid=request-form]');
  assert.equal(await request.locator('input[name=studyUids]').inputValue(), PLANTED_STUDY_UID);
  await request.locator('select[name=purpose]').selectOption('treatment');
  await request.locator('textarea[name=justification]').fill('Multidisciplinary team meeting needs the full images');
  await request.locator('input[name=durationHours]').fill('48');
  await request.locator('button[type=submit]').click();
  const mine = clinician.locator('[data-testid=my-requests] li').first();
  await mine.locator('[data-status=pending]').waitFor();
  const requestId = (await mine.getAttribute('data-request'))!;
  const clinicianToken = await pageToken(clinician);
  const asked = (await api('GET', `/api/requests/${requestId}`, clinicianToken)).json;
  assert.deepEqual([asked.kind, asked.purposeCode, asked.studies], ['full', 'TREAT', [{ studyUid: PLANTED_STUDY_UID, department: 'radiology' }]]);
  await clinician.screenshot({ path: shot('request'), fullPage: true });

  // 5. The DSO (a phone) and the director approve in two browser contexts, each enrolling TOTP at
  // the first sign-in and approving with a fresh code.
  const dso = await signedInPage(run, DSO, { viewport: NARROW, locale: 'en-US' });
  const director = await signedInPage(run, DIRECTOR, { viewport: WIDE, locale: 'zh-CN' });
  assert.notEqual(dso.context(), director.context());
  for (const [page, approver, language] of [[dso, DSO, 'en'], [director, DIRECTOR, 'zh-CN']] as const) {
    await page.goto(`${url}/console/approvals`);
    await expectHeading(page, text[language]['nav.approvals'], `approvals in ${language}`);
    const item = page.locator(`[data-testid=approval-inbox] li[data-request="${requestId}"]`);
    assert.equal(await item.locator('[data-testid=content-hash]').innerText(), asked.contentHash);
    await item.locator('button', { hasText: text[language]['approvals.approve'] }).click();
    await page.locator('[data-testid=approval-dialog] input[name=totp]').fill(await nextCode(approver));
    await page.locator('[data-testid=approval-dialog] button[type=submit]').click();
    await page.locator('p[role=status]', { hasText: text[language]['approvals.approved']!.replace('{id}', requestId) }).waitFor();
    await page.screenshot({ path: shot(`approved-${approver.userName}`), fullPage: true });
  }
  const granted = (await api('GET', `/api/requests/${requestId}`, clinicianToken)).json;
  assert.deepEqual([granted.status, granted.approvals.map((approval: { by: string }) => approval.by)], ['granted', [DSO.userName, DIRECTOR.userName]]);

  // 6. The clinician reloads the viewer: full.
  await clinician.goBack();
  await clinician.reload();
  await clinician.locator('.viewer-head [data-access=full]').waitFor();
  assert.equal(await badge.innerText(), text.en['studies.accessFull']);
  const fullView = await viewerSnapshot(clinician, 'viewer-full', headHeight);

  // "The screenshots differ exactly in the masked regions": a masked view's frame is mosaicked as
  // a whole (and its burned-in band filled), so the masked region is the whole image. The two
  // full-page screenshots must differ inside the image, and nowhere else but in the band that
  // says what the server decided: the badge, the "Request access" link beside it and the note.
  const { png: masked, image: imageBox, band } = maskedView;
  assert.deepEqual([fullView.image, fullView.band], [imageBox, band], 'the image and the band sit in the same place');
  assert.deepEqual([masked.width, masked.height], [fullView.png.width, fullView.png.height]);
  assert.equal(differenceOutside(masked, fullView.png, [imageBox, band]), undefined, 'the screenshots are the same outside the image and the badge');
  const inImage = differenceBox(cropImage(masked, imageBox), cropImage(fullView.png, imageBox));
  const inBand = differenceBox(cropImage(masked, band), cropImage(fullView.png, band));
  assert.ok(inImage !== undefined && inBand !== undefined, 'the image and the badge both change');
  // The image differs nearly all over, not in a corner: the mosaic covers the whole frame.
  const area = (box: PixelBox) => (box.right - box.left) * (box.bottom - box.top);
  assert.ok(area(inImage) > 0.9 * area(imageBox), `the image differs in ${JSON.stringify(inImage)} only, of ${JSON.stringify(imageBox)}`);

  // 7. The auditor finds that view in the trail, verifies it in the browser, then sees a tampered proof fail.
  const auditor = await signedInPage(run, AUDITOR, { viewport: WIDE, locale: 'en-US' });
  await auditor.click('nav a[href="/console/audit"]');
  await expectHeading(auditor, text.en['nav.audit'], 'the audit page');
  const filter = auditor.locator('[data-testid=audit-filter-form]');
  await filter.locator('input[name=user]').fill(CLINICIAN.userName);
  await filter.locator('input[name=study]').fill(PLANTED_STUDY_UID);
  await filter.locator('select[name=type]').selectOption('view');
  const auditorToken = await pageToken(auditor);
  type ViewEvent = { index: number; detail: Record<string, string> };
  const views = (await api('GET', `/api/audit/events?user=${CLINICIAN.userName}&type=view&study=${PLANTED_STUDY_UID}`, auditorToken)).json.events as ViewEvent[];
  // The newest view of the study is the full one the grant gave.
  assert.deepEqual(views[0] && [views[0].detail.effect, views[0].detail.grant], ['full', granted.grant.id]);
  await filter.locator('button[type=submit]').click();
  const rows = auditor.locator('[data-testid=audit-table] tbody tr');
  await auditor.locator(`[data-testid=audit-table] tbody tr[data-index="${views[0]!.index}"]`).waitFor();
  await rows.nth(views.length).waitFor({ state: 'detached' });
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-index')))), views.map((event) => event.index).slice(0, 20));
  assert.deepEqual(new Set(await rows.locator('td:nth-child(3)').allInnerTexts()), new Set(['view']));
  assert.deepEqual(new Set(await rows.locator('td:nth-child(5)').allInnerTexts()), new Set([CLINICIAN.userName]));
  const newest = views[0]!.index;
  await rows.first().locator('button').click();
  const detail = auditor.locator('[data-testid=audit-event]');
  await detail.locator('h2', { hasText: `#${newest}` }).waitFor();
  const facts = await detail.locator('dl').first().innerText();
  assert.match(facts, new RegExp(`view[\\s\\S]*${CLINICIAN.userName}[\\s\\S]*clinician`));
  assert.ok([PLANTED_STUDY_UID, STUDY_SERIES, 'full', granted.grant.id].every((fact) => facts.includes(fact)), `the event names the study, the series, the full view and the grant:\n${facts}`);
  await detail.locator('[data-testid=audit-verify]').click();
  const report = detail.locator('[data-testid=audit-verification]');
  await report.waitFor();
  assert.equal(await report.getAttribute('data-ok'), 'true', await report.innerText());
  assert.equal(await report.locator('[data-testid=audit-inclusion]').getAttribute('data-status'), 'ok');
  assert.deepEqual(await report.locator('[data-testid=audit-log-signature]').evaluateAll((items) => items.map((item) => item.getAttribute('data-status'))), ['ok']);
  const witnessLine = report.locator('[data-testid=audit-witness]');
  assert.equal(await witnessLine.getAttribute('data-status'), 'ok');
  assert.ok((await witnessLine.innerText()).includes(witness.name));
  assert.equal(await report.locator('[data-testid=audit-verdict]').innerText(), text.en['audit.verified']);
  const proved = (await api('GET', `/api/audit/events/${newest}`, auditorToken)).json as { checkpoint: { size: number; cosignedBy: { witness: string }[] } };
  assert.deepEqual(proved.checkpoint.cosignedBy.map((c) => c.witness), [witness.name]);
  assert.ok(((await witness.store.latest(witness.origin))?.size ?? 0) >= proved.checkpoint.size, 'the witness holds the checkpoint it cosigned');
  await auditor.screenshot({ path: shot('audit-verified'), fullPage: true });

  // One hash of the inclusion proof altered on the way to the browser: Verify fails, and says where.
  await tamperWithReceiptProofs(auditor);
  await detail.locator('[data-testid=audit-verify]').click();
  await report.and(auditor.locator('[data-ok=false]')).waitFor();
  assert.equal(await report.locator('[data-testid=audit-inclusion]').getAttribute('data-status'), 'failed');
  assert.equal(await report.locator('[data-testid=audit-verdict]').innerText(), text.en['audit.verifyFailed']!.replace('{reason}', "inclusion proof: the calculated root does not match the checkpoint's root"));
  await auditor.screenshot({ path: shot('audit-tampered'), fullPage: true });

  assert.deepEqual(run.offOrigin, []);
  assert.deepEqual(run.pageErrors, []);
  assert.deepEqual(run.refusals, []);
  await run.browser.close();
  assert.equal(await run.server.stop(), 0);
});

