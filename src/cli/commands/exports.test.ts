import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ingestInstance } from '../../gateway/ingest-instance.js';
import Database from 'better-sqlite3';
import { newExportId, packageBlobKey } from '../../gateway/run-export.js';
import { syntheticCorpus } from '../../samples/synthetic-corpus.js';
import { SqliteExportJobStore } from '../../storage/adapters/sqlite-export-job-store.js';
import { medveilAsync } from '../../../test/support/medveil-cli.js';
import { PLANTED_STUDY_UID, plantedExportInstance } from '../../../test/support/planted-export-study.js';
import { ingestCorpus } from '../../../test/support/retrieve-instance-test-gateway.js';
import { REQUEST_TEST_PASSWORD } from '../../../test/support/testing-request-app.js';
import { testExportApp, type TestExportApp } from '../../../test/support/testing-export-app.js';
import type { ExportJobView } from './exports.js';
import { getApiStream } from './request-api-client.js';

type Person = { authorization: string; totpSecret?: string };
const work = mkdtempSync(join(tmpdir(), 'medveil-exports-cli-'));
let t: TestExportApp;
let url: string;
let rhea: Person;
let olga: Person;
let dana: Person;
let dirk: Person;
/** A study whose objects are gone from the object store, so that its export fails at its first instance. */
let brokenStudy: string;
let brokenInstances: number;
/** The export that `start --wait` finished, as the server shows it. */
let finished: ExportJobView;

before(async () => {
  t = await testExportApp(join(work, 'data'));
  for (const n of [1, 2]) {
    const result = await ingestInstance(t.gateway.deps, { kind: 'part10', bytes: await plantedExportInstance(n) }, { actor: { user: 'modality' }, department: 'radiology', via: 'stow-rs' });
    assert.equal(result.outcome, 'stored');
  }
  const [broken] = await ingestCorpus(t.gateway, syntheticCorpus({ patients: 1, imagesPerPatient: 1, imageSize: 16, seed: 'exports-cli' }), ['radiology']);
  brokenStudy = broken!.studyUid;
  brokenInstances = broken!.instances.length;
  for (const { sopInstanceUid } of broken!.instances) {
    const located = await t.gateway.index.getInstance({ studyUid: brokenStudy, sopInstanceUid });
    assert.equal(await t.gateway.objects.delete(located!.instance.blobKey), true);
  }
  rhea = await t.signedIn('rhea', ['researcher'], { departments: ['radiology'] });
  olga = await t.signedIn('olga', ['researcher'], { departments: ['radiology'] });
  dana = await t.signedIn('dana', ['dso'], { totp: true });
  dirk = await t.signedIn('dirk', ['director'], { departments: ['radiology'], directorOf: ['radiology'], totp: true });
  url = await t.app.listen({ host: '127.0.0.1', port: 0 });
});

