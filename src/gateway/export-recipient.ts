/**
 * Who an export package is for, and how it is de-identified for them (issue 6, "Exports": "the
 * recipient's recipe", "a download link bound to the recipient").
 *
 * A recipient is named by the export request itself, so the approvers see where the data go
 * and a change of recipient voids their approvals (the request's content hash covers it). The
 * recipient `requester` is always there: the requester's own account downloads, with the
 * research recipe. Others (an annotation vendor, another hospital) are configured in
 * `exports.recipients` (config-exports.ts) with their recipe and the MedVeil accounts that may
 * download for them.
 *
 * Each recipient gets pseudonyms of its own: its pseudonym key is derived from the server's
 * export key and the recipient's id, so two packages for one vendor agree on a patient's
 * pseudonym (the vendor can follow a patient across deliveries, as a study needs), while two
 * vendors' pseudonyms cannot be joined. The download link carries a keyed token over the export,
 * the recipient and the expiry: a link is good for that package, for that recipient's accounts,
 * until then, and for nothing else.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { createPseudonymizer } from '../deid/pseudonym/create-pseudonymizer.js';
import { loadRecipeFile } from '../deid/load-recipe.js';
import type { Pseudonymizer } from '../deid/pseudonymizer.js';
import type { Recipe } from '../deid/recipe.js';
import { MedVeilError } from '../errors.js';
import { packageRoot } from '../package-root.js';

export interface ExportRecipient {
  /** 1 to 32 of a-z, 0-9 and "-", starting with a letter. */
  readonly id: string;
  /** Shown to requesters and approvers. */
  readonly name: string;
  /** The recipe file: absolute, or resolved when the config was read. */
  readonly recipeFile: string;
  /** The accounts that may download the recipient's packages; for `requester`, none (the requester does). */
  readonly accounts: readonly string[];
}

export const REQUESTER_RECIPIENT_ID = 'requester';
export const RECIPIENT_ID = /^[a-z][a-z0-9-]{0,31}$/;

/** The recipient every server has: the requester's own account, with recipes/research.yaml. */
export function requesterRecipient(): ExportRecipient {
  return { id: REQUESTER_RECIPIENT_ID, name: 'The requester', recipeFile: join(packageRoot(), 'recipes', 'research.yaml'), accounts: [] };
}

/** A recipient as export jobs use it: its recipe (Clean Pixel Data on) and its own pseudonyms. */
export interface ExportRecipientSetup {
  readonly recipient: ExportRecipient;
  readonly recipe: Recipe;
  readonly pseudonymizer: Pseudonymizer;
}

/** A recipe as export packages need it: Clean Pixel Data on, and the pixel stage never skipped. */
export function exportRecipe(base: Recipe): Recipe {
  return { ...base, options: new Set([...base.options, 'cleanPixelData']), pixelsKnownClean: false };
}

/**
 * Every recipient ready for use, by id, `requester` included; reads their recipes (at start-up:
 * a bad recipe stops the server). `exportKey` is the server's export key (server-keys.ts).
 */
export function exportRecipientSetups(recipients: readonly ExportRecipient[], exportKey: Uint8Array): ReadonlyMap<string, ExportRecipientSetup> {
  const all = recipients.some((r) => r.id === REQUESTER_RECIPIENT_ID) ? recipients : [requesterRecipient(), ...recipients];
  const setups = new Map<string, ExportRecipientSetup>();
  for (const recipient of all) {
    if (!RECIPIENT_ID.test(recipient.id) || setups.has(recipient.id)) throw new MedVeilError('config', `export recipient ids are unique, 1 to 32 of a-z, 0-9 and "-"; got ${JSON.stringify(recipient.id)}`);
    setups.set(recipient.id, {
      recipient,
      recipe: exportRecipe(loadRecipeFile(recipient.recipeFile)),
      pseudonymizer: createPseudonymizer(derivedKey(exportKey, `pseudonyms\n${recipient.id}`)),
    });
  }
  return setups;
}

/** Whether `userName` downloads for `recipient` the package of an export `requester` asked for. */
export function downloadsFor(recipient: ExportRecipient, requester: string, userName: string): boolean {
  return recipient.id === REQUESTER_RECIPIENT_ID ? userName === requester : recipient.accounts.includes(userName);
}

/** The token of a download link: the export, its recipient and the package's expiry, keyed. 43 base64url characters. */
export function downloadLinkToken(exportKey: Uint8Array, link: { exportId: string; recipientId: string; expiresAt: number }): string {
  return createHmac('sha256', derivedKey(exportKey, 'download-link'))
    .update(`medveil-export-link\n${link.exportId}\n${link.recipientId}\n${link.expiresAt}`)
    .digest('base64url');
}

/** Whether `token` is the link token of this export, recipient and expiry (compared in constant time). */
export function isDownloadLinkToken(exportKey: Uint8Array, link: { exportId: string; recipientId: string; expiresAt: number }, token: string): boolean {
  const expected = Buffer.from(downloadLinkToken(exportKey, link));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A key for one use, derived from the export key (HMAC-SHA-256 as a PRF with a label per use). */
function derivedKey(exportKey: Uint8Array, label: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', exportKey).update(`medveil-export-key\n${label}`).digest());
}
