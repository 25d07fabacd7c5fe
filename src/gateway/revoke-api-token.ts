import type { UserRecord } from '../storage/account-store.js';
import type { AccountDeps } from './account-deps.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';

/**
 * The owner of an API token, or any administrator, revokes it; it stops working at once. To
 * anyone else another person's token is "unknown", so token ids cannot be probed.
 */
export async function revokeApiToken(deps: AccountDeps, input: { by: UserRecord; tokenId: string }): Promise<{ readonly outcome: 'revoked' } | AccountRefusal> {
  const token = await deps.accounts.findApiToken(input.tokenId);
  if (token === undefined || !(input.by.roles.includes('admin') || token.owner === input.by.name)) return refusal('unknown-token', `no API token ${input.tokenId}`);
  if (token.revokedAt !== undefined) return refusal('already-revoked', `API token ${token.id} was revoked already`);
  const now = deps.clock.now();
  await deps.audit.append({ type: 'key-change', outcome: 'success', actor: auditActorOf(input.by), detail: { action: 'revoke-api-token', tokenId: token.id, tokenName: token.name, ...(token.owner === undefined ? {} : { owner: token.owner }) } });
  if (!(await deps.accounts.markApiTokenRevoked(token.id, now))) return refusal('already-revoked', `API token ${token.id} was revoked already`);
  return { outcome: 'revoked' };
}