after(async () => {
  delete process.env.MEDVEIL_TOKEN;
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

/** Runs `medveil` as `person`, whose token goes through MEDVEIL_TOKEN as a person would export it. */
function as(person: Person, args: string[]) {
  process.env.MEDVEIL_TOKEN = person.authorization.replace(/^Bearer /, '');
  return medveilAsync([...args, '--server', url]);
}

function send(person: Person, method: 'GET' | 'POST', path: string, payload?: object) {
  return t.app.inject({ method, url: path, headers: { authorization: person.authorization }, ...(payload === undefined ? {} : { payload }) });
}

/** rhea's export request for `studyUid`, made and (unless `approved` is false) approved by the DSO and the director. */
async function exportRequest(studyUid: string, approved = true): Promise<string> {
  const created = await send(rhea, 'POST', '/api/requests', { kind: 'export', scope: { kind: 'studies', studyUids: [studyUid] }, purpose: 'research', justification: 'ethics board approval 2025-17' });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json<{ id: string }>().id;
  for (const approver of approved ? [dana, dirk] : []) {
    t.accounts.setNow(t.accounts.now() + 30_000);
    const answer = await send(approver, 'POST', `/api/requests/${id}/approve`, { totp: await t.accounts.code(approver.totpSecret!) });
    assert.equal(answer.statusCode, 200, answer.body);
  }
  return id;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
/** The package as the server keeps it (sealed in the object store), opened. */
const packageBytes = async (id: string): Promise<Buffer> => (await t.gateway.objects.get(packageBlobKey(id)))!;

test('medveil exports start --wait follows the job to its end, progress on stderr, and prints the finished job', async () => {
  const unapproved = await exportRequest(PLANTED_STUDY_UID, false);
  const early = await as(rhea, ['exports', 'start', unapproved, '--wait']);
  assert.equal(early.status, 1);
  assert.match(early.stderr, /^medveil: not-granted: the request is pending, not granted\n  next: an export starts once both approvals are in: medveil request show /);

  const requestId = await exportRequest(PLANTED_STUDY_UID);
  const run = await as(rhea, ['exports', 'start', requestId, '--wait']);
  assert.equal(run.status, 0, run.stderr);
  const id = run.stdout.split('  ')[0]!;
  assert.match(id, /^[0-9a-f]{32}$/);
  finished = (await send(rhea, 'GET', `/api/exports/${id}`)).json<ExportJobView>();
  assert.equal(finished.state, 'finished');
  assert.equal(run.stdout, `${id}  ${requestId}  finished  2/2  ${finished.package!.bytes} bytes  sha256 ${finished.package!.sha256}  until ${finished.package!.expiresAt}\n`);
  const progress = run.stderr.split('\n').filter((line) => line !== '');
  assert.ok(progress.every((line) => line.startsWith(`export ${id}: `)), run.stderr);
  assert.equal(progress.at(-1), `export ${id}: finished, 2 of 2 instances`);
});

test('medveil exports start --wait exits non-zero when the job fails, and says why', async () => {
  const requestId = await exportRequest(brokenStudy);
  const run = await as(rhea, ['exports', 'start', requestId, '--wait']);
  assert.equal(run.status, 1);
  const id = run.stdout.split('  ')[0]!;
  assert.match(run.stdout, new RegExp(`^${id}  ${requestId}  failed  0/${brokenInstances}  failed: object \\S+ of an indexed instance is missing\\n$`));
  assert.match(run.stderr, new RegExp(`export ${id}: failed.*\\nmedveil: export ${id} failed: object \\S+ of an indexed instance is missing\\n  next: medveil exports show ${id}`));

  const out = join(work, 'failed.zip');
  const download = await as(rhea, ['exports', 'download', id, '--out', out]);
  assert.equal(download.status, 1);
  assert.match(download.stderr, new RegExp(`^medveil: export ${id} is failed, so it has no package to download\\n  next: start it again: medveil exports start ${requestId}\\n$`));
  assert.equal(existsSync(out), false);
});

test('medveil exports list shows your jobs newest first as a table, and nobody else\'s; show prints one as JSON', async () => {
  const listed = await as(rhea, ['exports', 'list']);
  assert.equal(listed.status, 0, listed.stderr);
  const lines = listed.stdout.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 3, listed.stdout);
  assert.match(lines[0]!, /^EXPORT +REQUEST +STATE +PROGRESS +EXPIRES$/);
  assert.match(lines[1]!, new RegExp(`^[0-9a-f]{32}  [0-9a-f-]{36}  failed    0/${brokenInstances} +-$`));
  assert.equal(lines[2], `${finished.id}  ${finished.requestId}  finished  2/2       ${finished.package!.expiresAt}`);

  const olgas = await as(olga, ['exports', 'list']);
  assert.equal(olgas.status, 0, olgas.stderr);
  assert.equal(olgas.stdout, '');
  assert.match(olgas.stderr, /^no exports yet; start one with medveil exports start <requestId>\n$/);

  const shown = await as(rhea, ['exports', 'show', finished.id]);
  assert.equal(shown.status, 0, shown.stderr);
  assert.deepEqual(JSON.parse(shown.stdout), finished);
});

test('another user\'s export is a 404 for show and download, and nothing is written', async () => {
  const shown = await as(olga, ['exports', 'show', finished.id]);
  assert.equal(shown.status, 1);
  assert.equal(shown.stderr, 'medveil: unknown-export: no such export of yours\n  next: medveil exports list shows your exports\n');
  const out = join(work, 'olga.zip');
  const download = await as(olga, ['exports', 'download', finished.id, '--out', out]);
  assert.equal(download.status, 1);
  assert.match(download.stderr, /^medveil: unknown-export: /);
  assert.deepEqual([existsSync(out), existsSync(`${out}.partial`)], [false, false]);
});

test('medveil exports download writes the package checked against its SHA-256, and refuses to overwrite without --force', async () => {
  const out = join(work, 'package.zip');
  const first = await as(rhea, ['exports', 'download', finished.id, '--out', out]);
  assert.equal(first.status, 0, first.stderr);
  const bytes = readFileSync(out);
  assert.equal(sha256(bytes), finished.package!.sha256);
  assert.deepEqual(bytes, await packageBytes(finished.id));
  assert.equal(first.stdout, `${out}  ${bytes.length} bytes  sha256 ${finished.package!.sha256}\n`);
  assert.equal(existsSync(`${out}.partial`), false);

  writeFileSync(out, 'an earlier file the user keeps');
  const again = await as(rhea, ['exports', 'download', finished.id, '--out', out]);
  assert.equal(again.status, 2);
  assert.equal(again.stderr, `medveil: ${out} exists; the download does not overwrite it\n  next: give another --out, or add --force to replace it\n`);
  assert.equal(readFileSync(out, 'utf8'), 'an earlier file the user keeps');
  assert.equal(existsSync(`${out}.partial`), false);

  const forced = await as(rhea, ['exports', 'download', finished.id, '--out', out, '--force']);
  assert.equal(forced.status, 0, forced.stderr);
  assert.deepEqual(readFileSync(out), bytes);
});

test('a package that does not match the SHA-256 its job records is not kept, and its partial file is removed', async () => {
  // The sealed object cannot be changed unnoticed (the server refuses to open it), so the record is changed instead.
  const served = await packageBytes(finished.id);
  const recorded = join(t.gateway.folder, 'exports.sqlite');
  const setDigest = (value: string) => {
    const db = new Database(recorded);
    db.prepare("UPDATE export_jobs SET package = json_set(package, '$.zipSha256', ?) WHERE id = ?").run(value, finished.id);
    db.close();
  };
  const wrong = 'ab'.repeat(32);
  setDigest(wrong);
  try {
    const out = join(work, 'tampered.zip');
    const run = await as(rhea, ['exports', 'download', finished.id, '--out', out]);
    assert.equal(run.status, 1);
    assert.equal(run.stderr, `medveil: the downloaded package does not match its SHA-256 (expected ${wrong}, got ${sha256(served)}, ${served.length} bytes); nothing was kept\n  next: download it again; if it differs again, the package on the server is damaged: tell your DSO\n`);
    assert.deepEqual([existsSync(out), existsSync(`${out}.partial`)], [false, false]);
  } finally {
    setDigest(finished.package!.sha256);
  }
});

test('a job that has not finished has no package to download; bad ids are usage errors', async () => {
  const jobs = new SqliteExportJobStore(join(t.gateway.folder, 'exports.sqlite'));
  const queued = await jobs.create({ id: newExportId(), requestId: finished.requestId, requester: 'rhea', recipient: 'requester' }, t.accounts.now());
  await jobs.close();
  const out = join(work, 'queued.zip');
  const run = await as(rhea, ['exports', 'download', queued.id, '--out', out]);
  assert.equal(run.status, 1);
  assert.equal(run.stderr, `medveil: export ${queued.id} is queued, so it has no package to download\n  next: wait for it: medveil exports show ${queued.id}\n`);
  assert.equal(existsSync(out), false);

  const badExport = await as(rhea, ['exports', 'show', 'not-an-id']);
  assert.equal(badExport.status, 2);
  assert.equal(badExport.stderr, 'medveil: "not-an-id" is not an export id (32 lowercase hex digits)\n  next: medveil exports list shows your exports\n');
  const badRequest = await as(rhea, ['exports', 'start', '../../api/other']);
  assert.equal(badRequest.status, 2);
  assert.match(badRequest.stderr, /is not a request id \(a UUID\)/);
});

test('the token is sent to the server\'s own origin only, whatever download path a job view names', async () => {
  process.env.MEDVEIL_TOKEN = rhea.authorization.replace(/^Bearer /, '');
  await assert.rejects(getApiStream({ server: url }, 'http://127.0.0.2:9/api/exports/x/download'), /is not its own origin; MedVeil's token goes nowhere else/);
  await assert.rejects(getApiStream({ server: url }, '//127.0.0.2:9/api/exports/x/download'), /is not its own origin/);
});

test('after its expiry the download is a 410 that names the next step, and nothing is written', async () => {
  t.accounts.setNow(Date.parse(finished.package!.expiresAt) + 1000);
  const login = await t.app.inject({ method: 'POST', url: '/api/login', payload: { userName: 'rhea', password: REQUEST_TEST_PASSWORD } });
  assert.equal(login.statusCode, 200, login.body);
  const rheaLater = { authorization: `Bearer ${login.json<{ token: string }>().token}` };
  const out = join(work, 'late.zip');
  const run = await as(rheaLater, ['exports', 'download', finished.id, '--out', out]);
  assert.equal(run.status, 1);
  assert.equal(run.stderr, `medveil: export-expired: the package has expired and was destroyed\n  next: a new export makes a new package while the grant lasts: medveil exports start ${finished.requestId}\n`);
  assert.deepEqual([existsSync(out), existsSync(`${out}.partial`)], [false, false]);
});
