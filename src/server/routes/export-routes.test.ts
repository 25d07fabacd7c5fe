import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { packageRoot } from '../../package-root.js';
import { readDicomFile } from '../../dicom/read-dicom-file.js';
import { Tag } from '../../dicom/tag.js';
import { ingestInstance } from '../../gateway/ingest-instance.js';
import { purgeExpired } from '../../gateway/purge-expired.js';
import { frameCodecFor } from '../../pixels/frame-codecs.js';
import { readFrames } from '../../pixels/read-frames.js';
import { unfilledPixels } from '../../../test/support/burned-in-text.js';
import { dcmdumpFile } from '../../../test/support/dcmtk.js';
import { medveilAsync } from '../../../test/support/medveil-cli.js';
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
let vera: Person;

/** An annotation vendor: the basic profile, downloaded by its account `vera`. */
const VENDOR = { id: 'acme-annotation', name: 'ACME Annotation Ltd', recipeFile: join(packageRoot(), 'recipes', 'basic.yaml'), accounts: ['vera'] };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'export-routes-'));
  t = await testExportApp(join(dir, 'data'), { recipients: [VENDOR], ledger: true });
  for (const n of [1, 2]) {
    const result = await ingestInstance(t.gateway.deps, { kind: 'part10', bytes: await plantedExportInstance(n) }, { actor: { user: 'modality' }, department: 'radiology', via: 'stow-rs' });
    assert.equal(result.outcome, 'stored');
  }
  rhea = await t.signedIn('rhea', ['researcher'], { departments: ['radiology'] });
  olga = await t.signedIn('olga', ['researcher'], { departments: ['radiology'] });
  vera = await t.signedIn('vera', ['researcher'], { departments: ['vendor'] });
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

interface JobView {
  id: string;
  state: string;
  done: number;
  total: number;
  recipient: { id: string; name: string };
  package?: { expiresAt: string; sha256: string; digests: { algorithm: string; value: string }[]; download: string; quarantined: unknown[] };
}

/** Makes an export request of the planted study for `recipient`, has the DSO and the director approve it, and runs its job to its end. */
async function approvedExport(recipient?: string): Promise<JobView> {
  const created = await send(rhea, 'POST', '/api/requests', {
    kind: 'export', scope: { kind: 'studies', studyUids: [PLANTED_STUDY_UID] }, purpose: 'research', justification: 'ethics board approval 2025-17',
    ...(recipient === undefined ? {} : { recipient }),
  });
  assert.equal(created.statusCode, 201, created.body);
  const requestId = created.json<{ id: string; recipient?: string }>().id;
  assert.equal(created.json<{ recipient?: string }>().recipient, recipient ?? 'requester', 'the approvers see who the package is for');
  assert.equal((await send(rhea, 'POST', `/api/requests/${requestId}/export`)).statusCode, 409, 'no export before both approvals');
  for (const approver of [dana, dirk]) {
    const approved = await send(approver, 'POST', `/api/requests/${requestId}/approve`, { totp: await freshCode(approver) });
    assert.equal(approved.statusCode, 200, approved.body);
  }
  assert.equal((await send(olga, 'POST', `/api/requests/${requestId}/export`)).statusCode, 404, 'only the requester starts it');
  const started = await send(rhea, 'POST', `/api/requests/${requestId}/export`);
  assert.equal(started.statusCode, 202, started.body);
  let job = started.json<JobView>();
  for (let i = 0; i < 600 && (job.state === 'queued' || job.state === 'running'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    job = (await send(rhea, 'GET', `/api/exports/${job.id}`)).json();
  }
  assert.equal(job.state, 'finished', JSON.stringify(job));
  return job;
}

/** Unzips a downloaded package into a new folder and returns the folder. */
function unzip(payload: Buffer, name: string): string {
  const zip = join(dir, `${name}.zip`);
  writeFileSync(zip, payload);
  execFileSync('unzip', ['-q', zip, '-d', join(dir, name)]);
  return join(dir, name);
}

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)));
}

test('issue 6 (exports): a package for a vendor is made with its recipe and pseudonyms, and only its account downloads it', async () => {
  const unknown = await send(rhea, 'POST', '/api/requests', { kind: 'export', scope: { kind: 'studies', studyUids: [PLANTED_STUDY_UID] }, purpose: 'research', justification: 'x', recipient: 'nobody' });
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.body, /no export recipient nobody/);
  const access = await send(rhea, 'POST', '/api/requests', { kind: 'full', scope: { kind: 'studies', studyUids: [PLANTED_STUDY_UID] }, purpose: 'research', justification: 'x', recipient: VENDOR.id });
  assert.equal(access.statusCode, 400, 'an access request names no recipient');

  t.events.length = 0;
  const job = await approvedExport(VENDOR.id);
  assert.deepEqual(job.recipient, { id: VENDOR.id, name: VENDOR.name });
  assert.equal((await send(rhea, 'GET', job.package!.download)).statusCode, 403, 'the requester sees the job but the vendor downloads');
  const seen = await send(vera, 'GET', `/api/exports/${job.id}`);
  assert.equal(seen.statusCode, 200, seen.body);
  const download = await send(vera, 'GET', seen.json<JobView>().package!.download);
  assert.equal(download.statusCode, 200, download.body);
  assert.deepEqual(t.events.filter((e) => e.type === 'download').map((e) => e.actor.user), ['vera']);
  assert.ok(t.events.filter((e) => e.type === 'export').every((e) => e.detail?.['recipient'] === VENDOR.id && e.detail?.['recipe'] === 'basic'));

  // The vendor's pseudonyms are its own: the same patient gets the same ID in each of its packages and another in the requester's.
  const second = await approvedExport(VENDOR.id);
  const own = await approvedExport();
  const patientIds = async (person: Person, view: JobView, name: string) => {
    const folder = unzip((await send(person, 'GET', view.package!.download)).rawPayload, name);
    return [...new Set(files(folder).filter((f) => f !== 'DICOMDIR').map((f) => readDicomFile(readFileSync(join(folder, f))).dataset.getString(Tag.PatientID)))];
  };
  const [first, again, requester] = [await patientIds(vera, job, 'vendor-1'), await patientIds(vera, second, 'vendor-2'), await patientIds(rhea, own, 'own')];
  assert.equal(first.length, 1);
  assert.deepEqual(again, first);
  assert.notDeepEqual(requester, first);
  for (const id of [...first, ...requester]) assert.ok(id !== undefined && !id.includes('PID77120931'));
});

