import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Effect } from '../../access/policy-table.js';
import type { SensitivityLevel } from '../../access/sensitivity-level.js';
import {
  type FindQuery, type QueryLevel, type QueryScope, buildMatchKeys, decodeQueryString, matchesFindQuery, parseQidoQuery, QUERY_ATTRIBUTES,
} from '../../dicom/query/index.js';
import { Tag } from '../../dicom/tag.js';
import { MedVeilError } from '../../errors.js';
import { type FindMatch, type FindOptions, type IndexedInstance, matchAttributeValues } from '../index-store.js';
import { SqliteIndexStore } from './sqlite-index-store.js';

let serial = 0;
function hex(seed: number, length: number): string {
  return seed.toString(16).padStart(length, '0');
}

interface EntryOptions {
  study?: Partial<IndexedInstance['study']>;
  series?: Partial<IndexedInstance['series']>;
  instance?: Partial<IndexedInstance['instance']>;
}

function entry(studyUid: string, seriesUid: string, sopInstanceUid: string, options: EntryOptions = {}): IndexedInstance {
  serial += 1;
  return {
    study: { studyUid, level: 2, department: 'radiology', patientRef: 'p-1', patientId: 'ID1', patientName: 'Doe^Jane', ...options.study },
    series: { seriesUid, modality: 'CT', seriesNumber: 1, ...options.series },
    instance: {
      sopInstanceUid,
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      instanceNumber: 1,
      rows: 512,
      columns: 512,
      size: 1000,
      sha256: hex(serial, 64),
      blobKey: `instance/${hex(serial, 32)}`,
      ...options.instance,
    },
  };
}

function seeAll(): Effect {
  return 'full';
}

function query(level: QueryLevel, params: string, scope: QueryScope = {}): FindQuery {
  return parseQidoQuery(level, decodeQueryString(params), { scope });
}

async function all(store: SqliteIndexStore, q: FindQuery, options: FindOptions): Promise<FindMatch[]> {
  const out: FindMatch[] = [];
  for await (const match of store.findEach(q, options)) out.push(match);
  return out;
}

function studyUids(matches: readonly FindMatch[]): string[] {
  return matches.map((match) => match.study.studyUid);
}

test('putInstance() stores an instance once; sending it again changes nothing', async () => {
  const store = new SqliteIndexStore(':memory:');
  const first = entry('1.1', '1.1.1', '1.1.1.1');
  const stored = await store.putInstance(first);
  assert.equal(stored.outcome, 'stored');
  const again = await store.putInstance(first);
  assert.equal(again.outcome, 'unchanged');
  assert.deepEqual(again.outcome === 'unchanged' && again.record, stored.outcome === 'stored' && stored.record);
  const resentUnderNewBlob = await store.putInstance({ ...first, instance: { ...first.instance, blobKey: `instance/${hex(999, 32)}` } });
  assert.equal(resentUnderNewBlob.outcome, 'unchanged');
  assert.equal(resentUnderNewBlob.outcome === 'unchanged' && resentUnderNewBlob.record.blobKey, first.instance.blobKey);
  const study = await store.getStudy({ studyUid: '1.1' });
  assert.equal(study?.numberOfInstances, 1);
  assert.equal(study?.numberOfSeries, 1);
  store.close();
});

