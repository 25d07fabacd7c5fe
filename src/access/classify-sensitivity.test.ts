import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type SensitivityFacts, classifySensitivity, classifyStudySensitivity } from './classify-sensitivity.js';
import { DEFAULT_SENSITIVITY_RULES } from './default-sensitivity-rules.js';
import { parseSensitivityRules } from './sensitivity-rules.js';

const MAMMOGRAPHY_FOR_PRESENTATION = '1.2.840.10008.5.1.4.1.1.1.2';
const CR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.1';

/** [case, facts, level, the rules that gave it] against the bundled rules. */
const DEFAULT_CASES: ReadonlyArray<[string, SensitivityFacts, number, string[]]> = [
  ['a chest CR', { modality: 'CR', bodyPart: 'CHEST', sopClassUid: CR_IMAGE_STORAGE }, 3, ['chest-radiograph']],
  ['a chest DX', { modality: 'DX', bodyPart: 'CHEST' }, 3, ['chest-radiograph']],
  ['a chest CR written THORAX', { modality: 'CR', bodyPart: 'THORAX' }, 3, ['chest-radiograph']],
  ['a chest CR written LUNG', { modality: 'CR', bodyPart: 'LUNG' }, 3, ['chest-radiograph']],
  ['a chest CR with padding and lower case', { modality: 'cr ', bodyPart: ' Chest\0' }, 3, ['chest-radiograph']],
  ['a chest CT (not a radiograph): the default', { modality: 'CT', bodyPart: 'CHEST' }, 3, []],
  ['a hand radiograph', { modality: 'DX', bodyPart: 'HAND' }, 2, ['extremity-radiograph']],
  ['a knee radiograph written in lower case', { modality: 'CR', bodyPart: 'knee' }, 2, ['extremity-radiograph']],
  ['a head CT', { modality: 'CT', bodyPart: 'HEAD' }, 4, ['head-volume']],
  ['a brain MR', { modality: 'MR', bodyPart: 'BRAIN' }, 4, ['head-volume']],
  ['a head radiograph (no volume): the default', { modality: 'CR', bodyPart: 'SKULL' }, 3, []],
  ['a mammogram', { modality: 'MG', bodyPart: 'BREAST', sopClassUid: MAMMOGRAPHY_FOR_PRESENTATION }, 4, ['mammography-modality', 'breast-body-part', 'breast-sop-classes']],
  ['a mammogram with empty modality and body part', { sopClassUid: MAMMOGRAPHY_FOR_PRESENTATION }, 4, ['breast-sop-classes']],
  ['a breast ultrasound', { modality: 'US', bodyPart: 'BREAST' }, 4, ['breast-body-part']],
  ['a pelvic ultrasound of the uterus', { modality: 'US', bodyPart: 'UTERUS' }, 4, ['intimate-anatomy']],
  ['an external photograph', { modality: 'XC' }, 4, ['photographs']],
  ['a structured report', { modality: 'SR' }, 4, ['reports-and-documents']],
  ['a study of obstetrics', { modality: 'US', bodyPart: 'ABDOMEN', department: 'obstetrics' }, 4, ['obstetrics-gynaecology']],
  ['a chest CR of psychiatry: the department wins over the chest rule', { modality: 'CR', bodyPart: 'CHEST', department: 'psychiatry' }, 5, ['special-departments']],
  ['a hand radiograph of the HIV clinic', { modality: 'DX', bodyPart: 'HAND', department: 'hiv-clinic' }, 5, ['special-departments']],
  ['nothing known: the default', {}, 3, []],
  ['an unknown modality: the default', { modality: 'ZZ' }, 3, []],
  ['a blank body part does not match', { modality: 'CR', bodyPart: '  ' }, 3, []],
];

for (const [name, facts, level, ruleIds] of DEFAULT_CASES) {
  test(`default rules: ${name} is level ${level}`, () => {
    assert.deepEqual(classifySensitivity(DEFAULT_SENSITIVITY_RULES, facts), { level, ruleIds });
  });
}

const ORDERED = parseSensitivityRules(
  {
    defaultLevel: 3,
    rules: [
      { id: 'cr-low', level: 1, modality: ['CR'] },
      { id: 'chest-mid', level: 3, modality: ['CR'], bodyPart: ['CHEST'] },
      { id: 'psy', level: 5, department: ['psychiatry'] },
    ],
  },
  'test',
);

test('classifySensitivity() gives the highest matching level, whatever the rule order', () => {
  const reversed = { ...ORDERED, rules: [...ORDERED.rules].reverse() };
  for (const rules of [ORDERED, reversed]) {
    assert.equal(classifySensitivity(rules, { modality: 'CR', bodyPart: 'CHEST' }).level, 3);
    assert.equal(classifySensitivity(rules, { modality: 'CR', bodyPart: 'CHEST', department: 'psychiatry' }).level, 5);
  }
});

test('classifySensitivity() lets a matching rule go below the default level', () => {
  assert.deepEqual(classifySensitivity(ORDERED, { modality: 'CR', bodyPart: 'HAND' }), { level: 1, ruleIds: ['cr-low'] });
});

test('classifySensitivity() needs every criterion of a rule to match', () => {
  assert.deepEqual(classifySensitivity(ORDERED, { bodyPart: 'CHEST' }), { level: 3, ruleIds: [] });
});

test('classifySensitivity() compares departments exactly: identifiers are the site\'s', () => {
  assert.equal(classifySensitivity(ORDERED, { department: 'Psychiatry' }).level, 3);
  assert.equal(classifySensitivity(ORDERED, { department: 'psychiatry' }).level, 5);
});

test('classifyStudySensitivity() gives a study the level of its most sensitive instance', () => {
  const study: SensitivityFacts[] = [
    { modality: 'CR', bodyPart: 'HAND' },
    { modality: 'CR', bodyPart: 'CHEST' },
    { modality: 'SR' },
  ];
  assert.deepEqual(classifyStudySensitivity(DEFAULT_SENSITIVITY_RULES, study), { level: 4, ruleIds: ['reports-and-documents'] });
  assert.deepEqual(classifyStudySensitivity(DEFAULT_SENSITIVITY_RULES, study.slice(0, 1)), { level: 2, ruleIds: ['extremity-radiograph'] });
  assert.deepEqual(
    classifyStudySensitivity(DEFAULT_SENSITIVITY_RULES, [{ modality: 'CR', bodyPart: 'HAND' }, { modality: 'OT' }]),
    { level: 3, ruleIds: [] },
    'an unmatched instance at the default level outranks a level 2 match',
  );
  assert.deepEqual(classifyStudySensitivity(DEFAULT_SENSITIVITY_RULES, []), { level: 3, ruleIds: [] });
});

test('classifySensitivity() reads body parts without case, spaces, hyphens or underscores (PS3.16 Annex L terms run together)', () => {
  const rules = parseSensitivityRules({ defaultLevel: 3, rules: [{ id: 'cap', level: 4, bodyPart: ['CHESTABDOMEN'] }] }, 'test');
  for (const written of ['CHESTABDOMEN', 'CHEST_ABDOMEN', 'Chest-Abdomen', 'CHEST ABDOMEN ']) {
    assert.equal(classifySensitivity(rules, { bodyPart: written }).level, 4, written);
  }
  assert.equal(classifySensitivity(rules, { bodyPart: 'CHEST' }).level, 3);
});
