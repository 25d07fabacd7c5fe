/**
 * A recipe: which PS3.15 E.3 options apply and which attributes get another action than the
 * profile gives them. Keywords are resolved to tags when the recipe is built, never later.
 * `parseRecipe` (load-recipe.ts) builds one from JSON or YAML text.
 */
import { MedVeilError } from '../errors.js';
import type { DeidOption } from './options.js';
import type { Action } from './profile.js';
import { DEFAULT_SAFE_PRIVATE, type SafePrivateEntry, SafePrivateList, normaliseCreator } from './safe-private.js';

/** An action for every tag matching (tag & mask) === value: the repeating groups, by keyword (OverlayData). */
export interface PatternRule {
  readonly value: number;
  readonly mask: number;
  readonly action: Action;
}

export interface Recipe {
  readonly name: string;
  readonly options: ReadonlySet<DeidOption>;
  readonly tagActions: ReadonlyMap<number, Action>;
  readonly patternActions: readonly PatternRule[];
  /** Keyed by `privateRuleKey(creator, element)`. */
  readonly privateActions: ReadonlyMap<string, Action>;
  readonly safePrivate: SafePrivateList;
  /**
   * The recipe's author states that Pixel Data and overlays hold no burned-in identity and no
   * recognizable visual features (e.g. cleaned upstream); the pixel stage then does not run.
   * Without it, only the pixel stage can make PatientIdentityRemoved YES for an image.
   */
  readonly pixelsKnownClean: boolean;
}

export function privateRuleKey(creator: string, element: number): string {
  return `${normaliseCreator(creator)}\u0000${element}`;
}

export interface RecipeInit {
  name?: string;
  options?: Iterable<DeidOption>;
  tagActions?: Iterable<readonly [number, Action]>;
  patternActions?: readonly PatternRule[];
  privateActions?: Iterable<{ readonly creator: string; readonly element: number; readonly action: Action }>;
  /** Added to the seed list of `safe-private.json`. */
  safePrivate?: readonly SafePrivateEntry[];
  pixelsKnownClean?: boolean;
}

/** Builds a recipe in code; throws MedVeilError('recipe') for options that exclude each other. */
export function createRecipe(init: RecipeInit = {}): Recipe {
  const options = new Set(init.options ?? []);
  if (options.has('retainLongitudinalFullDates') && options.has('retainLongitudinalModifiedDates')) {
    throw new MedVeilError('recipe', 'retainLongitudinalFullDates and retainLongitudinalModifiedDates exclude each other (PS3.15 E.3.6)', {
      hint: 'keep one of the two options in the recipe',
    });
  }
  const privateActions = new Map<string, Action>();
  for (const rule of init.privateActions ?? []) privateActions.set(privateRuleKey(rule.creator, rule.element), rule.action);
  return {
    name: init.name ?? 'basic',
    options,
    tagActions: new Map(init.tagActions ?? []),
    patternActions: init.patternActions ?? [],
    privateActions,
    safePrivate: init.safePrivate && init.safePrivate.length > 0 ? DEFAULT_SAFE_PRIVATE.extend(init.safePrivate) : DEFAULT_SAFE_PRIVATE,
    pixelsKnownClean: init.pixelsKnownClean ?? false,
  };
}