test('issue 6 (exports): downloading an unfinished export answers 409, with the job state', async () => {
  const job = await t.jobs.create({ id: 'ab'.repeat(16), requestId: 'r-unfinished', requester: 'rhea', recipient: 'requester' }, t.accounts.now());
  const answer = await send(rhea, 'GET', `/api/exports/${job.id}/download?link=${'A'.repeat(43)}`);
  assert.equal(answer.statusCode, 409, answer.body);
  assert.match(answer.body, /queued/);
});

test('issue 6 acceptance 4 (exports): an approved export is de-identified, pixel-cleaned, sealed, downloaded by its recipient through its link, audited, and at 72 h + 1 s the package and its key are gone and the ledger verifies', async () => {
  t.events.length = 0;
  const job = await approvedExport();
  const exportId = job.id;
  assert.deepEqual([job.done, job.total, job.package?.quarantined, job.recipient.id], [2, 2, [], 'requester']);
  assert.match(job.package!.download, new RegExp(`^/api/exports/${exportId}/download\\?link=[A-Za-z0-9_-]{43}$`));
  assert.equal((await send(olga, 'GET', `/api/exports/${exportId}`)).statusCode, 404);
  assert.equal((await send(olga, 'GET', job.package!.download)).statusCode, 404, 'the link is bound to the recipient');
  assert.equal((await send(rhea, 'GET', `/api/exports/${exportId}/download`)).statusCode, 404, 'no download without the link');
  assert.equal((await send(rhea, 'GET', `/api/exports/${exportId}/download?link=${'A'.repeat(43)}`)).statusCode, 404, 'nor with a forged one');

  const download = await send(rhea, 'GET', job.package!.download);
  assert.equal(download.statusCode, 200, download.body);
  assert.equal(download.headers['content-type'], 'application/zip');
  const unzipped = unzip(download.rawPayload, 'unzipped');
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
  // At rest every object is sealed, the packages included: no ZIP or DICOM marker in any file of the object folder.
  const objectFiles = files(t.gateway.objectFolder);
  assert.ok(objectFiles.length >= 3, 'the instances and at least this package');
  for (const name of objectFiles) {
    const bytes = readFileSync(join(t.gateway.objectFolder, name));
    assert.equal(bytes.includes(Buffer.from('DICM')) || bytes.includes(Buffer.from('PK\x03\x04', 'latin1')), false, 'the package is stored sealed');
  }
  assert.deepEqual(readdirSync(join(t.gateway.folder, 'exports')), [], 'no working files are left');

  const exports = t.events.filter((e) => e.type === 'export');
  assert.equal(exports.length, 3, 'one per instance and one for the package');
  for (const event of exports) assert.deepEqual([event.actor.user, event.purpose, event.outcome, event.detail?.['recipient']], ['rhea', 'HRESCH', 'success', 'requester']);
  const downloads = t.events.filter((e) => e.type === 'download');
  assert.deepEqual(downloads.map((e) => [e.actor.user, e.outcome, e.digests]), [['rhea', 'success', job.package!.digests]]);
  assert.equal(job.package!.digests[0]!.value, job.package!.sha256);

  const expiresAt = Date.parse(job.package!.expiresAt);
  t.accounts.setNow(expiresAt + 1000);
  const report = await purgeExpired({ retention: t.retention, dataDir: t.gateway.folder, objects: t.gateway.objects, dataKeys: t.gateway.dataKeys, audit: t.audit }, t.accounts.now(), { trigger: 'job' });
  const packageItem = report.purged.find((item) => item.kind === 'export-package');
  assert.ok(packageItem?.blobKey !== undefined && packageItem.dataKeyId !== undefined);
  assert.equal(await t.gateway.objects.has(packageItem.blobKey), false, 'the package is gone');
  assert.equal((await t.gateway.dataKeys.lookup(packageItem.dataKeyId))?.state, 'destroyed', 'and its key');
  const purgeEvents = t.events.filter((e) => e.type === 'purge');
  assert.equal(purgeEvents.length, 1);
  assert.match(purgeEvents[0]!.detail?.['dataKeys'] ?? '', new RegExp(packageItem.dataKeyId));
  const login = await t.app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'rhea', password: REQUEST_TEST_PASSWORD } });
  assert.equal(login.statusCode, 200, login.body);
  const rheaLater = { authorization: `Bearer ${login.json<{ token: string }>().token}` };
  assert.equal((await send(rheaLater, 'GET', job.package!.download)).statusCode, 410, 'the package expired');

  // The ledger holds every step, the purge included, and verifies with the log's public key.
  await t.ledger!.log.checkpoint();
  const verified = await medveilAsync(['audit', 'verify', '--db', t.ledger!.database, '--key', t.ledger!.publicKeyFile]);
  assert.equal(verified.status, 0, verified.stderr + verified.stdout);
});
