/**
 * The DIMSE services of the gateway (docs/dimse.md, "Through the gateway"): `DimseHandlers` and
 * the association hooks of `startDimseServer`, built from the gateway's use cases.
 *
 * - Association: the calling AE title must be one of `peers`, from its `host` when one is given,
 *   and names the account every request of the association acts as. A User Identity (PS3.7
 *   D.3.3.7), when sent with a user name, must name that same account. Every association,
 *   accepted or rejected, is recorded (`login` / `login-failed`).
 * - C-STORE: `ingestInstance` as the peer's account, for its department.
 * - C-FIND: `searchIndex` (Patient and Study Root, STUDY, SERIES and IMAGE levels).
 * - C-GET: `planInstanceRetrieval` and `retrieveInstance` (`view`) for each instance.
 * - C-MOVE: only to `moveDestinations`; to the caller's own AE title it is a `view`, to any other
 *   AE an `export`, since the copy then leaves both MedVeil and the person who asked.
 *
 * The account is read again for each request, so a disabled account or an ended care
 * relationship counts at once, even on an open association. An association carries no second
 * factor, so an account whose roles need one (admin, DSO, director) is never a peer's account,
 * as it never owns an API token (docs/accounts.md).
 */
import { isIP } from 'node:net';
import type { AuditActor } from '../audit/event/audit-event.js';
import { DEFAULT_MAX_RESULTS } from '../storage/index-store.js';
import type { FindQuery } from '../dicom/query/index.js';
import { findQueryFromIdentifier } from '../dicom/query/index.js';
import type { Dataset } from '../dicom/dataset.js';
import type { AssociationInfo, DimseHandlers, MoveDestination, QueryRequest, RetrievePlan, StoreOutcome } from '../dimse/dimse-handlers.js';
import { DimseServiceError } from '../dimse/dimse-service-error.js';
import { DimseStatus } from '../dimse/dimse-status.js';
import { MedVeilError } from '../errors.js';
import { type ActingUser, type ActorDeps, type ActorLookup, actorForUser } from '../gateway/actor-for-user.js';
import { requiresMfa } from '../gateway/user-view.js';
import { type IngestDeps, type IngestRefusal, ingestInstance } from '../gateway/ingest-instance.js';
import { retrieveInstance, type RetrieveDeps } from '../gateway/retrieve-instance.js';
import { planInstanceRetrieval, type RetrievePlanDeps } from '../gateway/retrieve-instance-plan.js';
import { type AccessChannel, recordRefusedSearch, searchIndex, type SearchDeps } from '../gateway/search-index.js';
import { findResponseIdentifier } from './dimse-services-find-response.js';

/** A DICOM node allowed to associate, and the account its requests act as. */
export interface DimsePeer {
  readonly aeTitle: string;
  /** The account name in the AccountStore. */
  readonly user: string;
  /** When given, associations with this AE title are accepted only from this IP address. */
  readonly host?: string;
}

export type DimseServicesDeps = IngestDeps &
  RetrieveDeps &
  SearchDeps &
  RetrievePlanDeps &
  ActorDeps & {
    readonly peers: readonly DimsePeer[];
    readonly moveDestinations: readonly MoveDestination[];
    /** Matches in one C-FIND response at most (default 1000, as QIDO-RS). */
    readonly maxFindResults?: number;
    /** Instances one C-GET or C-MOVE may send; more are refused with 0xA701 (default 10000). */
    readonly maxRetrieveInstances?: number;
  };

/** What `startDimseServer` takes from the gateway. */
export interface DimseServices {
  readonly handlers: DimseHandlers;
  readonly acceptAssociation: (info: AssociationInfo) => Promise<boolean>;
  readonly moveDestinations: (aeTitle: string) => MoveDestination | undefined;
}

export const DEFAULT_MAX_RETRIEVE_INSTANCES = 10_000;

/**
 * Storage statuses of PS3.4 B.2.3 for each refusal. A data set without its UIDs, with malformed
 * ones, or with ones that differ from the command does not meet its SOP class: 0xA900. A
 * conflict with what is stored (another object under the SOP Instance UID, a series or study
 * claimed by another study or patient) is not an IOD problem, so not 0xA900; PS3.4 leaves it to
 * the Cxxx failures, and 0xC000 says the SCP refused to take the data set.
 */
