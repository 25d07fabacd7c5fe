import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Tag } from '../dicom/tag.js';
import { MedVeilError } from '../errors.js';
import { basicRecipe, loadRecipeFile, parseRecipe } from './load-recipe.js';
import { privateRuleKey } from './recipe.js';
import { repoRoot } from '../../test/support/repo-root.js';


const YAML_RECIPE = `name: trial
options:
  - retainPatientCharacteristics
  - cleanDescriptors
rules:
  - keyword: PatientSex
    action: X
  - tag: "(0008,1030)"
    action: K
  - creator: SIEMENS CSA HEADER
    element: "0x10"
    action: K
  - keyword: OverlayData
    action: X
  - { keyword: ContentDate, action: X/Z }
safePrivate:
  - { creator: ACME 1.1, element: 0x21, group: "0029" }
`;

test('a YAML recipe resolves keywords and tags to tag numbers, private rules by creator and element byte', () => {
  const recipe = parseRecipe(YAML_RECIPE, { source: 'trial.yaml' });
  assert.equal(recipe.name, 'trial');
  assert.deepEqual([...recipe.options], ['retainPatientCharacteristics', 'cleanDescriptors']);
  assert.equal(recipe.tagActions.get(Tag.PatientSex), 'X');
  assert.equal(recipe.tagActions.get(Tag.StudyDescription), 'K');
  assert.equal(recipe.tagActions.get(Tag.ContentDate), 'Z', 'combined codes resolve as in the profile');
  assert.equal(recipe.privateActions.get(privateRuleKey('SIEMENS CSA HEADER', 0x10)), 'K');
  assert.deepEqual(recipe.patternActions, [{ value: 0x60003000, mask: 0xff00ffff, action: 'X' }]);
  assert.equal(recipe.safePrivate.has(0x0029, 'ACME 1.1', 0x21), true);
  assert.equal(recipe.safePrivate.has(0x0031, 'ACME 1.1', 0x21), false, 'the entry is bound to its group');
  assert.equal(recipe.safePrivate.has(0x0019, 'SIEMENS MR HEADER', 0x0c), true, 'the seed list stays');
});

test('a JSON recipe reads the same as YAML', () => {
  const recipe = parseRecipe(
    JSON.stringify({ name: 'j', options: ['retainUIDs'], rules: [{ keyword: 'PatientSex', action: 'K' }] }),
    { source: 'j.json' },
  );
  assert.deepEqual([...recipe.options], ['retainUIDs']);
  assert.equal(recipe.tagActions.get(Tag.PatientSex), 'K');
});

function recipeError(text: string): MedVeilError {
  try {
    parseRecipe(text, { source: 'bad.yaml' });
  } catch (error) {
    assert.ok(error instanceof MedVeilError);
    assert.equal(error.code, 'recipe');
    return error;
  }
  assert.fail('expected a recipe error');
}

test('recipe mistakes are MedVeilError("recipe") naming the file and line', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown keyword', 'options: []\nrules:\n  - keyword: PatientNmae\n    action: X\n', /^bad\.yaml:3: unknown keyword "PatientNmae"/],
    ['bad tag', 'rules:\n  - keyword: PatientSex\n    action: X\n  - tag: "(0010,00GG)"\n    action: X\n', /^bad\.yaml:4: bad tag/],
    ['unknown action', 'rules:\n  - keyword: PatientSex\n    action: Q\n', /^bad\.yaml:3: unknown action "Q"/],
    ['unknown option', 'options:\n  - cleanPixelData\n  - retainEverything\n', /^bad\.yaml:3: unknown option "retainEverything"/],
    ['rule with two selectors', 'rules:\n  - keyword: PatientSex\n    tag: "(0010,0040)"\n    action: X\n', /^bad\.yaml:2: a rule names exactly one/],
    ['creator without element', 'rules:\n\n  - creator: ACME\n    action: X\n', /^bad\.yaml:3: element goes with creator/],
    ['element out of range', 'rules:\n  - creator: ACME\n    element: "0x1010"\n    action: X\n', /^bad\.yaml:3: bad element/],
    ['unknown top-level key', 'name: x\nopions: []\n', /^bad\.yaml:2: unknown key "opions"/],
    ['unknown rule key', 'rules:\n  - keyword: PatientSex\n    acton: X\n', /^bad\.yaml:3: unknown key "acton"/],
    ['rule without action', 'rules:\n  - keyword: PatientSex\n', /^bad\.yaml:2: a rule needs an action/],
    ['private tag by number', 'rules:\n  - tag: "(0029,1010)"\n    action: K\n', /^bad\.yaml:2: private tag \(0029,1010\)/],
    ['duplicate rule', 'rules:\n  - { keyword: PatientSex, action: X }\n  - { tag: "(0010,0040)", action: K }\n', /^bad\.yaml:3: a second rule for \(0010,0040\) \(first at line 2\)/],
    ['exclusive date options', 'options:\n  - retainLongitudinalFullDates\n  - retainLongitudinalModifiedDates\n', /^bad\.yaml:2: .*exclude each other/],
    ['not YAML', 'rules: [\n  - a\n', /^bad\.yaml:\d+: not valid YAML or JSON/],
    ['not a mapping', '- a\n- b\n', /^bad\.yaml:1: a recipe is a mapping/],
    ['odd group needed', 'safePrivate:\n  - { creator: ACME, element: "0x10", group: "0018" }\n', /^bad\.yaml:2: bad group/],
  ];
  for (const [what, text, pattern] of cases) {
    const error = recipeError(text);
    assert.match(error.message, pattern, what);
    assert.ok(error.hint, `${what} has a hint`);
  }
});

test('the shipped recipes load: basic has no option, research has its four', () => {
  const root = repoRoot();
  const basic = loadRecipeFile(join(root, 'recipes', 'basic.yaml'));
  assert.equal(basic.name, 'basic');
  assert.equal(basic.options.size, 0);
  const research = loadRecipeFile(join(root, 'recipes', 'research.yaml'));
  assert.deepEqual(
    [...research.options].sort(),
    ['cleanDescriptors', 'retainLongitudinalModifiedDates', 'retainPatientCharacteristics', 'retainSafePrivate'],
  );
  assert.equal(research.safePrivate.has(0x0043, 'GEMS_PARM_01', 0x39), true);
  assert.equal(basicRecipe().options.size, 0);
});

test('a missing recipe file is a recipe error with a hint', () => {
  assert.throws(() => loadRecipeFile(join(repoRoot(), 'recipes', 'no-such-recipe.yaml')), (error: unknown) => {
    return error instanceof MedVeilError && error.code === 'recipe' && /cannot read recipe/.test(error.message);
  });
});
