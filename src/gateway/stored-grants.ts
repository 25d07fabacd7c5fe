import type { RequestStore } from '../storage/request-store.js';
import type { GrantSource } from './actor-for-user.js';

/**
 * The grants the request store holds for a user, read afresh for every decision: a grant
 * revoked a moment ago is already revoked for the next request.
 */
export function storedGrants(requests: Pick<RequestStore, 'grantsOf'>): GrantSource {
  return (userName) => requests.grantsOf(userName);
}
