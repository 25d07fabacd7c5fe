import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import type { Grant } from '../access/grant.js';
import type { AccessRequestRecord } from '../access/requests/access-request.js';
import { frameCodecFor } from '../pixels/frame-codecs.js';
import { readFrames } from '../pixels/read-frames.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { SqliteRetentionStore } from '../storage/adapters/sqlite-retention-store.js';
import { unfilledPixels } from '../../test/support/burned-in-text.js';
import { PLANTED_STUDY_UID, PLANTED_TOKENS, plantedExportInstance, RULE_BAND_ROWS } from '../../test/support/planted-export-study.js';
import { dcmdumpFile } from '../../test/support/dcmtk.js';
import { openTestGateway, TEST_NOW } from '../../test/support/retrieve-instance-test-gateway.js';
import { walkDataset } from '../../test/support/walk-dataset.js';
import { ingestInstance } from './ingest-instance.js';
import { exportRecipientSetups } from './export-recipient.js';
import { type ExportReport, newExportId, runExport, type RunExportDeps } from './run-export.js';

const STUDY = PLANTED_STUDY_UID;
const PLANTED = PLANTED_TOKENS;
const HOUR = 3_600_000;
/** The built-in recipient, as the server sets it up: the research recipe with Clean Pixel Data, its own pseudonyms. */
const REQUESTER = exportRecipientSetups([], randomBytes(32)).get('requester')!;

function exportRequest(grant: Grant): AccessRequestRecord {
  return {
    id: 'req-export-1',
    content: {
      requester: 'rhea', kind: 'export', scope: { kind: 'studies', studyUids: [STUDY] }, studies: [{ studyUid: STUDY, department: 'radiology' }],
      purpose: 'research', justification: 'ethics board approval 2025-17', durationMs: 7 * 24 * HOUR,
    },
    contentHash: 'x'.repeat(64),
    createdAt: TEST_NOW - HOUR,
    status: 'granted',
    approvals: [],
    grant,
  };
}

/** Opens the sealed package from the object store and unzips it into `folder`; its SHA-256 must be the report's. */
async function unzipPackage(gateway: { objects: { get(key: never): Promise<Buffer | undefined> } }, report: ExportReport, folder: string): Promise<void> {
  const zip = await gateway.objects.get(report.blobKey as never);
  assert.ok(zip !== undefined, 'the package is in the object store');
  assert.equal(zip.length, report.zipBytes);
  assert.equal(createHash('sha256').update(zip).digest('hex'), report.zipSha256);
  const path = `${folder}.zip`;
  writeFileSync(path, zip);
  execFileSync('unzip', ['-q', path, '-d', folder]);
}

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)));
}

