/**
 * Which action a standard attribute gets under a recipe: the recipe's rule for its tag or
 * repeating group, else its row of PS3.15 Table E.1-1 under the recipe's options, else none.
 */
import { Tag } from '../dicom/tag.js';
import { effectiveAction } from './effective-action.js';
import type { DeidOption } from './options.js';
import { type Action, profileRowFor } from './profile.js';
import type { Recipe } from './recipe.js';

export interface Decision {
  readonly action: Action;
  /** The option whose column gave the action; undefined for the basic profile and overrides. */
  readonly option: DeidOption | undefined;
  /** The basic profile's action, for C on a value that cannot be cleaned; undefined off the table. */
  readonly basic: Action | undefined;
  /** A recipe override keeps what the profile with the options would remove or replace. */
  readonly weakens: boolean;
}

const CACHES = new WeakMap<Recipe, Map<number, Decision | null>>();

/** Decisions depend only on the recipe and the tag, so one cache serves every file of a run. */
function decisionCache(recipe: Recipe): Map<number, Decision | null> {
  let cache = CACHES.get(recipe);
  if (!cache) {
    cache = new Map();
    CACHES.set(recipe, cache);
  }
  return cache;
}

/** The action for a standard (even group) tag: a recipe rule, else Table E.1-1, else none (null). */
export function decideAction(recipe: Recipe, tag: number): Decision | null {
  const decisions = decisionCache(recipe);
  const cached = decisions.get(tag);
  if (cached !== undefined) return cached;
  const row = profileRowFor(tag);
  const basic = row ? effectiveAction(row, NO_OPTIONS).action : undefined;
  const profile = row ? effectiveAction(row, recipe.options) : undefined;
  const override = overrideFor(recipe, tag);
  let decision: Decision | null;
  if (override !== undefined) {
    const strict = profile?.action ?? (tag === Tag.EncryptedAttributesSequence ? 'X' : undefined);
    const weakens = (override === 'K' || override === 'C') && strict !== undefined && strict !== 'K' && strict !== override;
    decision = { action: override, option: undefined, basic, weakens };
  } else if (tag === Tag.EncryptedAttributesSequence) {
    // Not in Table E.1-1, but it holds original values, encrypted for a re-identifier (PS3.3 C.12.1.1.4.1).
    decision = { action: 'X', option: undefined, basic: 'X', weakens: false };
  } else if (profile) {
    decision = { ...profile, basic, weakens: false };
  } else {
    decision = null;
  }
  decisions.set(tag, decision);
  return decision;
}

const NO_OPTIONS: ReadonlySet<DeidOption> = new Set();

export function overrideFor(recipe: Recipe, tag: number): Action | undefined {
  return recipe.tagActions.get(tag) ?? recipe.patternActions.find((p) => ((tag & p.mask) >>> 0) === p.value)?.action;
}

