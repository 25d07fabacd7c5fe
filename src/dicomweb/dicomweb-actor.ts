/**
 * Who a DICOMweb request acts as. A person is read afresh from the account store
 * (actor-for-user.ts). An API token is a service with no role: the access decision denies it
 * every study (decide-access.ts, `no-role`), so a `dicomweb:read` token finds nothing until
 * grants can name services (issue 6). Its events name it `api-token:<id>`.
 */
import type { Role } from '../access/role.js';
import { type ActingUser, type ActorDeps, actorForUser } from '../gateway/actor-for-user.js';
import type { AuditActor } from '../audit/event/audit-event.js';
import { auditActorOf } from '../gateway/audit-actor.js';
import type { Principal } from '../server/route-access.js';

export type DicomwebActor =
  | { readonly outcome: 'found'; readonly user: ActingUser }
  /** The account cannot act (deleted, disabled or malformed since the credentials were checked). */
  | { readonly outcome: 'refused'; readonly reason: string };

export async function dicomwebActor(principal: Principal, deps: ActorDeps): Promise<DicomwebActor> {
  if (principal.kind === 'api-token') {
    const auditActor: AuditActor = { user: `api-token:${principal.token.id}`, role: 'service' };
    return { outcome: 'found', user: { actor: { userId: auditActor.user, roles: [], departments: [], directorOf: [], careFor: [] }, grants: [], auditActor } };
  }
  if (principal.kind !== 'session') return { outcome: 'refused', reason: 'no-credentials' };
  const found = await actorForUser(deps, principal.user.name);
  if (found.outcome !== 'found') return { outcome: 'refused', reason: `account-${found.outcome}` };
  return { outcome: 'found', user: found.user };
}

/**
 * Who may store (STOW-RS): an API token with the `dicomweb:store` scope (checked by the route's
 * access rule), or a person with one of these roles. Technicians acquire images; no other role
 * adds objects to the archive, so a viewer's session cannot plant a study under a patient.
 */
export const STORE_ROLES: readonly Role[] = ['technician'];

export type StoreSource =
  | { readonly allowed: true; readonly actor: AuditActor; readonly department?: string }
  | { readonly allowed: false; readonly reason: string };

/**
 * The ingest source of a store request. A technician's objects belong to their first
 * department (the access decision reads the study's department); a service's to none, so
 * that only care relationships and the `any` rows of the policy reach them.
 */
export function storeSource(principal: Principal): StoreSource {
  if (principal.kind === 'api-token') {
    if (!principal.token.scopes.includes('dicomweb:store')) return { allowed: false, reason: 'api-token-scope' };
    return { allowed: true, actor: { user: `api-token:${principal.token.id}`, role: 'service' } };
  }
  if (principal.kind !== 'session') return { allowed: false, reason: 'no-credentials' };
  const { user } = principal;
  if (!user.roles.some((role) => STORE_ROLES.includes(role))) return { allowed: false, reason: 'role-may-not-store' };
  const actor = auditActorOf(user);
  const department = user.departments[0];
  return department === undefined ? { allowed: true, actor } : { allowed: true, actor, department };
}
