import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { newExportId } from '../../gateway/run-export.js';
import { packageRoot } from '../../package-root.js';
import { SqliteExportJobStore } from '../../storage/adapters/sqlite-export-job-store.js';
import { testExportApp, type TestExportApp } from '../../../test/support/testing-export-app.js';

type Person = { authorization: string };
interface JobView {
  id: string;
  requestId: string;
  state: string;
  done: number;
  total: number;
  createdAt: string;
  failure?: string;
  package?: { bytes: number; sha256: string; expiresAt: string; instances: number; quarantined: unknown[] };
}

let dir: string;
let t: TestExportApp;
/** A second connection to the app's exports.sqlite: jobs in every state without running exports. */
let jobs: SqliteExportJobStore;
let rhea: Person;
let olga: Person;
let nobody: Person;
const rheaJobs: string[] = [];
const olgaJobs: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'export-list-route-'));
  t = await testExportApp(join(dir, 'data'), { recipients: [{ id: 'acme', name: 'ACME', recipeFile: join(packageRoot(), 'recipes', 'basic.yaml'), accounts: ['vera'] }] });
  jobs = new SqliteExportJobStore(join(t.gateway.folder, 'exports.sqlite'));
  rhea = await t.signedIn('rhea', ['researcher'], { departments: ['radiology'] });
  olga = await t.signedIn('olga', ['researcher'], { departments: ['radiology'] });
  nobody = await t.signedIn('nobody', ['researcher'], { departments: ['radiology'] });
  const at = t.accounts.now();
  // Interleaved, so that neither person's jobs form a block; the last two share a millisecond.
  const plan: Array<[string, number]> = [['rhea', at - 5000], ['olga', at - 4000], ['rhea', at - 3000], ['olga', at - 2000], ['rhea', at - 1000], ['rhea', at - 1000]];
  for (const [requester, createdAt] of plan) {
    const job = await jobs.create({ id: newExportId(), requestId: randomUUID(), requester, recipient: 'requester' }, createdAt);
    (requester === 'rhea' ? rheaJobs : olgaJobs).push(job.id);
  }
  await jobs.progress(rheaJobs[0]!, 2, 2, at - 4500);
  await jobs.finish(rheaJobs[0]!, { blobKey: `export-package/${rheaJobs[0]}`, dataKeyId: 'cd'.repeat(16), zipBytes: 1234, zipSha256: 'ab'.repeat(32), digests: [{ algorithm: 'sha256', value: 'ab'.repeat(32) }], retentionId: 'r1', expiresAt: at + 72 * 3_600_000, instances: 2, quarantined: [{ ordinal: 3, reason: 'dicom-parse: not DICOM' }] }, at - 4400);
  await jobs.fail(rheaJobs[1]!, 'no instance of the export could be de-identified, so there is no package', at - 2500);
  await jobs.progress(olgaJobs[1]!, 1, 4, at - 1500);
});

after(async () => {
  await jobs.close();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

function list(person: Person, query = '') {
  return t.app.inject({ method: 'GET', url: `/api/exports${query}`, headers: { authorization: person.authorization } });
}

test('GET /api/exports lists only the caller\'s own jobs, newest first, each as GET /api/exports/{id} shows it', async () => {
  const answer = await list(rhea);
  assert.equal(answer.statusCode, 200, answer.body);
  const { exports } = answer.json<{ exports: JobView[] }>();
  assert.deepEqual(exports.map((job) => job.id), [...rheaJobs].reverse());
  for (const job of exports) assert.ok(!olgaJobs.includes(job.id));
  for (const job of exports) {
    const one = await t.app.inject({ method: 'GET', url: `/api/exports/${job.id}`, headers: { authorization: rhea.authorization } });
    assert.deepEqual(job, one.json(), 'the list shows each job as its own route does');
  }
  const finished = exports.find((job) => job.id === rheaJobs[0])!;
  assert.deepEqual([finished.state, finished.done, finished.total, finished.package?.sha256, finished.package?.quarantined], ['finished', 2, 2, 'ab'.repeat(32), [{ ordinal: 3, reason: 'dicom-parse: not DICOM' }]]);
  assert.equal(exports.find((job) => job.id === rheaJobs[1])!.state, 'failed');

  const olgas = (await list(olga)).json<{ exports: JobView[] }>().exports;
  assert.deepEqual(olgas.map((job) => [job.id, job.state]), [[olgaJobs[1], 'running'], [olgaJobs[0], 'queued']]);
  assert.deepEqual((await list(nobody)).json(), { exports: [] });
});

test('GET /api/exports?limit=n gives the n newest; a limit outside 1..1000 or not a number is a 400', async () => {
  const two = await list(rhea, '?limit=2');
  assert.equal(two.statusCode, 200, two.body);
  assert.deepEqual(two.json<{ exports: JobView[] }>().exports.map((job) => job.id), [rheaJobs[3], rheaJobs[2]]);
  for (const bad of ['abc', '1.5', '-1', '']) {
    const answer = await list(rhea, `?limit=${bad}`);
    assert.equal(answer.statusCode, 400, `limit=${bad}: ${answer.body}`);
    assert.equal(answer.json<{ error: string }>().error, 'invalid-request');
  }
  for (const bad of ['0', '1001']) {
    const answer = await list(rhea, `?limit=${bad}`);
    assert.equal(answer.statusCode, 400, `limit=${bad}: ${answer.body}`);
    assert.match(answer.json<{ message: string }>().message, new RegExp(`^an export list holds 1 to 1000 jobs, not ${bad}; `));
  }
});

test('GET /api/exports without a session is a 401 and lists nothing', async () => {
  const answer = await t.app.inject({ method: 'GET', url: '/api/exports' });
  assert.equal(answer.statusCode, 401);
  assert.ok(!answer.body.includes(rheaJobs[0]!));
});

test('GET /api/exports shows a recipient\'s accounts the jobs made for it, and nobody else\'s', async () => {
  const vera = await t.signedIn('vera', ['researcher'], { departments: ['vendor'] });
  const forAcme = await jobs.create({ id: newExportId(), requestId: randomUUID(), requester: 'olga', recipient: 'acme' }, t.accounts.now());
  try {
    assert.deepEqual((await list(vera)).json<{ exports: JobView[] }>().exports.map((job) => job.id), [forAcme.id]);
    assert.ok((await list(olga)).json<{ exports: JobView[] }>().exports.some((job) => job.id === forAcme.id), 'and its requester');
    assert.ok(!(await list(rhea)).json<{ exports: JobView[] }>().exports.some((job) => job.id === forAcme.id));
  } finally {
    await jobs.fail(forAcme.id, 'not run in this test', t.accounts.now());
  }
});
