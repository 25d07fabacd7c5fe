import { issueApiToken } from '../access/identity/api-token.js';
import { MedVeilError } from '../errors.js';
import type { StoredApiToken, UserRecord } from '../storage/account-store.js';
import type { AccountDeps } from './account-deps.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';
import { requiresMfa } from './user-view.js';

export interface CreateApiTokenInput {
  /** The signed-in person, who owns the token: it acts with their roles and never more. */
  readonly by: UserRecord;
  readonly name: unknown;
  readonly scopes: unknown;
  /** Milliseconds since the epoch; at most 366 days ahead (api-token.ts). */
  readonly expiresAt: unknown;
}

export type CreateApiTokenResult =
  | { readonly outcome: 'created'; readonly token: string; readonly record: StoredApiToken }
  | AccountRefusal;

const TOKEN_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._:@/-]{0,63}$/u;

/**
 * A person creates an API token for a service they run (a PACS forwarder signs in as its own
 * technician account). The token acts for its owner: with the owner's roles, departments and
 * care relationships as they are at each request, narrowed by its scopes (DICOMweb, DIMSE or
 * audit reading, never an account or approval action: api-token.ts). The token text is
 * returned once; only its digest is kept.
 *
 * An account whose roles need a second factor (admin, DSO, director) owns no token: a token
 * carries no one-time code, so every request made with it would skip the factor the role
 * demands (issue 4, acceptance 4). This also keeps an administrator from holding a credential
 * for data access, and nobody mints a token for someone else's account.
 */
export async function createApiToken(deps: AccountDeps, input: CreateApiTokenInput): Promise<CreateApiTokenResult> {
  if (requiresMfa(input.by)) {
    return refusal('mfa-role-token', 'your role needs a second factor, which an API token cannot carry; create the token from an account for the service (for example a technician account that stores)');
  }
  if (typeof input.name !== 'string' || !TOKEN_NAME.test(input.name)) {
    return refusal('invalid-token-request', 'a token name is 1 to 64 letters, digits, spaces and . _ : @ / -, naming the service that uses it');
  }
  const scopes = Array.isArray(input.scopes) && input.scopes.every((scope) => typeof scope === 'string') ? (input.scopes as string[]) : undefined;
  if (scopes === undefined || typeof input.expiresAt !== 'number' || !Number.isSafeInteger(input.expiresAt)) {
    return refusal('invalid-token-request', 'give scopes as a list of names and an expiry time');
  }
  const now = deps.clock.now();
  let issued;
  try {
    issued = issueApiToken({ name: input.name, scopes, expiresAt: input.expiresAt }, { now });
  } catch (error) {
    if (error instanceof MedVeilError && error.code === 'token') return refusal('invalid-token-request', error.hint === undefined ? error.message : `${error.message}: ${error.hint}`);
    throw error;
  }
  const record: StoredApiToken = { ...issued.record, createdBy: input.by.name, owner: input.by.name };
  await deps.audit.append({
    type: 'key-change',
    outcome: 'success',
    actor: auditActorOf(input.by),
    detail: { action: 'create-api-token', tokenId: record.id, owner: input.by.name, tokenName: record.name, scopes: record.scopes.join(','), expiresAt: new Date(record.expiresAt).toISOString() },
  });
  await deps.accounts.insertApiToken(record);
  return { outcome: 'created', token: issued.token, record };
}
