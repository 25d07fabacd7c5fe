/**
 * Who an export package is for, and how it is de-identified for them. For now a small list in
 * code (issue 6, first slice): one recipient kind, `requester`, bound to the requester's own
 * account, de-identified with recipes/research.yaml with the Clean Pixel Data option switched
 * on (the bundled pixel rules). A configurable list of named recipients (another hospital, an
 * annotation vendor) with their own recipes and watermarks is the next step (docs/exports.md).
 */
import { join } from 'node:path';
import { loadRecipeFile } from '../deid/load-recipe.js';
import type { Recipe } from '../deid/recipe.js';
import { packageRoot } from '../package-root.js';

export interface ExportRecipient {
  readonly id: 'requester';
  /** The recipe file in recipes/, without the folder. */
  readonly recipeFile: string;
}

export const EXPORT_RECIPIENTS: readonly ExportRecipient[] = [{ id: 'requester', recipeFile: 'research.yaml' }];

/** A recipe as export packages need it: Clean Pixel Data on, and the pixel stage never skipped. */
export function exportRecipe(base: Recipe): Recipe {
  return { ...base, options: new Set([...base.options, 'cleanPixelData']), pixelsKnownClean: false };
}

/** The recipient's recipe, read from the package's recipes/ folder (at start-up: a bad recipe stops the server). */
export function loadExportRecipe(recipient: ExportRecipient = EXPORT_RECIPIENTS[0]!): Recipe {
  return exportRecipe(loadRecipeFile(join(packageRoot(), 'recipes', recipient.recipeFile)));
}
