import type { UserRecord } from '../storage/account-store.js';
import type { AccountDeps } from './account-deps.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';

/** An administrator revokes an API token; it stops working at once. */
export async function revokeApiToken(deps: AccountDeps, input: { by: UserRecord; tokenId: string }): Promise<{ readonly outcome: 'revoked' } | AccountRefusal> {
  if (!input.by.roles.includes('admin')) return refusal('not-admin', 'only an administrator revokes API tokens');
  const token = await deps.accounts.findApiToken(input.tokenId);
  if (token === undefined) return refusal('unknown-token', `no API token ${input.tokenId}`);
  if (token.revokedAt !== undefined) return refusal('already-revoked', `API token ${token.id} was revoked already`);
  const now = deps.clock.now();
  await deps.audit.append({ type: 'key-change', outcome: 'success', actor: auditActorOf(input.by), detail: { action: 'revoke-api-token', tokenId: token.id, tokenName: token.name } });
  if (!(await deps.accounts.markApiTokenRevoked(token.id, now))) return refusal('already-revoked', `API token ${token.id} was revoked already`);
  return { outcome: 'revoked' };
}
