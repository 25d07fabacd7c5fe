/**
 * Login names: what people type and what audit events record as the user (PS3.15 A.5.1
 * UserID). Stored in one canonical form, NFKC and lower case, so that `Jane`, `jane` and a
 * full-width `ｊａｎｅ` are one account, never three.
 */
const USER_NAME = /^[a-z0-9](?:[a-z0-9._@-]{0,62}[a-z0-9])?$/;

/**
 * Names the gateway itself writes as audit actors; a person named so would be
 * indistinguishable from them in the trail.
 */
export const RESERVED_USER_NAMES: ReadonlySet<string> = new Set(['anonymous', 'unknown-user', 'medveil', 'medveil-log', 'system', 'root']);

/** The canonical form of a typed name, or undefined when it cannot be a login name. */
export function canonicalUserName(typed: unknown): string | undefined {
  if (typeof typed !== 'string' || typed.length > 256) return undefined;
  const canonical = typed.normalize('NFKC').trim().toLowerCase();
  return USER_NAME.test(canonical) ? canonical : undefined;
}

/** Whether `canonical` may be given to a new account. */
export function isAssignableUserName(canonical: string): boolean {
  return canonical.length >= 2 && !RESERVED_USER_NAMES.has(canonical);
}

export const USER_NAME_RULE = '2 to 64 characters: letters, digits and . _ @ -, starting and ending with a letter or digit';
