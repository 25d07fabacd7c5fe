/**
 * What the DIMSE adapter asks of the layer above it (the gateway): one function per service.
 * Data sets pass as bytes in the negotiated transfer syntax; only query identifiers are
 * parsed, since a query cannot be answered without reading its keys. A handler refuses with
 * a given status by throwing a DimseServiceError; any other error answers 0x0110.
 */
import type { Dataset } from '../dicom/dataset.js';
import type { UserIdentityRequest } from './pdu.js';

/** Who is on the other end: fixed when the association is accepted. */
export interface AssociationInfo {
  readonly callingAeTitle: string;
  readonly calledAeTitle: string;
  /** The peer's IP address. */
  readonly peerAddress: string;
  /** User Identity Negotiation (PS3.7 D.3.3.7), when the peer sent one; may hold a password. */
  readonly userIdentity?: UserIdentityRequest;
}

export interface StoreRequest {
  readonly association: AssociationInfo;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntaxUid: string;
  /**
   * The data set (no File Meta Information), in `transferSyntaxUid`, as its fragments arrive:
   * iterating waits for the next one and throws if the association ends before the last. The
   * response is sent only after the last fragment, whenever the handler returns.
   */
  readonly dataSet: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  readonly priority: number;
  /** Set when the store is a C-MOVE sub-operation (PS3.7 9.3.1.1). */
  readonly moveOriginator?: { readonly aeTitle: string; readonly messageId: number };
}

/** A status other than Success, with a comment for the peer (no PHI, no secret, at most 64 characters). */
export interface StoreOutcome {
  readonly status: number;
  readonly errorComment?: string;
}

export interface QueryRequest {
  readonly association: AssociationInfo;
  /** The Query/Retrieve information model (the SOP class of the request). */
  readonly sopClassUid: string;
  readonly priority: number;
  /** The query keys, parsed from the negotiated transfer syntax. */
  readonly identifier: Dataset;
  /** Aborted by a C-CANCEL-RQ or the end of the association. */
  readonly signal: AbortSignal;
}

/** One instance a retrieve will send, known before any is sent (sub-operation counts, presentation contexts). */
export interface RetrieveMatch {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  /** The transfer syntax of the bytes `read` returns. */
  readonly transferSyntaxUid: string;
}

export interface RetrievePlan {
  readonly matches: readonly RetrieveMatch[];
  /** The data set of a match (no File Meta Information), in its `transferSyntaxUid`. */
  read(match: RetrieveMatch): Promise<Uint8Array | readonly Uint8Array[]>;
}

/** A C-MOVE destination from the registry the server was given. */
export interface MoveDestination {
  readonly aeTitle: string;
  readonly host: string;
  readonly port: number;
}

export interface MoveRequest extends QueryRequest {
  readonly destination: MoveDestination;
}

export interface DimseHandlers {
  /** C-ECHO; answered with Success when absent. */
  echo?(association: AssociationInfo): Promise<void> | void;
  /** C-STORE; nothing returned means Success. */
  store?(request: StoreRequest): Promise<StoreOutcome | void>;
  /** C-FIND: the matches, one identifier each; iteration stops on C-CANCEL. */
  find?(request: QueryRequest): AsyncIterable<Dataset>;
  /** C-GET: the instances to send back over the same association. */
  get?(request: QueryRequest): Promise<RetrievePlan>;
  /** C-MOVE: the instances to send to `request.destination`, already looked up in the registry. */
  move?(request: MoveRequest): Promise<RetrievePlan>;
}
