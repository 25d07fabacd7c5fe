/**
 * Sensitivity rules as data. The shape (JSON):
 *
 *   {
 *     "description": "optional prose",
 *     "defaultLevel": 3,
 *     "rules": [
 *       { "id": "chest-radiograph", "level": 3, "modality": ["CR", "DX"], "bodyPart": ["CHEST"],
 *         "why": "optional prose" }
 *     ]
 *   }
 *
 * A rule matches an instance when every criterion it names matches (AND across criteria, any
 * listed value within one). Criteria: `modality` (0008,0060), `bodyPart` (0018,0015),
 * `sopClassUid` (0008,0016), `department` (the owning department's identifier). The level of
 * an instance is the highest level among the rules that match it, `defaultLevel` when none does
 * (docs/decisions/access-policy.md says why highest rather than first).
 *
 * Every mistake is a MedVeilError('config') naming the source and the rule (its position and
 * id); unknown keys are errors, never skipped (STYLE.md rule 1).
 */
import { MedVeilError } from '../errors.js';
import { type SensitivityLevel, isSensitivityLevel } from './sensitivity-level.js';

export interface SensitivityRule {
  readonly id: string;
  readonly level: SensitivityLevel;
  readonly modality?: readonly string[];
  readonly bodyPart?: readonly string[];
  readonly sopClassUid?: readonly string[];
  readonly department?: readonly string[];
  readonly why?: string;
}

export interface SensitivityRules {
  readonly defaultLevel: SensitivityLevel;
  readonly rules: readonly SensitivityRule[];
}

export const CRITERIA = ['modality', 'bodyPart', 'sopClassUid', 'department'] as const;
export type Criterion = (typeof CRITERIA)[number];

const TOP_LEVEL_KEYS = new Set(['description', 'defaultLevel', 'rules']);
const RULE_KEYS = new Set<string>(['id', 'level', 'why', ...CRITERIA]);
const RULE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** PS3.5 6.2 CS: upper case letters, digits, space and underscore, at most 16 characters. */
const MODALITY = /^[A-Z0-9_]{1,16}$/;
/** Body parts are compared in `normaliseBodyPart` form, so rules are written in it. */
const BODY_PART = /^[A-Z0-9]{1,64}$/;
/** PS3.5 9.1: digits and dots, no empty or zero-led component, at most 64 characters. */
const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

const CRITERION_FORMAT: Record<Criterion, { pattern: RegExp; says: string }> = {
  modality: { pattern: MODALITY, says: 'a DICOM modality defined term in upper case, such as CR' },
  bodyPart: {
    pattern: BODY_PART,
    says: 'a body part in upper case without spaces, hyphens or underscores, such as CHEST or CHESTABDOMEN',
  },
  sopClassUid: { pattern: UID, says: 'a SOP Class UID such as 1.2.840.10008.5.1.4.1.1.1' },
  department: { pattern: /^\S(.*\S)?$/, says: 'a department identifier without surrounding spaces' },
};

/**
 * Body Part Examined is CS, but devices write "Chest", "CHEST_ABDOMEN" or "C-SPINE" for the
 * defined terms CHEST, CHESTABDOMEN and CSPINE (PS3.16 Annex L), so both sides are compared
 * in upper case with everything but letters and digits removed.
 */
export function normaliseBodyPart(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Validates rules read from outside (a config file, the bundled defaults). */
export function parseSensitivityRules(value: unknown, source: string): SensitivityRules {
  const fail = (message: string): MedVeilError =>
    new MedVeilError('config', `${source}: ${message}`, { hint: 'fix the sensitivity rules and start again' });
  if (!isPlainObject(value)) throw fail('sensitivity rules are an object with defaultLevel and rules');
  for (const key of Object.keys(value)) {
    if (!TOP_LEVEL_KEYS.has(key)) throw fail(`unknown key "${key}" (known: ${[...TOP_LEVEL_KEYS].join(', ')})`);
  }
  if (value.description !== undefined && typeof value.description !== 'string') throw fail('description is text');
  if (!isSensitivityLevel(value.defaultLevel)) throw fail('defaultLevel is a whole number from 1 to 5');
  if (!Array.isArray(value.rules)) throw fail('rules is a list');

  const seen = new Set<string>();
  const rules = value.rules.map((raw, index) => {
    const rule = parseRule(raw, (message) => {
      const id = isPlainObject(raw) && typeof raw.id === 'string' ? ` ("${raw.id.slice(0, 64)}")` : '';
      return fail(`rule ${index + 1}${id}: ${message}`);
    });
    if (seen.has(rule.id)) throw fail(`rule ${index + 1} ("${rule.id}"): the id is used by an earlier rule`);
    seen.add(rule.id);
    return rule;
  });
  return { defaultLevel: value.defaultLevel, rules };
}

function parseRule(raw: unknown, fail: (message: string) => MedVeilError): SensitivityRule {
  if (!isPlainObject(raw)) throw fail('a rule is an object with id, level and at least one criterion');
  for (const key of Object.keys(raw)) {
    if (!RULE_KEYS.has(key)) throw fail(`unknown key "${key}" (known: ${[...RULE_KEYS].join(', ')})`);
  }
  if (typeof raw.id !== 'string' || !RULE_ID.test(raw.id)) {
    throw fail('id is required: lower case letters, digits and hyphens, such as chest-radiograph');
  }
  if (!isSensitivityLevel(raw.level)) throw fail('level is a whole number from 1 to 5');
  if (raw.why !== undefined && typeof raw.why !== 'string') throw fail('why is text');

  const rule: { -readonly [K in keyof SensitivityRule]: SensitivityRule[K] } = { id: raw.id, level: raw.level };
  if (raw.why !== undefined) rule.why = raw.why as string;
  for (const criterion of CRITERIA) {
    const values = raw[criterion];
    if (values === undefined) continue;
    const format = CRITERION_FORMAT[criterion];
    if (!Array.isArray(values) || values.length === 0) throw fail(`${criterion} is a non-empty list`);
    for (const item of values) {
      if (typeof item !== 'string' || !format.pattern.test(item) || (criterion === 'sopClassUid' && item.length > 64)) {
        const shown = typeof item === 'string' ? JSON.stringify(item.slice(0, 64)) : typeof item;
        throw fail(`${criterion} value ${shown} is not ${format.says}`);
      }
    }
    rule[criterion] = values as string[];
  }
  if (!CRITERIA.some((criterion) => rule[criterion] !== undefined)) {
    throw fail(`names no criterion (${CRITERIA.join(', ')}); a rule for everything is defaultLevel`);
  }
  return rule;
}

/**
 * Departments that rules name but the site does not know. Department identifiers are the
 * site's own, so the bundled rules may name ones a site calls otherwise; the composition root
 * reports them at start-up, so that a psychiatry rule never silently matches nothing.
 */
export function unknownDepartments(rules: SensitivityRules, known: Iterable<string>): string[] {
  const knownSet = new Set(known);
  const named = rules.rules.flatMap((rule) => rule.department ?? []);
  return [...new Set(named)].filter((department) => !knownSet.has(department));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
