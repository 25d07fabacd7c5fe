import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { generate } from 'otplib';
import type { Page, Response } from 'playwright-core';
import { patientReference } from '../src/access/patient-reference.js';
import { readKeyFile } from '../src/crypto/key-file.js';
import { Tag } from '../src/dicom/tag.js';
import { encodeDicomFile } from '../src/dicom/write-dicom-file.js';
import { multipartBody } from '../src/dicomweb/multipart-related-writer.js';
import { PATIENT_REFERENCE_KEY_FILE, serverKeyFiles } from '../src/server/server-keys.js';
import { burnedInTextFile, frameSamples, burnedInTextGeometry, renderBurnedInText } from './support/burned-in-text.js';
import { CONSOLE_ARTIFACTS, WIDE, startConsoleRun } from './support/console-browser.js';

const PASSWORD = 'a lantern by the harbour wall';
const STUDY = '1.2.826.0.1.3680043.10.999.7';
const MULTI = { series: `${STUDY}.1`, instance: `${STUDY}.1.1` };
const SINGLE = { series: `${STUDY}.2`, instance: `${STUDY}.2.1` };
/** Planted in the header and burned into the pixels; a masked viewer's page must receive none of them. */
const NAME = 'KOWALCZYK^WIESLAWA';
const PATIENT_ID = 'PID77120931';
const ACCESSION = 'ACC55190';
const FRAMES = 3;

/** A planted ultrasound study: a three-frame instance (series 1) and a one-frame instance (series 2). */
async function plantedStudy(): Promise<{ files: Uint8Array[]; originalRows: Uint8Array[] }> {
  const image = (n: number) =>
    renderBurnedInText({ width: 320, height: 240, bits: 8, background: { kind: 'anatomy-like', seed: n, level: 0.35 }, texts: [{ text: `KOWALCZYK ${PATIENT_ID} F${n}`, x: 12, y: 10, size: 20 }] });
  const images = [1, 2, 3].map(image);
  const originalRows: Uint8Array[] = [];
  const files: Uint8Array[] = [];
  for (const [at, frames] of [[MULTI, images], [SINGLE, [image(4)]]] as const) {
    const file = await burnedInTextFile(frames, { modality: 'US' });
    file.dataset.setString(Tag.PatientName, NAME);
    file.dataset.setString(Tag.PatientID, PATIENT_ID);
    file.dataset.setString(Tag.AccessionNumber, ACCESSION);
    file.dataset.setString(Tag.StudyInstanceUID, STUDY);
    file.dataset.setString(Tag.SeriesInstanceUID, at.series);
    file.dataset.setString(Tag.SeriesNumber, at === MULTI ? '1' : '2');
    file.dataset.setString(Tag.SOPInstanceUID, at.instance);
    file.meta.setString(Tag.MediaStorageSOPInstanceUID, at.instance);
    files.push(encodeDicomFile(file));
    // A row of each frame's original samples, in the middle of the image (below the text).
    const geometry = burnedInTextGeometry(frames[0]!, { modality: 'US' });
    for (const frame of frames) originalRows.push(frameSamples(frame, geometry).slice(160 * 320, 161 * 320));
  }
  return { files, originalRows };
}