test('putInstance() reports conflicts and writes nothing for them', async () => {
  const store = new SqliteIndexStore(':memory:');
  const first = entry('1.1', '1.1.1', '1.1.1.1', { study: { patientId: 'A' } });
  await store.putInstance(first);
  const cases: ReadonlyArray<[string, IndexedInstance, string]> = [
    ['same UID, other content', { ...first, instance: { ...first.instance, sha256: 'f'.repeat(64) } }, 'instance-differs'],
    ['same UID, other series', entry('1.1', '1.1.2', '1.1.1.1'), 'instance-in-other-series'],
    ['same UID, other study', entry('1.2', '1.2.1', '1.1.1.1'), 'instance-in-other-series'],
    ['a series UID under another study', entry('1.3', '1.1.1', '1.3.1.1'), 'series-in-other-study'],
    ['another patient ID', entry('1.1', '1.1.1', '1.1.1.2', { study: { patientId: 'B' } }), 'patient-differs'],
    ['another patient reference', entry('1.1', '1.1.1', '1.1.1.3', { study: { patientId: 'A', patientRef: 'p-2' } }), 'patient-differs'],
  ];
  for (const [name, candidate, conflict] of cases) {
    assert.deepEqual(await store.putInstance(candidate), { outcome: 'conflict', conflict }, name);
  }
  assert.equal(await store.getStudy({ studyUid: '1.3' }), undefined, 'the refused instance left no study behind');
  assert.equal(await store.getSeries({ studyUid: '1.1', seriesUid: '1.1.2' }), undefined);
  assert.equal((await store.getStudy({ studyUid: '1.1' }))?.numberOfInstances, 1);
  store.close();
});

test('putInstance() refuses malformed records with a storage error that repeats no value', async () => {
  const store = new SqliteIndexStore(':memory:');
  const bad: ReadonlyArray<IndexedInstance> = [
    entry('1.2.X', '1.1', '1.1.1'),
    entry('1.1', '1.1.1', '1.1.1.1', { instance: { sha256: 'ABC' } }),
    entry('1.1', '1.1.1', '1.1.1.1', { instance: { blobKey: '../../etc/passwd' } }),
    entry('1.1', '1.1.1', '1.1.1.1', { study: { level: 7 as SensitivityLevel } }),
    entry('1.1', '1.1.1', '1.1.1.1', { series: { seriesNumber: 1.5 } }),
  ];
  for (const candidate of bad) {
    await assert.rejects(store.putInstance(candidate), (error: unknown) => error instanceof MedVeilError && error.code === 'storage' && !error.message.includes('1.2.X'));
  }
  store.close();
});

test('study and series aggregates follow the instances: counts, modalities, the highest level', async () => {
  const store = new SqliteIndexStore(':memory:');
  await store.putInstance(entry('1.1', '1.1.1', '1.1.1.1', { study: { level: 2 } }));
  await store.putInstance(entry('1.1', '1.1.1', '1.1.1.2', { study: { level: 4 } }));
  await store.putInstance(entry('1.1', '1.1.2', '1.1.2.1', { series: { modality: 'MR' }, study: { level: 3 } }));
  await store.putInstance(entry('1.1', '1.1.3', '1.1.3.1', { series: { modality: 'CT' }, study: { level: undefined } }));
  const study = await store.getStudy({ studyUid: '1.1' });
  assert.deepEqual(
    [study?.numberOfSeries, study?.numberOfInstances, study?.modalitiesInStudy, study?.level],
    [3, 4, ['CT', 'MR'], 4],
  );
  assert.equal((await store.getSeries({ studyUid: '1.1', seriesUid: '1.1.1' }))?.series.numberOfInstances, 2);
  store.close();
});

test('setStudyLevel() changes the level, returns the previous one, and says when there is no such study', async () => {
  const store = new SqliteIndexStore(':memory:');
  await store.putInstance(entry('1.1', '1.1.1', '1.1.1.1', { study: { level: 3 } }));
  assert.deepEqual(await store.setStudyLevel('1.1', 5), { previous: 3 });
  assert.equal((await store.getStudy({ studyUid: '1.1' }))?.level, 5);
  assert.equal(await store.setStudyLevel('9.9', 2), 'not-found');
  await assert.rejects(store.setStudyLevel('1.1', 0 as SensitivityLevel), MedVeilError);
  store.close();
});