const STORE_REFUSALS: Readonly<Record<IngestRefusal, StoreOutcome>> = {
  unreadable: { status: DimseStatus.ErrorCannotUnderstand, errorComment: 'the data set cannot be read' },
  'missing-uid': { status: DimseStatus.ErrorDataSetDoesNotMatchSopClass, errorComment: 'a Study, Series or SOP UID is missing' },
  'invalid-uid': { status: DimseStatus.ErrorDataSetDoesNotMatchSopClass, errorComment: 'a UID of the data set is not a valid UID' },
  'uid-mismatch': { status: DimseStatus.ErrorDataSetDoesNotMatchSopClass, errorComment: 'the data set UIDs differ from the command' },
  'too-large': { status: DimseStatus.RefusedOutOfResources, errorComment: 'the object is larger than this archive accepts' },
  'instance-differs': { status: DimseStatus.ErrorCannotUnderstand, errorComment: 'another object is stored under this SOP Instance UID' },
  'instance-in-other-series': { status: DimseStatus.ErrorCannotUnderstand, errorComment: 'this SOP Instance UID is stored in another series' },
  'series-in-other-study': { status: DimseStatus.ErrorCannotUnderstand, errorComment: 'this Series Instance UID is stored in another study' },
  'patient-differs': { status: DimseStatus.ErrorCannotUnderstand, errorComment: 'this study is stored for another patient' },
};

