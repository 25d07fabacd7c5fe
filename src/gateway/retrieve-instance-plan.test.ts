import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildMatchKeys, type FindQuery } from '../dicom/query/index.js';
import { Tag } from '../dicom/tag.js';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import { planInstanceRetrieval, type RetrievePlanRequest } from './retrieve-instance-plan.js';
import { ingestCorpus, type IngestedStudy, openTestGateway, type TestGateway } from '../../test/support/retrieve-instance-test-gateway.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-plan-'));
const corpus = syntheticCorpus({ patients: 3, imagesPerPatient: 2, imageSize: 16, seed: 'retrieve-plan' });
let gateway: TestGateway;
let studies: IngestedStudy[];

before(async () => {
  gateway = await openTestGateway(work);
  studies = await ingestCorpus(gateway, corpus, ['radiology', 'radiology', 'psychiatry']);
  await gateway.addUser('rad', ['radiologist'], { departments: ['radiology'], careFor: [studies[0]!.patientRef] });
});
after(async () => {
  await gateway.close();
  rmSync(work, { recursive: true, force: true });
});

/** A STUDY-level retrieve identifier for the n-th study, as C-GET and C-MOVE send it. */
function studyRetrieve(study: number, overrides: Partial<RetrievePlanRequest> = {}): RetrievePlanRequest {
  const built = buildMatchKeys(new Map([[Tag.StudyInstanceUID, [studies[study]!.studyUid]]]), { combinedDateTime: false });
  assert.ok(built.ok);
  const query: FindQuery = { level: 'study', scope: {}, matchKeys: built.keys, returnKeys: [Tag.StudyInstanceUID], limit: undefined, offset: 0, fuzzy: false, warnings: [] };
  return { query, action: 'view', via: 'c-get', maxInstances: 100, ...overrides };
}

async function plan(request: RetrievePlanRequest) {
  gateway.events.length = 0;
  return planInstanceRetrieval(gateway.deps, await gateway.actingUser('rad'), request);
}

describe('planInstanceRetrieval()', () => {
  const cases: [string, () => RetrievePlanRequest, (s: IngestedStudy[]) => [string, string][]][] = [
    ['a study in the care relationship: every instance, full', () => studyRetrieve(0), (s) => s[0]!.instances.map((i) => [i.sopInstanceUid, 'full'])],
    ['a study of the department: every instance, masked (retrieveInstance refuses each)', () => studyRetrieve(1), (s) => s[1]!.instances.map((i) => [i.sopInstanceUid, 'masked'])],
    ['a study the radiologist may not see: nothing', () => studyRetrieve(2), () => []],
    ['an export of a study in the care relationship without a grant: nothing', () => studyRetrieve(0, { action: 'export', via: 'c-move', destination: 'ARCHIVE' }), () => []],
  ];
  for (const [name, request, expected] of cases) {
    test(name, async () => {
      const result = await plan(request());
      assert.equal(result.outcome, 'planned');
      assert.ok(result.outcome === 'planned');
      assert.deepEqual(result.instances.map((i) => [i.sopInstanceUid, i.effect]), expected(studies));
    });
  }

  test('a planned instance carries what a C-STORE sub-operation needs: its parents, SOP class and stored transfer syntax', async () => {
    const result = await plan(studyRetrieve(0));
    assert.ok(result.outcome === 'planned');
    const first = studies[0]!.instances[0]!;
    assert.deepEqual(result.instances[0], {
      effect: 'full',
      studyUid: studies[0]!.studyUid,
      seriesUid: first.seriesUid,
      sopInstanceUid: first.sopInstanceUid,
      sopClassUid: first.sopClassUid,
      transferSyntaxUid: '1.2.840.10008.1.2.1',
    });
  });

  test('a retrieve that finds nothing is recorded as a deny with the keys used; one that finds something leaves it to the instances', async () => {
    await plan(studyRetrieve(2, { via: 'c-move', destination: 'RADWS' }));
    assert.deepEqual(gateway.events, [{
      type: 'deny',
      outcome: 'success',
      actor: { user: 'rad', role: 'radiologist' },
      detail: { via: 'c-move', action: 'view', keys: 'StudyInstanceUID', destination: 'RADWS', reason: 'no-visible-match' },
    }]);
    await plan(studyRetrieve(0));
    assert.deepEqual(gateway.events, []);
  });

  test('more instances than the archive plans at once refuse the whole retrieve, recorded', async () => {
    const result = await plan(studyRetrieve(0, { maxInstances: studies[0]!.instances.length - 1 }));
    assert.deepEqual(result, { outcome: 'too-many', maxInstances: studies[0]!.instances.length - 1 });
    assert.equal(gateway.events[0]!.detail?.reason, 'too-many-instances');
    assert.equal((await plan(studyRetrieve(0, { maxInstances: studies[0]!.instances.length }))).outcome, 'planned');
  });
});
