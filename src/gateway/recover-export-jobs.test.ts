import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteExportJobStore } from '../storage/adapters/sqlite-export-job-store.js';
import { openTestGateway, TEST_NOW } from '../../test/support/retrieve-instance-test-gateway.js';
import { INTERRUPTED_EXPORT, recoverExportJobs } from './recover-export-jobs.js';
import { packageBlobKey, packageKeyScope } from './run-export.js';

test('recoverExportJobs() ends the jobs a stopped server left queued or running, destroys what they left, records it, and leaves the others alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'recover-export-'));
  const gateway = await openTestGateway(join(dir, 'data'));
  const jobs = new SqliteExportJobStore(join(dir, 'exports.sqlite'));
  try {
    const [queued, running, failed] = ['a', 'b', 'c'].map((c) => c.repeat(32));
    for (const id of [queued!, running!, failed!]) await jobs.create({ id, requestId: `r-${id.slice(0, 1)}`, requester: 'rhea', recipient: 'requester' }, TEST_NOW);
    await jobs.progress(running!, 1, 3, TEST_NOW + 1);
    await jobs.fail(failed!, 'an earlier failure', TEST_NOW + 2);
    // What the running job had written: its working folder and the start of its package.
    mkdirSync(join(gateway.folder, 'exports', running!, 'staging'), { recursive: true });
    writeFileSync(join(gateway.folder, 'exports', running!, 'staging', 'I0000001'), 'a de-identified instance');
    await gateway.objects.put(packageBlobKey(running!), Buffer.from('the first bytes of a zip'), packageKeyScope(running!));
    const dataKeyId = (await gateway.dataKeys.forScope(packageKeyScope(running!)))!.id;
    gateway.events.length = 0;

    const ended = await recoverExportJobs({ jobs, objects: gateway.objects, audit: gateway.deps.audit, clock: { now: () => TEST_NOW + 10 }, dataDir: gateway.folder });
    assert.deepEqual(ended, [queued, running]);
    for (const id of [queued!, running!]) assert.deepEqual([(await jobs.get(id))?.state, (await jobs.get(id))?.failure], ['failed', INTERRUPTED_EXPORT]);
    assert.equal((await jobs.get(failed!))?.failure, 'an earlier failure');
    assert.equal(existsSync(join(gateway.folder, 'exports', running!)), false);
    assert.equal(await gateway.objects.has(packageBlobKey(running!)), false);
    assert.equal((await gateway.dataKeys.lookup(dataKeyId))?.state, 'destroyed');
    assert.deepEqual(
      gateway.events.map((e) => [e.type, e.outcome, e.actor.user, e.detail?.['exportId'], e.detail?.['state'], e.detail?.['dataKeys']]),
      [['export', 'serious-failure', 'medveil', queued, 'queued', undefined], ['export', 'serious-failure', 'medveil', running, 'running', dataKeyId]],
    );
    assert.deepEqual(await recoverExportJobs({ jobs, objects: gateway.objects, audit: gateway.deps.audit, clock: { now: () => TEST_NOW + 20 }, dataDir: gateway.folder }), [], 'a second start finds nothing');
  } finally {
    await jobs.close();
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