export function dimseServices(deps: DimseServicesDeps): DimseServices {
  const peers = new Map(deps.peers.map((peer) => [peer.aeTitle, peer]));
  const destinations = new Map(deps.moveDestinations.map((destination) => [destination.aeTitle, destination]));
  const maxFindResults = deps.maxFindResults ?? DEFAULT_MAX_RESULTS;
  const maxRetrieveInstances = deps.maxRetrieveInstances ?? DEFAULT_MAX_RETRIEVE_INSTANCES;

  /** The peer's account as the access decision reads it, unless its roles need a second factor. */
  async function peerAccount(user: string): Promise<ActorLookup | { readonly outcome: 'needs-mfa' }> {
    const found = await actorForUser(deps, user);
    return found.outcome === 'found' && requiresMfa(found.user.actor) ? { outcome: 'needs-mfa' } : found;
  }

  /** The account of an accepted association, read afresh; refused with 0x0124 once it is gone, disabled or needs a second factor. */
  async function actingUser(association: AssociationInfo): Promise<ActingUser> {
    const peer = peers.get(association.callingAeTitle);
    const found = peer === undefined ? undefined : await peerAccount(peer.user);
    if (found?.outcome !== 'found') {
      throw new DimseServiceError(DimseStatus.NotAuthorized, `the account of ${association.callingAeTitle} has no access (${found?.outcome ?? 'no peer'})`, { errorComment: 'not authorized' });
    }
    const address = networkAddress(association.peerAddress);
    return { ...found.user, auditActor: { ...found.user.auditActor, ...(address === undefined ? {} : { address }) } };
  }

  async function acceptAssociation(info: AssociationInfo): Promise<boolean> {
    const refusal = await associationRefusal(info);
    const address = networkAddress(info.peerAddress);
    const detail = { via: 'dimse', callingAe: printable(info.callingAeTitle), calledAe: printable(info.calledAeTitle) };
    try {
      if (refusal !== undefined) {
        const actor: AuditActor = { user: printable(info.callingAeTitle), ...(address === undefined ? {} : { address }) };
        await deps.audit.append({ type: 'login-failed', outcome: 'minor-failure', actor, detail: { ...detail, reason: refusal } });
        return false;
      }
      const peer = peers.get(info.callingAeTitle)!;
      const actor: AuditActor = { user: peer.user, ...(address === undefined ? {} : { address }) };
      await deps.audit.append({ type: 'login', outcome: 'success', actor, detail: { ...detail, methods: info.userIdentity === undefined ? 'ae-title' : 'ae-title,user-identity' } });
      return true;
    } catch {
      // The association could not be recorded: refused, as every request whose audit fails.
      return false;
    }
  }

  async function associationRefusal(info: AssociationInfo): Promise<string | undefined> {
    const peer = peers.get(info.callingAeTitle);
    if (peer === undefined) return 'unknown-ae-title';
    if (peer.host !== undefined && networkAddress(info.peerAddress) !== peer.host) return 'wrong-host';
    const identity = info.userIdentity;
    // Types 1 and 2 carry a user name (PS3.7 D.3.3.7.1); the passcode of type 2 is never read.
    if (identity !== undefined && (identity.type === 1 || identity.type === 2)) {
      if (Buffer.from(identity.primaryField).toString('utf8') !== peer.user) return 'user-identity-mismatch';
    }
    const found = await peerAccount(peer.user);
    return found.outcome === 'found' ? undefined : `account-${found.outcome}`;
  }

  async function parseIdentifier(who: ActingUser, identifier: Dataset, via: AccessChannel): Promise<FindQuery> {
    try {
      return findQueryFromIdentifier(identifier);
    } catch (error) {
      if (!(error instanceof MedVeilError) || error.code !== 'dimse') throw error;
      // The message names keys, never values (find-query-from-identifier.ts).
      await recordRefusedSearch(deps.audit, who.auditActor, via, error.message);
      throw new DimseServiceError(DimseStatus.UnableToProcess, error.message, { errorComment: error.message.slice(0, 64), cause: error });
    }
  }

  async function retrievePlan(request: QueryRequest, via: 'c-get' | 'c-move', action: 'view' | 'export', destination?: string): Promise<RetrievePlan> {
    const who = await actingUser(request.association);
    const query = await parseIdentifier(who, request.identifier, via);
    const planned = await planInstanceRetrieval(deps, who, {
      query,
      action,
      via,
      maxInstances: maxRetrieveInstances,
      signal: request.signal,
      ...(destination === undefined ? {} : { destination }),
    });
    if (planned.outcome === 'too-many') {
      throw new DimseServiceError(DimseStatus.RefusedOutOfResourcesUnableToCalculateNumberOfMatches, `more than ${planned.maxInstances} instances match`, {
        errorComment: `more than ${planned.maxInstances} instances; retrieve fewer`,
      });
    }
    const byUid = new Map(planned.instances.map((instance) => [instance.sopInstanceUid, instance]));
    return {
      matches: planned.instances.map(({ sopClassUid, sopInstanceUid, transferSyntaxUid }) => ({ sopClassUid, sopInstanceUid, transferSyntaxUid })),
      read: async (match) => {
        const instance = byUid.get(match.sopInstanceUid)!;
        const result = await retrieveInstance(deps, who, {
          path: { studyUid: instance.studyUid, seriesUid: instance.seriesUid, sopInstanceUid: instance.sopInstanceUid },
          action,
          part: 'instance',
          via,
          ...(destination === undefined ? {} : { destination }),
        });
        if (result.outcome === 'full') return result.bytes.subarray(result.dataSetOffset);
        // Only originals travel over DIMSE. A masked instance (pixels are masked from issue 5 on)
        // or one denied since the plan was made is not sent: a failed sub-operation, its UID in
        // the Failed SOP Instance UID List, and its refusal in the audit log.
        throw new DimseServiceError(DimseStatus.NotAuthorized, `instance not sent: ${result.outcome === 'refused' ? result.reason : 'not visible'}`);
      },
    };
  }

  const handlers: DimseHandlers = {
    store: async (request) => {
      const who = await actingUser(request.association);
      const departments = who.actor.departments;
      const result = await ingestInstance(
        deps,
        { kind: 'dataset', fragments: request.dataSet, sopClassUid: request.sopClassUid, sopInstanceUid: request.sopInstanceUid, transferSyntaxUid: request.transferSyntaxUid },
        // An account of several departments does not say which one sends: none is recorded.
        { actor: who.auditActor, via: 'c-store', ...(departments.length === 1 ? { department: departments[0]! } : {}) },
      );
      return result.outcome === 'refused' ? STORE_REFUSALS[result.refusal] : undefined;
    },
    find: async function* (request) {
      const who = await actingUser(request.association);
      const query = await parseIdentifier(who, request.identifier, 'c-find');
      const result = await searchIndex(deps, who, { query, via: 'c-find', maxResults: maxFindResults, signal: request.signal });
      for (const match of result.matches) yield findResponseIdentifier(match, query, request.identifier);
    },
    get: (request) => retrievePlan(request, 'c-get', 'view'),
    move: async (request) => {
      const aeTitle = request.destination.aeTitle;
      if (!destinations.has(aeTitle)) {
        const who = await actingUser(request.association);
        await deps.audit.append({ type: 'deny', outcome: 'success', actor: who.auditActor, detail: { via: 'c-move', reason: 'move-destination-unknown', destination: printable(aeTitle) } });
        throw new DimseServiceError(DimseStatus.RefusedMoveDestinationUnknown, `move destination ${JSON.stringify(aeTitle)} is not registered`, { errorComment: 'Move Destination unknown' });
      }
      return retrievePlan(request, 'c-move', aeTitle === request.association.callingAeTitle ? 'view' : 'export', aeTitle);
    },
  };

  return {
    handlers,
    acceptAssociation,
    // Every AE title resolves, registered or not, so that the move handler sees an unregistered
    // one and can record the refusal before answering 0xA801; it never returns a plan for one,
    // so nothing is ever connected to the placeholder address.
    moveDestinations: (aeTitle) => destinations.get(aeTitle) ?? { aeTitle, host: '', port: 0 },
  };
}

/** An IPv4-mapped IPv6 address as its IPv4 form; undefined when it is not an address. */
function networkAddress(peerAddress: string): string | undefined {
  const address = peerAddress.startsWith('::ffff:') && isIP(peerAddress.slice(7)) === 4 ? peerAddress.slice(7) : peerAddress;
  return isIP(address) === 0 ? undefined : address;
}

/** An AE title from the network as audit text: printable, never empty (PS3.5 6.2 allows no controls anyway). */
function printable(aeTitle: string): string {
  const text = aeTitle.replace(/[^\x20-\x7e]/g, '?').trim();
  return text === '' ? '(empty)' : text.slice(0, 64);
}
