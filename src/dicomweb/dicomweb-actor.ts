/**
 * Who a DICOMweb request acts as. A person is read afresh from the account store
 * (actor-for-user.ts). An API token acts for its owner (gateway/create-api-token.ts): the
 * owner's roles, departments, care relationships and grants as they are now, and never more;
 * its events name it `api-token:<id>` with the owner's roles.
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
  if (principal.kind !== 'session' && principal.kind !== 'api-token') return { outcome: 'refused', reason: 'no-credentials' };
  const found = await actorForUser(deps, principal.kind === 'session' ? principal.user.name : principal.owner.name);
  if (found.outcome !== 'found') return { outcome: 'refused', reason: `account-${found.outcome}` };
  if (principal.kind === 'session') return { outcome: 'found', user: found.user };
  return { outcome: 'found', user: { ...found.user, auditActor: tokenActor(principal.token.id, found.user.auditActor) } };
}

/** How the events of a request made with an API token name it. */
function tokenActor(tokenId: string, owner: AuditActor): AuditActor {
  return { ...owner, user: `api-token:${tokenId}` };
}

/**
 * Who may store (STOW-RS): a person with one of these roles, or an API token with the
 * `dicomweb:store` scope (checked by the route's access rule) whose owner has one. Technicians
 * acquire images; no other role adds objects to the archive, so a viewer's session cannot plant
 * a study under a patient.
 */
export const STORE_ROLES: readonly Role[] = ['technician'];

export type StoreSource =
  | { readonly allowed: true; readonly actor: AuditActor; readonly department?: string }
  | { readonly allowed: false; readonly reason: string };

/**
 * The ingest source of a store request. A technician's objects belong to their first
 * department (the access decision reads the study's department), and so do those of a token
 * a technician owns.
 */
export function storeSource(principal: Principal): StoreSource {
  if (principal.kind === 'api-token' && !principal.token.scopes.includes('dicomweb:store')) return { allowed: false, reason: 'api-token-scope' };
  if (principal.kind !== 'session' && principal.kind !== 'api-token') return { allowed: false, reason: 'no-credentials' };
  const user = principal.kind === 'session' ? principal.user : principal.owner;
  if (!user.roles.some((role) => STORE_ROLES.includes(role))) return { allowed: false, reason: 'role-may-not-store' };
  const actor = principal.kind === 'session' ? auditActorOf(user) : tokenActor(principal.token.id, auditActorOf(user));
  const department = user.departments[0];
  return department === undefined ? { allowed: true, actor } : { allowed: true, actor, department };
}
