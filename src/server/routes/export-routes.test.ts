import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { readDicomFile } from '../../dicom/read-dicom-file.js';
import { Tag } from '../../dicom/tag.js';
import { ingestInstance } from '../../gateway/ingest-instance.js';
import { purgeExpired } from '../../gateway/purge-expired.js';
import { frameCodecFor } from '../../pixels/frame-codecs.js';
import { readFrames } from '../../pixels/read-frames.js';
import { unfilledPixels } from '../../../test/support/burned-in-text.js';
import { dcmdumpFile } from '../../../test/support/dcmtk.js';
import { PLANTED_STUDY_UID, PLANTED_TOKENS, plantedExportInstance, RULE_BAND_ROWS } from '../../../test/support/planted-export-study.js';
import { REQUEST_TEST_PASSWORD } from '../../../test/support/testing-request-app.js';
import { testExportApp, type TestExportApp } from '../../../test/support/testing-export-app.js';
import { walkDataset } from '../../../test/support/walk-dataset.js';

type Person = { authorization: string; totpSecret?: string };
let dir: string;
let t: TestExportApp;
let rhea: Person;
let dana: Person;
let dirk: Person;
let olga: Person;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'export-routes-'));
  t = await testExportApp(join(dir, 'data'));
  for (const n of [1, 2]) {
    const result = await ingestInstance(t.gateway.deps, { kind: 'part10', bytes: await plantedExportInstance(n) }, { actor: { user: 'modality' }, department: 'radiology', via: 'stow-rs' });
    assert.equal(result.outcome, 'stored');
  }
  rhea = await t.signedIn('rhea', ['researcher'], { departments: ['radiology'] });
  olga = await t.signedIn('olga', ['researcher'], { departments: ['radiology'] });
  dana = await t.signedIn('dana', ['dso'], { totp: true });
  dirk = await t.signedIn('dirk', ['director'], { departments: ['radiology'], directorOf: ['radiology'], totp: true });
});

after(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

async function freshCode(person: Person): Promise<string> {
  t.accounts.setNow(t.accounts.now() + 30_000);
  return t.accounts.code(person.totpSecret!);
}

function send(person: Person, method: 'GET' | 'POST', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: { authorization: person.authorization }, ...(payload === undefined ? {} : { payload }) });
}

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)));
}

test('issue 6 acceptance 4 (exports): an approved export is de-identified, pixel-cleaned, zipped for the requester only, audited, and gone after 72 h', async () => {
  const created = await send(rhea, 'POST', '/api/requests', { kind: 'export', scope: { kind: 'studies', studyUids: [PLANTED_STUDY_UID] }, purpose: 'research', justification: 'ethics board approval 2025-17' });
  assert.equal(created.statusCode, 201, created.body);
  const requestId = created.json<{ id: string }>().id;
  const early = await send(rhea, 'POST', `/api/requests/${requestId}/export`);
  assert.equal(early.statusCode, 409, 'no export before both approvals');
  for (const approver of [dana, dirk]) {
    const approved = await send(approver, 'POST', `/api/requests/${requestId}/approve`, { totp: await freshCode(approver) });
    assert.equal(approved.statusCode, 200, approved.body);
  }
  assert.equal((await send(olga, 'POST', `/api/requests/${requestId}/export`)).statusCode, 404, 'only the requester starts it');

  t.events.length = 0;
  const started = await send(rhea, 'POST', `/api/requests/${requestId}/export`);
  assert.equal(started.statusCode, 202, started.body);
  const exportId = started.json<{ id: string }>().id;
  let job = started.json<{ state: string; done: number; total: number; package?: { expiresAt: string; sha256: string; quarantined: unknown[] } }>();
  for (let i = 0; i < 600 && (job.state === 'queued' || job.state === 'running'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    job = (await send(rhea, 'GET', `/api/exports/${exportId}`)).json();
  }
  assert.equal(job.state, 'finished', JSON.stringify(job));
  assert.deepEqual([job.done, job.total, job.package?.quarantined], [2, 2, []]);
  assert.equal((await send(olga, 'GET', `/api/exports/${exportId}`)).statusCode, 404);
  assert.equal((await send(olga, 'GET', `/api/exports/${exportId}/download`)).statusCode, 404, 'the recipient is the requester');

  const download = await send(rhea, 'GET', `/api/exports/${exportId}/download`);
  assert.equal(download.statusCode, 200, download.body);
  assert.equal(download.headers['content-type'], 'application/zip');
  const zip = join(dir, 'download.zip');
  writeFileSync(zip, download.rawPayload);
  const unzipped = join(dir, 'unzipped');
  execFileSync('unzip', ['-q', zip, '-d', unzipped]);
  const names = files(unzipped);
  assert.equal(names.length, 3);
  assert.ok(names.includes('DICOMDIR'));
  for (const name of names) {
    for (const token of PLANTED_TOKENS) assert.ok(!name.toUpperCase().includes(token) && !exportId.toUpperCase().includes(token));
    const file = readDicomFile(readFileSync(join(unzipped, name)));
    const dump = dcmdumpFile(join(unzipped, name));
    assert.equal(dump.status, 0, dump.output);
    assert.deepEqual(dump.errors, []);
    for (const token of PLANTED_TOKENS) {
      assert.ok(!dump.output.toUpperCase().includes(token), `${token} in ${name}`);
      walkDataset(file.dataset, (element) => {
        if (element.tag === Tag.PixelData || element.value === undefined) return;
        assert.ok(!Buffer.from(element.value).toString('latin1').toUpperCase().includes(token), `${token} in a header value of ${name}`);
      });
    }
    if (name === 'DICOMDIR') continue;
    const { transferSyntaxUid, geometry, frames } = readFrames(file);
    const frame = await frameCodecFor(transferSyntaxUid).decode(frames[0]!, geometry);
    assert.equal(unfilledPixels(frame, { left: 0, top: 0, width: geometry.columns, height: RULE_BAND_ROWS }), 0, 'the rule band is filled');
  }

  const exports = t.events.filter((e) => e.type === 'export');
  assert.equal(exports.length, 3, 'one per instance and one for the package');
  for (const event of exports) assert.deepEqual([event.actor.user, event.purpose, event.outcome], ['rhea', 'HRESCH', 'success']);
  const downloads = t.events.filter((e) => e.type === 'download');
  assert.deepEqual(downloads.map((e) => [e.actor.user, e.outcome, e.digests?.[0]?.value]), [['rhea', 'success', job.package!.sha256]]);

  const expiresAt = Date.parse(job.package!.expiresAt);
  t.accounts.setNow(expiresAt + 1000);
  const report = await purgeExpired({ retention: t.retention, dataDir: t.gateway.folder, objects: t.gateway.objects, dataKeys: { destroy: async () => false }, audit: { append: async (e) => ({ index: t.events.push(e) - 1 }) } }, t.accounts.now(), { trigger: 'job' });
  assert.equal(report.purged.length, 1);
  assert.equal(existsSync(join(t.gateway.folder, 'exports', exportId)), false);
  const login = await t.app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'rhea', password: REQUEST_TEST_PASSWORD } });
  assert.equal(login.statusCode, 200, login.body);
  const rheaLater = { authorization: `Bearer ${login.json<{ token: string }>().token}` };
  assert.equal((await send(rheaLater, 'GET', `/api/exports/${exportId}/download`)).statusCode, 410, 'the package expired');
});
