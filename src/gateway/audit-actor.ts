import type { AuditActor } from '../audit/event/audit-event.js';
import type { AuditLog } from '../audit/log/audit-log.js';
import type { UserRecord } from '../storage/account-store.js';

/** Where a use case records what it did; the HTTP layer adds the caller's address. */
export type AuditAppender = Pick<AuditLog, 'append'>;

/** A user as the active participant of an audit event (PS3.15 A.5.1: UserID and RoleIDCode). */
export function auditActorOf(user: Pick<UserRecord, 'name' | 'roles'>): AuditActor {
  const role = user.roles.join(',');
  return role.length > 0 && role.length <= 64 ? { user: user.name, role } : { user: user.name };
}
