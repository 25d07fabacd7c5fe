/**
 * Sensitivity levels 1 to 5, in the sense of the five grades of GB/T 39725-2020 (Information
 * security technology, guide for health data security): 1 may be public, 5 may be seen only by
 * very few people under strict conditions. A study without a level is "unlabeled" and is
 * denied to everyone (see `decideAccess`).
 */
export type SensitivityLevel = 1 | 2 | 3 | 4 | 5;

export const SENSITIVITY_LEVELS: readonly SensitivityLevel[] = [1, 2, 3, 4, 5];

export function isSensitivityLevel(value: unknown): value is SensitivityLevel {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5;
}
