import type { AccessRequestRecord } from '../access/requests/access-request.js';
import { isApproverOf } from '../access/requests/request-transitions.js';
import type { UserRecord } from '../storage/account-store.js';
import type { RequestStore } from '../storage/request-store.js';
import { requestActorOf } from './access-request-deps.js';

/** Whether `user` may see the request: the requester, a DSO, or a director of a department in scope. */
export function maySeeRequest(user: Pick<UserRecord, 'name' | 'roles' | 'directorOf'>, record: AccessRequestRecord): boolean {
  return record.content.requester === user.name || isApproverOf(requestActorOf(user), record.content);
}

/** The requests a person may see, newest first: their own, and those they may approve. */
export async function listAccessRequests(requests: Pick<RequestStore, 'list'>, user: UserRecord): Promise<AccessRequestRecord[]> {
  return (await requests.list()).filter((record) => maySeeRequest(user, record));
}

/** One request, or undefined when it does not exist or the person may not see it (the same answer). */
export async function findAccessRequest(requests: Pick<RequestStore, 'get'>, user: UserRecord, id: string): Promise<AccessRequestRecord | undefined> {
  const record = await requests.get(id);
  return record !== undefined && maySeeRequest(user, record) ? record : undefined;
}

/** The grants a person may see: their own; a DSO sees every grant. */
export async function listGrants(requests: Pick<RequestStore, 'list'>, user: UserRecord): Promise<AccessRequestRecord[]> {
  const dso = user.roles.includes('dso');
  return (await requests.list()).filter((record) => record.grant !== undefined && (dso || record.content.requester === user.name));
}