test('runExport() packages an approved export de-identified, pixels cleaned under the rule, no planted token in any header or name; the purge destroys it after 72 h', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'run-export-'));
  const gateway = await openTestGateway(join(dir, 'data'));
  let now = TEST_NOW;
  const retention = new SqliteRetentionStore(join(gateway.folder, 'retention.sqlite'), { dataDir: gateway.folder, clock: { now: () => now } });
  try {
    for (const n of [1, 2]) {
      const result = await ingestInstance(gateway.deps, { kind: 'part10', bytes: await plantedExportInstance(n) }, { actor: { user: 'modality' }, department: 'radiology', via: 'stow-rs' });
      assert.equal(result.outcome, 'stored');
    }
    await gateway.addUser('rhea', ['researcher'], { departments: ['radiology'] });
    const grant: Grant = {
      id: 'grant-export-1', subjectUserId: 'rhea', scope: { kind: 'studies', studyUids: [STUDY] }, actions: ['export'], effect: 'masked',
      validFrom: TEST_NOW - HOUR, validUntil: TEST_NOW + 24 * HOUR, purpose: 'HRESCH',
    };
    gateway.setGrants(async (user) => (user === 'rhea' ? [grant] : []));
    const who = await gateway.actingUser('rhea');
    gateway.events.length = 0;
    const deps: RunExportDeps = {
      index: gateway.index, objects: gateway.objects, dataKeys: gateway.dataKeys, retention, audit: gateway.deps.audit, clock: { now: () => now }, suite: 'intl',
      dataDir: gateway.folder, recipe: REQUESTER.recipe, pseudonymizer: REQUESTER.pseudonymizer,
    };
    const progress: string[] = [];
    const report = await runExport(deps, { request: exportRequest(grant), who, exportId: newExportId(), onProgress: (done, total) => void progress.push(`${done}/${total}`) });
    assert.equal(report.instances, 2);
    assert.deepEqual(report.quarantined, []);
    assert.deepEqual(progress, ['0/2', '1/2', '2/2']);

    const unzipped = join(dir, 'unzipped');
    await unzipPackage(gateway, report, unzipped);
    const names = files(unzipped).sort();
    assert.ok(names.includes('DICOMDIR'));
    assert.equal(names.length, 3);
    // Nothing is left in the clear: the working folder is gone, and the object on disk is sealed.
    assert.deepEqual(readdirSync(join(gateway.folder, 'exports')), []);
    const objectFiles = files(gateway.objectFolder);
    assert.equal(objectFiles.length, 3, 'two instances and the package');
    for (const name of objectFiles) {
      const sealed = readFileSync(join(gateway.objectFolder, name));
      assert.equal(sealed.includes(Buffer.from('DICM')) || sealed.includes(Buffer.from('PK\x03\x04', 'latin1')), false, 'every object, the package included, is sealed');
    }
    for (const name of [...names, report.blobKey]) {
      for (const token of PLANTED) assert.ok(!name.toUpperCase().includes(token), `${token} in the name ${name}`);
    }
    for (const name of names) {
      const bytes = readFileSync(join(unzipped, name));
      const file = readDicomFile(bytes);
      const dump = dcmdumpFile(join(unzipped, name));
      assert.equal(dump.status, 0, dump.output);
      assert.deepEqual(dump.errors, []);
      for (const token of PLANTED) {
        assert.ok(!dump.output.toUpperCase().includes(token), `${token} in ${name}`);
        walkDataset(file.dataset, (element) => {
          if (element.tag === Tag.PixelData || element.value === undefined) return;
          assert.ok(!Buffer.from(element.value).toString('latin1').toUpperCase().includes(token), `${token} in a header value of ${name}`);
        });
      }
      if (name === 'DICOMDIR') continue;
      assert.equal(file.dataset.getString(Tag.PatientIdentityRemoved), 'YES');
      const { transferSyntaxUid, geometry, frames } = readFrames(file);
      const frame = await frameCodecFor(transferSyntaxUid).decode(frames[0]!, geometry);
      assert.equal(unfilledPixels(frame, { left: 0, top: 0, width: geometry.columns, height: RULE_BAND_ROWS }), 0, 'the rule region is filled');
    }

    const instanceEvents = gateway.events.filter((e) => e.type === 'export' && e.detail?.['step'] === 'instance');
    const packageEvents = gateway.events.filter((e) => e.type === 'export' && e.detail?.['step'] === 'package');
    assert.equal(instanceEvents.length, 2);
    assert.equal(packageEvents.length, 1);
    for (const event of [...instanceEvents, ...packageEvents]) {
      assert.equal(event.actor.user, 'rhea');
      assert.equal(event.purpose, 'HRESCH');
      assert.equal(event.outcome, 'success');
    }
    assert.equal(packageEvents[0]!.digests?.[0]?.value, report.zipSha256);

    assert.equal((await gateway.dataKeys.forScope(`export:${report.exportId}`))?.id, report.dataKeyId, 'the package has a data key of its own');
    assert.deepEqual(await retention.due(report.expiresAt - 1), []);
    now = TEST_NOW + 72 * HOUR + 1000;
    const due = await retention.due(now);
    assert.deepEqual(due.map((item) => item.kind).sort(), ['export-package', 'temporary'], 'the package and its working folder');
    assert.ok(due.some((item) => item.id === report.retentionId && item.blob?.dataKeyId === report.dataKeyId));
    const { purgeExpired } = await import('./purge-expired.js');
    const purged = await purgeExpired({ retention, dataDir: gateway.folder, objects: gateway.objects, dataKeys: gateway.dataKeys, audit: gateway.deps.audit }, now, { trigger: 'job' });
    assert.equal(purged.purged.length, 2);
    assert.equal(await gateway.objects.has(report.blobKey), false, 'the package is gone');
    assert.equal(files(gateway.objectFolder).length, 2, 'the instances stay');
    assert.equal((await gateway.dataKeys.lookup(report.dataKeyId))?.state, 'destroyed', 'and its key');
  } finally {
    await retention.close();
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runExport() refuses a request that is not a granted export, with a deny event and nothing written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'run-export-'));
  const gateway = await openTestGateway(join(dir, 'data'));
  const retention = new SqliteRetentionStore(join(gateway.folder, 'retention.sqlite'), { dataDir: gateway.folder, clock: { now: () => TEST_NOW } });
  try {
    await gateway.addUser('rhea', ['researcher'], { departments: ['radiology'] });
    const grant: Grant = { id: 'g', subjectUserId: 'rhea', scope: { kind: 'studies', studyUids: [STUDY] }, actions: ['export'], effect: 'masked', validFrom: TEST_NOW - 2 * HOUR, validUntil: TEST_NOW - HOUR };
    const who = await gateway.actingUser('rhea');
    const deps: RunExportDeps = {
      index: gateway.index, objects: gateway.objects, dataKeys: gateway.dataKeys, retention, audit: gateway.deps.audit, clock: { now: () => TEST_NOW }, suite: 'intl',
      dataDir: gateway.folder, recipe: REQUESTER.recipe, pseudonymizer: REQUESTER.pseudonymizer,
    };
    const cases: [AccessRequestRecord, RegExp][] = [
      [exportRequest(grant), /expired/],
      [{ ...exportRequest(grant), status: 'revoked' }, /revoked, not granted/],
      [{ ...exportRequest(grant), content: { ...exportRequest(grant).content, kind: 'full' } }, /not for an export/],
      [{ ...exportRequest(grant), content: { ...exportRequest(grant).content, requester: 'someone-else' } }, /only the requester/],
    ];
    for (const [request, message] of cases) {
      gateway.events.length = 0;
      await assert.rejects(runExport(deps, { request, who, exportId: newExportId() }), message);
      assert.deepEqual(gateway.events.map((e) => e.type), ['deny']);
    }
    assert.equal(existsSync(join(gateway.folder, 'exports')), false);
  } finally {
    await retention.close();
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runExport() leaves out an instance it cannot de-identify, names it by ordinal and reason, audits it, and writes nothing of it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'run-export-'));
  const gateway = await openTestGateway(join(dir, 'data'));
  const retention = new SqliteRetentionStore(join(gateway.folder, 'retention.sqlite'), { dataDir: gateway.folder, clock: { now: () => TEST_NOW } });
  try {
    const keys: string[] = [];
    for (const n of [1, 2]) {
      const result = await ingestInstance(gateway.deps, { kind: 'part10', bytes: await plantedExportInstance(n) }, { actor: { user: 'modality' }, department: 'radiology', via: 'stow-rs' });
      assert.equal(result.outcome, 'stored');
      keys.push((await gateway.index.getInstance({ studyUid: STUDY, sopInstanceUid: `${STUDY}.1.${n}` }))!.instance.blobKey);
    }
    await gateway.addUser('rhea', ['researcher'], { departments: ['radiology'] });
    const grant: Grant = { id: 'g', subjectUserId: 'rhea', scope: { kind: 'studies', studyUids: [STUDY] }, actions: ['export'], effect: 'masked', validFrom: TEST_NOW - HOUR, validUntil: TEST_NOW + HOUR, purpose: 'HRESCH' };
    const who = await gateway.actingUser('rhea');
    // The second object reads back as something that is not DICOM: the de-identifier refuses it.
    const objects: RunExportDeps['objects'] = {
      get: async (key) => (key === keys[1] ? Buffer.from('not a DICOM file, certainly not cleanable') : gateway.objects.get(key)),
      put: (key, body, scope) => gateway.objects.put(key, body, scope),
      delete: (key) => gateway.objects.delete(key),
    };
    const deps: RunExportDeps = {
      index: gateway.index, objects, dataKeys: gateway.dataKeys, retention, audit: gateway.deps.audit, clock: { now: () => TEST_NOW }, suite: 'intl',
      dataDir: gateway.folder, recipe: REQUESTER.recipe, pseudonymizer: REQUESTER.pseudonymizer,
    };
    gateway.events.length = 0;
    const report = await runExport(deps, { request: exportRequest(grant), who, exportId: newExportId() });
    assert.equal(report.instances, 1);
    assert.equal(report.quarantined.length, 1);
    assert.equal(report.quarantined[0]!.ordinal, 2);
    assert.match(report.quarantined[0]!.reason, /^dicom-parse: /);
    const unzipped = join(dir, 'unzipped');
    await unzipPackage(gateway, report, unzipped);
    assert.equal(files(unzipped).filter((name) => name !== 'DICOMDIR').length, 1);
    assert.deepEqual(
      gateway.events.filter((e) => e.type === 'export').map((e) => [e.outcome, e.detail?.['step'], e.objects?.[0]?.instance]),
      [['success', 'instance', `${STUDY}.1.1`], ['minor-failure', 'instance', `${STUDY}.1.2`], ['success', 'package', undefined]],
    );
  } finally {
    await retention.close();
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