test('an unlabeled study stays unlabeled until an instance or a DSO gives it a level', async () => {
  const store = new SqliteIndexStore(':memory:');
  await store.putInstance(entry('1.1', '1.1.1', '1.1.1.1', { study: { level: undefined } }));
  assert.equal((await store.getStudy({ studyUid: '1.1' }))?.level, undefined);
  await store.putInstance(entry('1.1', '1.1.1', '1.1.1.2', { study: { level: 2 } }));
  assert.equal((await store.getStudy({ studyUid: '1.1' }))?.level, 2);
  store.close();
});

test('scoped lookups: a series or instance under the wrong parent is not found, exactly like a missing one', async () => {
  const store = new SqliteIndexStore(':memory:');
  await store.putInstance(entry('1.1', '1.1.1', '1.1.1.1'));
  await store.putInstance(entry('1.2', '1.2.1', '1.2.1.1'));
  assert.equal((await store.getSeries({ studyUid: '1.1', seriesUid: '1.1.1' }))?.series.seriesUid, '1.1.1');
  assert.equal((await store.getInstance({ studyUid: '1.1', seriesUid: '1.1.1', sopInstanceUid: '1.1.1.1' }))?.instance.blobKey.startsWith('instance/'), true);
  assert.equal((await store.getInstance({ studyUid: '1.1', sopInstanceUid: '1.1.1.1' }))?.study.studyUid, '1.1');
  const missing = [
    await store.getSeries({ studyUid: '1.1', seriesUid: '1.2.1' }),
    await store.getSeries({ studyUid: '1.1', seriesUid: '9.9' }),
    await store.getInstance({ studyUid: '1.1', sopInstanceUid: '1.2.1.1' }),
    await store.getInstance({ studyUid: '1.2', seriesUid: '1.1.1', sopInstanceUid: '1.2.1.1' }),
    await store.getInstance({ studyUid: '1.1', seriesUid: '1.2.1', sopInstanceUid: '1.1.1.1' }),
    await store.getInstance({ studyUid: '1.1', sopInstanceUid: '9.9' }),
    await store.getStudy({ studyUid: '9.9' }),
  ];
  assert.deepEqual(missing, [undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  store.close();
});

// Values with the metacharacters of SQL LIKE and GLOB, case variants and non-ASCII names.
const PATIENTS: ReadonlyArray<{ uid: string; name: string; id: string; date: string; time: string; description: string; modality: string }> = [
  { uid: '2.1', name: 'Smith^John', id: '100%', date: '20060705', time: '0900', description: 'CHEST PA', modality: 'CR' },
  { uid: '2.2', name: 'SMITH^Jane', id: '100_A', date: '20060706', time: '2300', description: 'chest_pa', modality: 'DX' },
  { uid: '2.3', name: 'Smithers^Waylon', id: 'A\\B', date: '20060707', time: '1801', description: 'Chest*PA', modality: 'CT' },
  { uid: '2.4', name: 'Müller^Hans', id: '1000', date: '2006.07.05', time: '10:15:00', description: 'Kopf [axial]', modality: 'MR' },
  { uid: '2.5', name: 'Yamada^Tarou=山田^太郎=やまだ^たろう', id: '[abc]', date: '20060704', time: '1000', description: 'Abdomen', modality: 'CT' },
  { uid: '2.6', name: "O'Brien^Pat", id: "X'; DROP TABLE studies; --", date: '', time: '', description: '', modality: 'US' },
];

async function patientStore(): Promise<SqliteIndexStore> {
  const store = new SqliteIndexStore(':memory:');
  for (const p of PATIENTS) {
    await store.putInstance(
      entry(p.uid, `${p.uid}.1`, `${p.uid}.1.1`, {
        study: { patientName: p.name, patientId: p.id, studyDate: p.date, studyTime: p.time, studyDescription: p.description, patientRef: `ref-${p.uid}` },
        series: { modality: p.modality },
      }),
    );
  }
  return store;
}

function keyQuery(values: Record<string, string | string[]>, fuzzy = false): FindQuery {
  const map = new Map<number, readonly string[]>();
  for (const [keyword, value] of Object.entries(values)) map.set(Tag[keyword as keyof typeof Tag], Array.isArray(value) ? value : [value]);
  const built = buildMatchKeys(map, { combinedDateTime: true });
  if (!built.ok) throw new Error(built.problem);
  return { level: 'study', scope: {}, matchKeys: built.keys, returnKeys: [], limit: undefined, offset: 0, fuzzy, warnings: [] };
}

const SEARCHES: ReadonlyArray<{ keys: Record<string, string | string[]>; fuzzy?: boolean; expected: string[] }> = [
  { keys: { PatientID: '100%' }, expected: ['2.1'] },
  { keys: { PatientID: '100*' }, expected: ['2.1', '2.2', '2.4'] },
  { keys: { PatientID: '100_*' }, expected: ['2.2'] },
  { keys: { PatientID: '100?' }, expected: ['2.1', '2.4'] },
  { keys: { PatientID: '[abc]' }, expected: ['2.5'] },
  { keys: { PatientID: '[*' }, expected: ['2.5'] },
  { keys: { PatientID: "X'; DROP TABLE studies; --" }, expected: ['2.6'] },
  { keys: { PatientID: '%' }, expected: [] },
  { keys: { PatientID: '_' }, expected: [] },
  { keys: { PatientName: 'smith^john' }, expected: ['2.1'] },
  { keys: { PatientName: 'SMITH*' }, expected: ['2.1', '2.2', '2.3'] },
  { keys: { PatientName: 'Smith^*' }, expected: ['2.1', '2.2'] },
  { keys: { PatientName: 'MÜLLER*' }, expected: ['2.4'] },
  { keys: { PatientName: 'muller' }, fuzzy: true, expected: ['2.4'] },
  { keys: { PatientName: '山田^太郎' }, expected: ['2.5'] },
  { keys: { PatientName: '*=山田*' }, expected: ['2.5'] },
  { keys: { PatientName: "o'brien^pat" }, expected: ['2.6'] },
  { keys: { StudyDescription: 'chest*' }, expected: ['2.2'] },
  { keys: { StudyDescription: 'Chest*PA' }, expected: ['2.3'] },
  { keys: { StudyDescription: '*[axial]' }, expected: ['2.4'] },
  { keys: { StudyDate: '20060705' }, expected: ['2.1', '2.4'] },
  { keys: { StudyDate: '20060705-20060706' }, expected: ['2.1', '2.2', '2.4'] },
  { keys: { StudyDate: '-20060704' }, expected: ['2.5'] },
  { keys: { StudyDate: '20060705-20060707', StudyTime: '1000-1800' }, expected: ['2.2', '2.4'] },
  { keys: { StudyTime: '1015' }, expected: ['2.4'] },
  { keys: { StudyInstanceUID: ['2.1', '2.3', '9.9'] }, expected: ['2.1', '2.3'] },
  { keys: { ModalitiesInStudy: 'CT' }, expected: ['2.3', '2.5'] },
  { keys: { ModalitiesInStudy: 'C?' }, expected: ['2.1', '2.3', '2.5'] },
];

for (const search of SEARCHES) {
  test(`find() ${JSON.stringify(search.keys)}${search.fuzzy ? ' (fuzzy)' : ''} returns exactly the studies matchesFindQuery accepts`, async () => {
    const store = await patientStore();
    const q = keyQuery(search.keys, search.fuzzy);
    const found = studyUids(await all(store, q, { visibility: seeAll }));
    assert.deepEqual(found, search.expected);
    // The SQL narrowing never drops a match: compare with the check alone over every study.
    const everything = await all(store, keyQuery({}), { visibility: seeAll });
    assert.deepEqual(studyUids(everything.filter((match) => matchesFindQuery(q, matchAttributeValues(match)))), search.expected);
    store.close();
  });
}

test('the database survives every hostile value: the studies table is intact', async () => {
  const store = await patientStore();
  assert.equal((await all(store, keyQuery({}), { visibility: seeAll })).length, PATIENTS.length);
  store.close();
});

async function manyStudies(count: number, levels: (index: number) => SensitivityLevel = () => 2): Promise<SqliteIndexStore> {
  const store = new SqliteIndexStore(':memory:');
  for (let index = 0; index < count; index += 1) {
    const uid = `3.${index}`;
    await store.putInstance(entry(uid, `${uid}.1`, `${uid}.1.1`, { study: { patientName: `Patient${index}^Test`, patientId: `P${index}`, patientRef: `ref-${index}`, level: levels(index) } }));
  }
  return store;
}

/** Studies whose index is a multiple of three are denied; the rest are full. */
function everyThirdDenied(study: { studyUid: string }): Effect {
  return Number(study.studyUid.split('.')[1]) % 3 === 0 ? 'denied' : 'full';
}

test('offset enumeration never reaches a denied study, and totals do not count it', async () => {
  const store = await manyStudies(30);
  const seen: string[] = [];
  for (let offset = 0; offset < 40; offset += 1) {
    const page = await store.find(query('study', `limit=1&offset=${offset}`), { visibility: everyThirdDenied, countRemaining: true });
    seen.push(...studyUids(page.matches));
    if (page.matches.length === 1) assert.equal(page.remaining, 20 - offset - 1, `remaining at offset ${offset}`);
    else assert.deepEqual([page.more, page.remaining], [false, 0]);
  }
  assert.equal(seen.length, 20);
  assert.ok(seen.every((uid) => Number(uid.split('.')[1]) % 3 !== 0));
  const whole = await store.find(query('study', ''), { visibility: everyThirdDenied, countRemaining: true });
  assert.deepEqual([whole.matches.length, whole.more, whole.remaining], [20, false, 0]);
  store.close();
});

test('a search aimed at a denied study answers exactly as a search for a study that does not exist', async () => {
  const store = await manyStudies(6);
  const deniedTargets = ['PatientName=Patient3*', 'PatientID=P3', 'StudyInstanceUID=3.3', 'StudyInstanceUID=3.3,3.0', 'PatientName=Patient3%5ETest'];
  const absent = await store.find(query('study', 'PatientID=NOBODY'), { visibility: everyThirdDenied, countRemaining: true });
  for (const params of deniedTargets) {
    const page = await store.find(query('study', params), { visibility: everyThirdDenied, countRemaining: true });
    assert.deepEqual(page, absent, params);
  }
  const series = await store.find(query('series', '', { studyUid: '3.3' }), { visibility: everyThirdDenied, countRemaining: true });
  assert.deepEqual(series, absent);
  const instances = await store.find(query('instance', 'SOPInstanceUID=3.3.1.1'), { visibility: everyThirdDenied, countRemaining: true });
  assert.deepEqual(instances, absent);
  store.close();
});

test('series and instance searches hide everything of a denied study and scope to the named parents', async () => {
  const store = await manyStudies(4);
  const added = await store.putInstance(entry('3.1', '3.1.2', '3.1.2.1', { series: { modality: 'MR' }, study: { patientId: 'P1', patientRef: 'ref-1' } }));
  assert.equal(added.outcome, 'stored');
  const allSeries = await all(store, query('series', ''), { visibility: everyThirdDenied });
  assert.deepEqual(allSeries.map((m) => m.series?.seriesUid), ['3.1.1', '3.2.1', '3.1.2']);
  const inStudy = await all(store, query('series', 'Modality=MR', { studyUid: '3.1' }), { visibility: everyThirdDenied });
  assert.deepEqual(inStudy.map((m) => m.series?.seriesUid), ['3.1.2']);
  const wrongParent = await all(store, query('instance', '', { studyUid: '3.2', seriesUid: '3.1.1' }), { visibility: seeAll });
  assert.deepEqual(wrongParent, []);
  const instances = await all(store, query('instance', '', { studyUid: '3.1', seriesUid: '3.1.2' }), { visibility: seeAll });
  assert.deepEqual(instances.map((m) => [m.study.studyUid, m.series?.seriesUid, m.instance?.sopInstanceUid]), [['3.1', '3.1.2', '3.1.2.1']]);
  store.close();
});

test('a masked study is found by what the masked view keeps, never by a name, an ID or a birth date', async () => {
  const store = await manyStudies(3);
  const masked = (): Effect => 'masked';
  const byModality = await all(store, query('study', 'ModalitiesInStudy=CT'), { visibility: masked });
  assert.deepEqual(byModality.map((m) => [m.study.studyUid, m.effect]), [['3.0', 'masked'], ['3.1', 'masked'], ['3.2', 'masked']]);
  for (const params of ['PatientName=Patient1*', 'PatientID=P1', 'PatientBirthDate=-20991231', 'PatientName=*&ModalitiesInStudy=CT&PatientID=P*']) {
    assert.deepEqual(await all(store, query('study', params), { visibility: masked }), [], params);
  }
  // A universal key only asks for the attribute back; it does not hide the study.
  assert.equal((await all(store, query('study', 'PatientName=&PatientID=*'), { visibility: masked })).length, 3);
  const full = await all(store, query('study', 'PatientID=P1'), { visibility: seeAll });
  assert.deepEqual(full.map((m) => m.effect), ['full']);
  const custom = await all(store, query('study', 'PatientID=P1'), { visibility: masked, maskedMatchKeys: new Set([Tag.PatientID]) });
  assert.equal(custom.length, 1);
  store.close();
});

test('an unknown effect from the decision hides the study (fail closed)', async () => {
  const store = await manyStudies(2);
  const broken = (() => 'maybe') as unknown as () => Effect;
  assert.deepEqual(await all(store, query('study', ''), { visibility: broken }), []);
  store.close();
});

test('paging walks more studies than one batch in a stable order with limit, offset and maxResults', async () => {
  const store = await manyStudies(600);
  const page = await store.find(query('study', 'limit=50&offset=500'), { visibility: seeAll });
  assert.deepEqual(studyUids(page.matches), Array.from({ length: 50 }, (_, i) => `3.${500 + i}`));
  assert.equal(page.more, true);
  const capped = await store.find(query('study', 'limit=100'), { visibility: seeAll, maxResults: 10 });
  assert.deepEqual([capped.matches.length, capped.more], [10, true]);
  const defaultCap = await store.find(query('study', ''), { visibility: seeAll });
  assert.equal(defaultCap.matches.length, 600);
  const last = await store.find(query('study', 'offset=590'), { visibility: seeAll, countRemaining: true });
  assert.deepEqual([last.matches.length, last.more, last.remaining], [10, false, 0]);
  const none = await store.find(query('study', 'limit=0'), { visibility: seeAll });
  assert.deepEqual([none.matches.length, none.more], [0, true]);
  const again = await store.find(query('study', 'limit=50&offset=500'), { visibility: seeAll });
  assert.deepEqual(studyUids(again.matches), studyUids(page.matches));
  store.close();
});

test('findEach() stops when its signal is aborted (C-CANCEL)', async () => {
  const store = await manyStudies(300);
  const controller = new AbortController();
  const seen: string[] = [];
  for await (const match of store.findEach(query('study', ''), { visibility: seeAll, signal: controller.signal })) {
    seen.push(match.study.studyUid);
    if (seen.length === 5) controller.abort();
  }
  assert.equal(seen.length, 5);
  store.close();
});

test('each study is decided once per search, however many of its instances match', async () => {
  const store = new SqliteIndexStore(':memory:');
  for (let index = 0; index < 10; index += 1) await store.putInstance(entry('4.1', '4.1.1', `4.1.1.${index}`));
  let calls = 0;
  const counting = (): Effect => {
    calls += 1;
    return 'full';
  };
  assert.equal((await all(store, query('instance', '', { studyUid: '4.1' }), { visibility: counting })).length, 10);
  assert.equal(calls, 1);
  store.close();
});

test('matchAttributeValues() holds a value for every attribute of the query catalogue', async () => {
  const store = new SqliteIndexStore(':memory:');
  await store.putInstance(
    entry('5.1', '5.1.1', '5.1.1.1', {
      study: {
        patientBirthDate: '19700101', patientSex: 'F', studyDate: '20200101', studyTime: '1200', accessionNumber: 'A1',
        studyDescription: 'D', referringPhysicianName: 'Ref^Doc', studyId: 'S1',
      },
      series: { seriesDescription: 'SD', bodyPartExamined: 'CHEST', performedProcedureStepStartDate: '20200101', performedProcedureStepStartTime: '1200' },
      instance: { numberOfFrames: 1, bitsAllocated: 16 },
    }),
  );
  const [match] = await all(store, query('instance', ''), { visibility: seeAll });
  const values = matchAttributeValues(match!);
  for (const attribute of QUERY_ATTRIBUTES) assert.notDeepEqual(values(attribute.tag), [], attribute.keyword);
  store.close();
});

test('the index file is readable by its owner only and keeps its records across reopening', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medveil-index-'));
  try {
    const path = join(dir, 'index.sqlite');
    const store = new SqliteIndexStore(path);
    await store.putInstance(entry('6.1', '6.1.1', '6.1.1.1'));
    store.close();
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
    const reopened = new SqliteIndexStore(path);
    assert.equal((await reopened.getStudy({ studyUid: '6.1' }))?.numberOfInstances, 1);
    reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('putIn worker: instances put at once are committed together, each with the outcome it gets inline, and readable once resolved', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'medveil-index-writer-'));
  const inline = new SqliteIndexStore(':memory:');
  const store = new SqliteIndexStore(join(folder, 'index.db'), { putIn: 'worker' });
  try {
    const first = entry('2.1', '2.1.1', '2.1.1.1', { study: { patientId: 'A' } });
    const batch: IndexedInstance[] = [
      first,
      entry('2.1', '2.1.1', '2.1.1.2', { study: { patientId: 'A' } }),
      entry('2.1', '2.1.2', '2.1.2.1', { study: { patientId: 'A' }, series: { modality: 'CR' } }),
      first,
      entry('2.1', '2.1.1', '2.1.1.3', { study: { patientId: 'B' } }),
      entry('2.2', '2.1.1', '2.2.1.1'),
      entry('2.3', '2.3.1', '2.3.1.1', { study: { level: 4 } }),
    ];
    const results = await Promise.all(batch.map((candidate) => store.putInstance(candidate)));
    const expected: unknown[] = [];
    for (const candidate of batch) expected.push(await inline.putInstance(candidate));
    assert.deepEqual(results.map((r) => r.outcome === 'conflict' ? r.conflict : r.outcome), ['stored', 'stored', 'stored', 'unchanged', 'patient-differs', 'series-in-other-study', 'stored']);
    assert.deepEqual(results, expected);
    const study = await store.getStudy({ studyUid: '2.1' });
    assert.deepEqual([study?.numberOfInstances, study?.numberOfSeries, study?.modalitiesInStudy], [3, 2, ['CR', 'CT']]);
    assert.equal((await store.getStudy({ studyUid: '2.3' }))?.level, 4);
    assert.equal(await store.getStudy({ studyUid: '2.2' }), undefined, 'the refused instance of the batch left nothing');
    await assert.rejects(store.putInstance({ ...first, instance: { ...first.instance, sha256: 'not hex' } }), MedVeilError);
  } finally {
    store.close();
    inline.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
