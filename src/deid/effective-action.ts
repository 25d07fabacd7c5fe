import { DEID_OPTIONS, type DeidOption, OPTION_COLUMN } from './options.js';
import type { Action, ProfileCode, ProfileRow } from './profile.js';

/**
 * The single action for a code of Table E.1-1. The combined codes depend on the Type of the
 * attribute in the IOD, which we do not know; we assume Type 1, the strictest reading that keeps
 * the output conformant and reveals nothing (docs/decisions/0001-unknown-iod-type.md):
 * X/Z → Z, X/D → D, X/Z/D → D, Z/D → D, X/Z/U* → U.
 */
export function resolveCode(code: ProfileCode): Action {
  switch (code) {
    case 'X/Z': return 'Z';
    case 'X/D': case 'X/Z/D': case 'Z/D': return 'D';
    case 'X/Z/U*': return 'U';
    default: return code;
  }
}

/** How much each single action reveals, least first; used when two selected options disagree. */
const STRICTNESS: Readonly<Record<Action, number>> = { X: 5, Z: 4, D: 3, U: 2, C: 1, K: 0 };

export interface EffectiveAction {
  readonly action: Action;
  /** The option whose column decided the action; undefined when the basic profile did. */
  readonly option: DeidOption | undefined;
}

/**
 * The action for a row under a set of options: a selected option's column replaces the basic
 * action (PS3.15 E.3); when several selected options name different actions for the same row
 * (e.g. Retain Device Identity K and Modified Dates C on a calibration date), the stricter wins.
 */
export function effectiveAction(row: ProfileRow, options: ReadonlySet<DeidOption>): EffectiveAction {
  let chosen: EffectiveAction | undefined;
  for (const option of DEID_OPTIONS) {
    if (!options.has(option)) continue;
    const column = OPTION_COLUMN[option];
    if (!column) continue;
    const code = row.options[column];
    if (!code) continue;
    const action = resolveCode(code);
    if (!chosen || STRICTNESS[action] > STRICTNESS[chosen.action]) chosen = { action, option };
  }
  return chosen ?? { action: resolveCode(row.basic), option: undefined };
}
