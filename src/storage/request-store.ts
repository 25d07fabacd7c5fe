import type { Grant } from '../access/grant.js';
import type { AccessRequestRecord } from '../access/requests/access-request.js';

/**
 * Durable storage of access and export requests and the grants they issued (issue 6). A grant
 * is part of the request it came from and carries the request's id.
 *
 * Every change goes through `change`, which serialises the changes of one store and holds the
 * database's write lock (also against other processes) from reading the record until writing
 * the next one, so that an approval and a revocation of the same request arriving together
 * end as one after the other, never as a mix. `step` may append the audit event of the change
 * (it is awaited inside); if it throws, nothing is written.
 */
export interface RequestStore {
  get(id: string): Promise<AccessRequestRecord | undefined>;
  /** Every request, newest first. */
  list(): Promise<AccessRequestRecord[]>;
  /** The grants issued to `userName`, active or not (the decision tells expired and revoked ones apart). */
  grantsOf(userName: string): Promise<Grant[]>;
  change<T>(id: string, step: (current: AccessRequestRecord | undefined) => Promise<RequestChange<T>>): Promise<T>;
  close(): Promise<void>;
}

export interface RequestChange<T> {
  /** The record to store; absent when nothing changes (a refusal). */
  readonly next?: AccessRequestRecord;
  readonly result: T;
}
