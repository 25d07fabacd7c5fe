import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SqliteIndexStore } from '../storage/adapters/sqlite-index-store.js';
import type { IndexedInstance } from '../storage/index-store.js';
import { testAccounts } from '../../test/support/testing-account-deps.js';
import { setStudyLevel } from './set-study-level.js';

const STUDY = '1.2.826.0.1.3680043.10.1';

function instance(level: IndexedInstance['study']['level']): IndexedInstance {
  return {
    study: { studyUid: STUDY, level, department: 'radiology', patientRef: 'MVP-7Q2K' },
    series: { seriesUid: `${STUDY}.1`, modality: 'CR', bodyPartExamined: 'CHEST' },
    instance: {
      sopInstanceUid: `${STUDY}.1.1`,
      sopClassUid: '1.2.840.10008.5.1.4.1.1.1',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      size: 100,
      sha256: 'a'.repeat(64),
      blobKey: `instance/${'b'.repeat(32)}`,
    },
  };
}

async function fixture(level: IndexedInstance['study']['level']) {
  const accounts = await testAccounts();
  const index = new SqliteIndexStore(':memory:');
  await index.putInstance(instance(level));
  return { ...accounts, index, deps: { index, audit: accounts.deps.audit } };
}

test('a DSO changes a level; the event names the old and the new level and the reason, and the study, never a patient', async () => {
  const { index, deps, addUser, events } = await fixture(3);
  const { user: dana } = await addUser('dana', ['dso'], { totp: true });
  const result = await setStudyLevel(deps, { by: dana, studyUid: STUDY, level: 5, reason: 'sensitive-finding' });
  assert.deepEqual(result, { outcome: 'changed', previous: 3, level: 5 });
  assert.equal((await index.getStudy({ studyUid: STUDY }))?.level, 5);
  assert.deepEqual(events, [
    {
      type: 'policy-change',
      outcome: 'success',
      actor: { user: 'dana', role: 'dso' },
      objects: [{ study: STUDY }],
      detail: { action: 'set-study-level', previousLevel: '3', level: '5', reason: 'sensitive-finding' },
    },
  ]);
});

test('an unlabeled study is labeled by a DSO; the event says it had no level', async () => {
  const { index, deps, addUser, events } = await fixture(undefined);
  const { user: dana } = await addUser('dana', ['dso']);
  assert.deepEqual(await setStudyLevel(deps, { by: dana, studyUid: STUDY, level: 2, reason: 'unlabeled' }), { outcome: 'changed', previous: undefined, level: 2 });
  assert.equal((await index.getStudy({ studyUid: STUDY }))?.level, 2);
  assert.equal(events[0]?.detail?.previousLevel, 'none');
});

test('setStudyLevel() refuses everyone but a DSO, whether or not the study exists, and bad levels and reasons', async () => {
  const { index, deps, addUser, events } = await fixture(3);
  const by = async (name: string, roles: Parameters<typeof addUser>[1]) => (await addUser(name, roles)).user;
  const dana = await by('dana', ['dso']);
  const cases: Array<[string, Parameters<typeof setStudyLevel>[1], string]> = [
    ['an administrator', { by: await by('ada', ['admin']), studyUid: STUDY, level: 1, reason: 'misclassified' }, 'not-dso'],
    ['an administrator, unknown study', { by: await by('ada2', ['admin']), studyUid: '1.2.3', level: 1, reason: 'misclassified' }, 'not-dso'],
    ['a director', { by: await by('dir', ['director']), studyUid: STUDY, level: 1, reason: 'misclassified' }, 'not-dso'],
    ['a radiologist', { by: await by('rad', ['radiologist']), studyUid: STUDY, level: 1, reason: 'misclassified' }, 'not-dso'],
    ['an auditor', { by: await by('aud', ['auditor']), studyUid: '1.2.3', level: 1, reason: 'misclassified' }, 'not-dso'],
    ['level 0', { by: dana, studyUid: STUDY, level: 0, reason: 'misclassified' }, 'invalid-level'],
    ['level 6', { by: dana, studyUid: STUDY, level: 6, reason: 'misclassified' }, 'invalid-level'],
    ['level 2.5', { by: dana, studyUid: STUDY, level: 2.5, reason: 'misclassified' }, 'invalid-level'],
    ['level as text', { by: dana, studyUid: STUDY, level: '2', reason: 'misclassified' }, 'invalid-level'],
    ['free text reason', { by: dana, studyUid: STUDY, level: 2, reason: 'Jane Doe asked' }, 'invalid-level-reason'],
    ['an inherited name as reason', { by: dana, studyUid: STUDY, level: 2, reason: 'toString' }, 'invalid-level-reason'],
    ['an unknown study', { by: dana, studyUid: '1.2.3', level: 2, reason: 'misclassified' }, 'unknown-study'],
  ];
  for (const [label, input, reason] of cases) {
    const result = await setStudyLevel(deps, input);
    assert.equal(result.outcome === 'refused' && result.reason, reason, label);
  }
  assert.equal((await index.getStudy({ studyUid: STUDY }))?.level, 3);
  assert.deepEqual(events, [], 'a refusal changes nothing; the HTTP layer records the request');
});

test('if the event cannot be recorded, the level stays as it was', async () => {
  const { index, deps, addUser, breakAudit } = await fixture(3);
  const { user: dana } = await addUser('dana', ['dso']);
  breakAudit(true);
  await assert.rejects(setStudyLevel(deps, { by: dana, studyUid: STUDY, level: 5, reason: 'legal-hold' }));
  assert.equal((await index.getStudy({ studyUid: STUDY }))?.level, 3);
});