test('the studies page and the viewer in Chromium: a masked clinician gets masked images and no PHI, then full images after a care relationship', async (t) => {
  const run = await startConsoleRun(t);
  const { url, text, captureEverywhere } = run;
  const call = async (method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url + path, {
      method,
      headers: { ...(body === undefined || body instanceof Uint8Array ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
      ...(body === undefined ? {} : { body: body instanceof Uint8Array ? body : JSON.stringify(body) }),
    });
    return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()) };
  };
  const json = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;

  // Accounts through the API: the administrator (with a second factor), a technician and a clinician of radiology.
  assert.equal((await call('POST', '/api/bootstrap', { code: run.bootstrapCode, userName: 'ada.admin', password: PASSWORD })).status, 201);
  const first = json((await call('POST', '/api/login', { userName: 'ada.admin', password: PASSWORD })).bytes);
  const enrolment = json((await call('POST', '/api/me/totp', undefined, first.token as string)).bytes);
  const admin = json((await call('POST', '/api/me/totp/confirm', { code: await generate({ secret: enrolment.secret as string }) }, first.token as string)).bytes).token as string;
  assert.equal((await call('POST', '/api/departments', { id: 'radiology' }, admin)).status, 201);
  for (const [userName, role] of [['tess.tech', 'technician'], ['li.wei', 'clinician']]) {
    assert.equal((await call('POST', '/api/users', { userName, password: PASSWORD, roles: [role], departments: ['radiology'] }, admin)).status, 201);
  }
  const technician = json((await call('POST', '/api/login', { userName: 'tess.tech', password: PASSWORD })).bytes).token as string;

  // The technician stores the study through STOW-RS: it belongs to radiology.
  const { files, originalRows } = await plantedStudy();
  const boundary = 'console-studies-boundary';
  const body = Buffer.concat(multipartBody(boundary, files.map((file) => ({ contentType: 'application/dicom', content: [file] }))));
  const stored = await call('POST', '/dicom-web/studies', new Uint8Array(body), technician, { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`, accept: 'application/dicom+json' });
  assert.equal(stored.status, 200, Buffer.from(stored.bytes).toString('utf8'));

  // The clinician signs in; every answer their page receives is kept.
  const page = await run.newPage({ viewport: WIDE, locale: 'en-US' });
  const received: { url: string; body: Buffer }[] = [];
  const pending: Promise<void>[] = [];
  page.on('response', (response: Response) => {
    pending.push(response.body().then((bytes) => void received.push({ url: response.url(), body: bytes }), () => undefined));
  });
  await page.goto(`${url}/console/`);
  await page.fill('input[name=userName]', 'li.wei');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('[data-testid=login-form] button[type=submit]');
  await page.locator('[data-testid=welcome]').waitFor();
  await page.click('nav a[href="/console/studies"]');
  await run.expectHeading(page, text.en['nav.studies'], 'the studies page');

  // A search by name leaves the masked study out (it cannot be matched on what the mask hides); by modality it is found.
  await page.fill('[data-testid=study-search-form] input[name=patientName]', 'KOWAL');
  await page.click('[data-testid=study-search-form] button[type=submit]');
  await page.locator('[data-testid=no-studies]').waitFor();
  await page.fill('[data-testid=study-search-form] input[name=patientName]', '');
  await page.fill('[data-testid=study-search-form] input[name=modality]', 'us');
  await page.click('[data-testid=study-search-form] button[type=submit]');
  const row = page.locator(`tr[data-study="${STUDY}"]`);
  await row.locator('[data-access=masked]').waitFor();
  assert.equal(await row.locator('[data-access]').innerText(), text.en['studies.accessMasked']);
  assert.equal(await row.locator('a.request-access').getAttribute('href'), `/console/requests?study=${STUDY}`);
  assert.ok(!(await row.innerText()).includes('KOWALCZYK'), 'the masked row shows no name');
  await captureEverywhere(page, 'studies', 'nav.studies', 'en');

  // The viewer: series, the multi-frame instance's first frame, masked.
  await row.locator('a.open-study').click();
  await page.locator('[data-testid=viewer-study-uid]', { hasText: STUDY }).waitFor();
  assert.equal(await page.locator('.viewer-head [data-access]').innerText(), text.en['studies.accessMasked']);
  assert.equal(await page.locator('[data-testid=series-list] button').count(), 2);
  const frameResponse = (frame: number, window?: string) => (response: Response) =>
    response.url().includes(`/instances/${MULTI.instance}/frames/${frame}/rendered`) && (window === undefined ? !response.url().includes('window=') : response.url().endsWith(`window=${encodeURIComponent(window)}`));
  const image = page.locator('[data-testid=viewer-image]');
  await page.locator('[data-testid=viewer-image][data-frame="1"]').waitFor();
  const maskedShot = await image.screenshot({ path: join(CONSOLE_ARTIFACTS, 'viewer-masked-frame1.png') });
  await captureEverywhere(page, 'viewer', 'nav.studies', 'en');

  // Window/level is the server's: a preset asks for the frame again with window=.
  const windowed = page.waitForResponse(frameResponse(1, '128,64'));
  await page.selectOption('[data-testid=window-preset]', 'contrast');
  assert.equal((await windowed).status(), 200);
  await page.locator('[data-testid=viewer-image][data-window="128,64"]').waitFor();
  assert.notDeepEqual(await image.screenshot(), maskedShot, 'the narrower window changes the image');
  // Typed values too.
  const typed = page.waitForResponse(frameResponse(1, '100,200'));
  await page.fill('[data-testid=window-form] input[name=center]', '100');
  await page.fill('[data-testid=window-form] input[name=width]', '200');
  await page.click('[data-testid=window-form] button[type=submit]');
  assert.equal((await typed).status(), 200);
  // A width under 1 is refused on the page, in the reader's language, and asks nothing.
  await page.fill('[data-testid=window-form] input[name=width]', '0');
  await page.click('[data-testid=window-form] button[type=submit]');
  assert.equal(await page.locator('.frame-view p[role=alert]').innerText(), text.en['viewer.badWindow']);
  assert.equal(await image.getAttribute('data-window'), '100,200');
  // A drag to the right across the image widens the window, asked for when the button is let go.
  const box = (await image.boundingBox())!;
  const dragged = page.waitForResponse((response) => response.url().includes(`/instances/${MULTI.instance}/frames/1/rendered?window=`) && !response.url().endsWith(encodeURIComponent('100,200')));
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  const [center, width] = decodeURIComponent(new URL((await dragged).url()).searchParams.get('window')!).split(',').map(Number);
  assert.deepEqual([center, width! > 200], [100, true], 'sideways changes the width only, from the window shown');
  await page.selectOption('[data-testid=window-preset]', 'default');
  await page.locator('[data-testid=viewer-image][data-window=""]').waitFor();

  // Frame scrolling: the next button asks for frame 2, the wheel over the image for frame 3.
  const second = page.waitForResponse(frameResponse(2));
  await page.click('[data-testid=frame-next]');
  assert.equal((await second).status(), 200);
  await page.locator('[data-testid=viewer-image][data-frame="2"]').waitFor();
  assert.equal(await page.locator('[data-testid=frame-number]').innerText(), text.en['viewer.frameOf']!.replace('{frame}', '2').replace('{frames}', String(FRAMES)));
  const third = page.waitForResponse(frameResponse(3));
  await image.hover();
  await page.mouse.wheel(0, 120);
  assert.equal((await third).status(), 200);
  await page.locator('[data-testid=viewer-image][data-frame="3"]').waitFor();
  // Zoom scales the image shown (its width attribute): it fits the panel at its own size, so one step up is 150 %.
  await page.click('[data-testid=zoom-in]');
  assert.deepEqual([await page.locator('[data-testid=zoom-level]').innerText(), await image.getAttribute('width')], ['150%', '480']);
  await page.click('[data-testid=zoom-out]');
  assert.deepEqual([await page.locator('[data-testid=zoom-level]').innerText(), await image.getAttribute('width')], ['100%', '320']);

  // What the masked clinician's page received: no name, ID or accession number, no original pixels.
  await Promise.all(pending);
  const maskedBodies = [...received];
  assert.ok(maskedBodies.some((item) => item.url.includes('/rendered')), 'the page fetched rendered frames');
  for (const { url: where, body: bytes } of maskedBodies) {
    for (const token of ['KOWALCZYK', 'WIESLAWA', PATIENT_ID, ACCESSION]) assert.ok(!bytes.includes(token), `${where} holds ${token}`);
    for (const rowBytes of originalRows) assert.ok(!bytes.includes(Buffer.from(rowBytes)), `${where} holds a row of original pixels`);
  }

  // The administrator gives the clinician a care relationship with the patient: now the same page shows the study in full.
  const key = readKeyFile(serverKeyFiles(join(run.folder, 'medveil-data')).patientReference, PATIENT_REFERENCE_KEY_FILE).key;
  const patientRef = patientReference(key, { patientId: PATIENT_ID })!;
  assert.equal((await call('PUT', `/api/users/li.wei/care/${patientRef}`, undefined, admin)).status, 201);
  await page.reload();
  await page.locator('.viewer-head [data-access=full]').waitFor();
  assert.equal(await page.locator('.viewer-head [data-access]').innerText(), text.en['studies.accessFull']);
  await page.locator('[data-testid=viewer-image][data-frame="1"]').waitFor();
  const fullShot = await image.screenshot({ path: join(CONSOLE_ARTIFACTS, 'viewer-full-frame1.png') });
  assert.notDeepEqual(fullShot, maskedShot, 'the full image differs from the masked one');
  await page.click('text=' + text.en['viewer.back']);
  await page.locator(`tr[data-study="${STUDY}"] [data-access=full]`).waitFor();
  assert.ok((await page.locator(`tr[data-study="${STUDY}"]`).innerText()).includes('KOWALCZYK'), 'the full row shows the name');

  // The full rendering of each frame never reached the page while it was masked.
  const clinician = (await page.evaluate("JSON.parse(sessionStorage.getItem('medveil.console.session')).token")) as string;
  for (let frame = 1; frame <= FRAMES; frame++) {
    const full = await call('GET', `/dicom-web/studies/${STUDY}/series/${MULTI.series}/instances/${MULTI.instance}/frames/${frame}/rendered`, undefined, clinician, { accept: 'image/png' });
    assert.equal(full.status, 200);
    for (const { url: where, body: bytes } of maskedBodies) assert.ok(!bytes.includes(Buffer.from(full.bytes)), `${where} is the full frame ${frame}`);
  }

  // An address that names no study says so.
  await page.goto(`${url}/console/studies/not-a-uid`);
  await page.locator('p[role=alert]', { hasText: text.en['studies.badUid'] }).waitFor();

  assert.deepEqual(run.offOrigin, []);
  assert.deepEqual(run.pageErrors, []);
  assert.deepEqual(run.refusals, []);
  await run.browser.close();
  assert.equal(await run.server.stop(), 0);
});
