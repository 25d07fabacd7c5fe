import { trimLeadingSpaces, trimPaddingEnd } from '../dicom/trim-padding.js';
import type { SensitivityLevel } from './sensitivity-level.js';
import { CRITERIA, type Criterion, type SensitivityRules, normaliseBodyPart } from './sensitivity-rules.js';

/** What ingest knows about one instance (or series) when it classifies. Values as read from the file. */
export interface SensitivityFacts {
  /** Modality (0008,0060). */
  readonly modality?: string;
  /** Body Part Examined (0018,0015). */
  readonly bodyPart?: string;
  /** SOP Class UID (0008,0016). */
  readonly sopClassUid?: string;
  /** Identifier of the department that owns the study. */
  readonly department?: string;
}

export interface Classification {
  readonly level: SensitivityLevel;
  /** The rules that gave `level`, in rule order; empty when it is the default level. */
  readonly ruleIds: readonly string[];
}

/** Values a criterion is compared in, or undefined when the fact is absent or blank. */
function normalisedFacts(facts: SensitivityFacts): Record<Criterion, string | undefined> {
  const dicomText = (value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const trimmed = trimLeadingSpaces(trimPaddingEnd(value));
    return trimmed === '' ? undefined : trimmed;
  };
  const bodyPart = dicomText(facts.bodyPart);
  const department = facts.department === undefined || facts.department === '' ? undefined : facts.department;
  return {
    modality: dicomText(facts.modality)?.toUpperCase(),
    bodyPart: bodyPart === undefined ? undefined : normaliseBodyPart(bodyPart) || undefined,
    sopClassUid: dicomText(facts.sopClassUid),
    department,
  };
}

/**
 * The level of one instance: the highest level among the rules that match it, or the default
 * level when none does. Highest rather than first, so that a rule added later or listed in the
 * wrong place can raise a level but never hide a more sensitive match
 * (docs/decisions/access-policy.md).
 */
export function classifySensitivity(rules: SensitivityRules, facts: SensitivityFacts): Classification {
  const values = normalisedFacts(facts);
  let level: SensitivityLevel | undefined;
  let ruleIds: string[] = [];
  for (const rule of rules.rules) {
    const matches = CRITERIA.every((criterion) => {
      const wanted = rule[criterion];
      if (wanted === undefined) return true;
      const value = values[criterion];
      // Rule values are validated in compared form (`parseSensitivityRules`).
      return value !== undefined && wanted.includes(value);
    });
    if (!matches) continue;
    if (level === undefined || rule.level > level) {
      level = rule.level;
      ruleIds = [rule.id];
    } else if (rule.level === level) {
      ruleIds.push(rule.id);
    }
  }
  return level === undefined ? { level: rules.defaultLevel, ruleIds: [] } : { level, ruleIds };
}

/**
 * The level of a study: the highest level of its instances (or series), since a study is
 * served as a whole and its most sensitive part decides who may see it. A study of which
 * nothing is known yet gets the default level.
 */
export function classifyStudySensitivity(rules: SensitivityRules, instances: readonly SensitivityFacts[]): Classification {
  let best: Classification = { level: rules.defaultLevel, ruleIds: [] };
  let seenAny = false;
  for (const facts of instances) {
    const found = classifySensitivity(rules, facts);
    if (!seenAny || found.level > best.level) {
      best = found;
    } else if (found.level === best.level) {
      best = { level: best.level, ruleIds: [...new Set([...best.ruleIds, ...found.ruleIds])] };
    }
    seenAny = true;
  }
  return best;
}
