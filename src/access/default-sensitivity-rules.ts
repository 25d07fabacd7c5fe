import bundled from './default-sensitivity-rules.json' with { type: 'json' };
import { type SensitivityRules, parseSensitivityRules } from './sensitivity-rules.js';

/**
 * The bundled rules of `default-sensitivity-rules.json`, validated when this module loads, so
 * a mistake in the shipped file stops start-up instead of mislabelling studies.
 */
export const DEFAULT_SENSITIVITY_RULES: SensitivityRules = parseSensitivityRules(
  bundled,
  'src/access/default-sensitivity-rules.json',
);
