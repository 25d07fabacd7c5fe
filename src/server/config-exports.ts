/**
 * The `exports` section of the server config (docs/exports.md, "Recipients").
 *
 * - `recipients`: who export packages may be made for, besides the requester themselves (the
 *   recipient `requester`, always there). Each has an `id` (1 to 32 of a-z, 0-9 and "-"), a
 *   `name` shown to requesters and approvers, a `recipe` (a recipe file: a name in the bundled
 *   recipes/ folder, or a path, relative to the config file) and `accounts`, the MedVeil accounts
 *   that download for it (at least one).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { MedVeilError } from '../errors.js';
import { type ExportRecipient, RECIPIENT_ID, REQUESTER_RECIPIENT_ID } from '../gateway/export-recipient.js';
import { canonicalUserName, USER_NAME_RULE } from '../gateway/user-name.js';
import { packageRoot } from '../package-root.js';

export const EXPORTS_DEFAULT_CONFIG_TEXT = `exports:
  recipients: []
`;

export interface ExportsConfig {
  readonly recipients: readonly ExportRecipient[];
}

type Problem = (message: string) => MedVeilError;

export function readExportsConfig(section: Record<string, unknown>, baseDir: string, problem: Problem): ExportsConfig {
  const listed = section.recipients;
  if (!Array.isArray(listed)) throw problem(`exports.recipients must be a list, got ${JSON.stringify(listed)}`);
  const seen = new Set<string>([REQUESTER_RECIPIENT_ID]);
  const recipients = listed.map((item: unknown, i): ExportRecipient => {
    const key = `exports.recipients[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw problem(`${key} must be a mapping with id, name, recipe and accounts`);
    const { id, name, recipe, accounts, ...rest } = item as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw problem(`${key} has an unknown key: ${unknown[0]} (known: id, name, recipe, accounts)`);
    if (typeof id !== 'string' || !RECIPIENT_ID.test(id)) throw problem(`${key}.id must be 1 to 32 of a-z, 0-9 and "-", starting with a letter; got ${JSON.stringify(id)}`);
    if (seen.has(id)) throw problem(`${key}.id ${id} is ${id === REQUESTER_RECIPIENT_ID ? 'the built-in recipient of the requester' : 'used twice'}`);
    seen.add(id);
    if (typeof name !== 'string' || name.trim() === '' || name.length > 200 || /[\u0000-\u001f\u007f]/.test(name)) throw problem(`${key}.name must be 1 to 200 printable characters`);
    if (typeof recipe !== 'string' || recipe.trim() === '') throw problem(`${key}.recipe must name a recipe file`);
    // Account names as the account store keeps them (user-name.ts), so `ACME-Upload` is the account acme-upload.
    const names = Array.isArray(accounts) ? accounts.map((account) => canonicalUserName(account)) : [];
    if (names.length === 0 || names.some((account) => account === undefined)) {
      throw problem(`${key}.accounts must list the account names (at least one) that download for ${id}; a name is ${USER_NAME_RULE}`);
    }
    return { id, name, recipeFile: recipePath(recipe, baseDir), accounts: [...new Set(names as string[])] };
  });
  return { recipients };
}

/** A bare name of the bundled recipes/ folder, or a path relative to the config file. */
function recipePath(recipe: string, baseDir: string): string {
  if (isAbsolute(recipe)) return recipe;
  const bundled = join(packageRoot(), 'recipes', recipe);
  return !recipe.includes('/') && !recipe.includes('\\') && existsSync(bundled) ? bundled : resolve(baseDir, recipe);
}
