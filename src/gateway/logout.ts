import type { Session } from '../access/identity/session-token.js';
import type { UserRecord } from '../storage/account-store.js';
import type { AccountDeps } from './account-deps.js';
import { auditActorOf } from './audit-actor.js';

/**
 * Ends a session: its token id goes on the revocation list until the token would have expired
 * anyway (session-token.ts), so a copy of the token stops working now.
 */
export async function logout(deps: AccountDeps, input: { user: Pick<UserRecord, 'name' | 'roles'>; session: Session }): Promise<{ readonly outcome: 'signed-out' }> {
  await deps.audit.append({ type: 'logout', outcome: 'success', actor: auditActorOf(input.user), detail: { session: input.session.tokenId } });
  await deps.accounts.revokeSession(input.session.tokenId, input.session.expiresAt, deps.clock.now());
  return { outcome: 'signed-out' };
}
