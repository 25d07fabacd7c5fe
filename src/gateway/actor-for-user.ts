/**
 * Use case: who is asking, as the access decision and the audit log need it. An account of the
 * AccountStore becomes an `Actor` (roles, departments, departments directed, care
 * relationships) with the grants that name it, and the audit participant its events carry.
 * Read afresh for every request, so that a care relationship ended or an account disabled a
 * moment ago already counts.
 */
import { parseActor, type Actor } from '../access/actor.js';
import type { BreakGlass } from '../access/break-glass.js';
import type { Grant } from '../access/grant.js';
import type { AuditActor } from '../audit/event/audit-event.js';
import { MedVeilError } from '../errors.js';
import type { AccountStore } from '../storage/account-store.js';
import { auditActorOf } from './audit-actor.js';
import type { BreakGlassSource } from './break-glass-source.js';

/** The grants issued to a user (issue 6, approvals); until that lands, `NO_GRANTS`. */
export type GrantSource = (userName: string) => Promise<readonly Grant[]>;

export const NO_GRANTS: GrantSource = async () => [];

export interface ActorDeps {
  readonly accounts: Pick<AccountStore, 'findUser' | 'carePatientRefs'>;
  readonly grants: GrantSource;
  /** The user's break-glass sessions (break-glass-source.ts); none when absent. */
  readonly breakGlass?: BreakGlassSource;
}

/** A user acting through the gateway: the decision's actor, their grants, and how events name them. */
export interface ActingUser {
  readonly actor: Actor;
  readonly grants: readonly Grant[];
  /** The user's own break-glass sessions, open or not: the decision weighs their state. */
  readonly breakGlass?: readonly BreakGlass[];
  readonly auditActor: AuditActor;
}

/**
 * Why no actor: `unknown` (no such account, or deleted), `disabled`, or `malformed` (a record
 * `parseActor` refuses, e.g. an unknown role: such a user gets no access, never a partial one).
 */
export type NoActor = 'unknown' | 'disabled' | 'malformed';

export type ActorLookup = { readonly outcome: 'found'; readonly user: ActingUser } | { readonly outcome: NoActor };

export async function actorForUser(deps: ActorDeps, userName: string): Promise<ActorLookup> {
  const user = await deps.accounts.findUser(userName);
  if (user === undefined || user.deletedAt !== undefined) return { outcome: 'unknown' };
  if (user.disabled) return { outcome: 'disabled' };
  const careFor = await deps.accounts.carePatientRefs(user.name);
  let actor: Actor;
  try {
    actor = parseActor({
      userId: user.name,
      roles: user.roles,
      departments: user.departments,
      directorOf: user.directorOf,
      careFor,
    });
  } catch (error) {
    if (error instanceof MedVeilError && error.code === 'access') return { outcome: 'malformed' };
    throw error;
  }
  // Only the user's own grants reach the decision, whatever the source returns.
  const grants = (await deps.grants(user.name)).filter((grant) => grant.subjectUserId === user.name);
  const breakGlass = deps.breakGlass === undefined ? [] : (await deps.breakGlass(user.name)).filter((session) => session.userId === user.name);
  return { outcome: 'found', user: { actor, grants, breakGlass, auditActor: auditActorOf(user) } };
}
