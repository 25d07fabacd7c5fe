/**
 * The DIMSE acceptor on node:net: each connection becomes an `Association` whose request is
 * checked (called AE title, the caller's acceptance hook for calling AE title and address),
 * negotiated (`negotiateAssociation`) and then served by an `AssociationService`.
 * Loopback by default; the number of simultaneous associations is bounded.
 */
import { type Server, type Socket, createServer } from 'node:net';
import { MEDVEIL_IMPLEMENTATION_CLASS_UID, MEDVEIL_IMPLEMENTATION_VERSION_NAME } from '../dicom/write-file-meta.js';
import { TRANSFER_SYNTAXES } from '../dicom/transfer-syntax.js';
import { MedVeilError } from '../errors.js';
import { Association, type AssociationHandlers, type AssociationLimits, DEFAULT_ASSOCIATION_LIMITS, type TimerSource } from './association.js';
import type { AssociationInfo, DimseHandlers, MoveDestination } from './dimse-handlers.js';
import { type AssociationPolicy, negotiateAssociation, userRejection } from './negotiate-association.js';
import { RejectPresentationReason, RejectResult, RejectSource, RejectUserReason } from './pdu.js';
import { AssociationService } from './serve-association.js';
import { FIND_SOP_CLASSES, GET_SOP_CLASSES, MOVE_SOP_CLASSES, VERIFICATION_SOP_CLASS, isStorageSopClass } from './sop-classes.js';

export interface DimseServerLimits extends AssociationLimits {
  /** Associations served at once; more are rejected as transient (local limit exceeded). */
  readonly maxAssociations: number;
  /** Requests queued on one association before its reading pauses. */
  readonly maxQueuedRequests: number;
}

export const DEFAULT_DIMSE_SERVER_LIMITS: DimseServerLimits = { ...DEFAULT_ASSOCIATION_LIMITS, maxAssociations: 64, maxQueuedRequests: 2 };

export interface DimseServerOptions {
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Our AE title: the Called AE Title every request must name. */
  readonly aeTitle: string;
  readonly handlers: DimseHandlers;
  /** Accept an association from this calling AE title and address; default: everyone. */
  readonly acceptAssociation?: (info: AssociationInfo) => boolean | Promise<boolean>;
  /** Abstract syntaxes accepted; default: Verification, plus the storage and Q/R classes whose handler exists. */
  readonly acceptedSopClasses?: readonly string[] | ((uid: string) => boolean);
  /** Transfer syntaxes accepted; default: every one of PS3.6 Table A-1 (data sets pass through untranscoded). */
  readonly transferSyntaxes?: readonly string[];
  /** The registry of C-MOVE destinations; an AE title it does not know is refused with 0xA801. */
  readonly moveDestinations?: ReadonlyMap<string, Omit<MoveDestination, 'aeTitle'>> | ((aeTitle: string) => MoveDestination | undefined);
  /** Shorthand for `limits.maxPduLength`. */
  readonly maxPduLength?: number;
  readonly limits?: Partial<DimseServerLimits>;
  readonly timers?: TimerSource;
  readonly log?: (message: string) => void;
}

export interface DimseServer {
  readonly port: number;
  readonly host: string;
  /** Stops listening and aborts open associations. */
  close(): Promise<void>;
}

export async function startDimseServer(options: DimseServerOptions): Promise<DimseServer> {
  const limits: DimseServerLimits = { ...DEFAULT_DIMSE_SERVER_LIMITS, ...options.limits, ...(options.maxPduLength !== undefined && { maxPduLength: options.maxPduLength }) };
  const policy: AssociationPolicy = {
    aeTitle: options.aeTitle,
    acceptsAbstractSyntax: abstractSyntaxFilter(options),
    acceptsTransferSyntax: transferSyntaxFilter(options.transferSyntaxes),
    maxPduLength: limits.maxPduLength,
    implementationClassUid: MEDVEIL_IMPLEMENTATION_CLASS_UID,
    implementationVersionName: MEDVEIL_IMPLEMENTATION_VERSION_NAME,
  };
  const findMoveDestination = moveDestinationLookup(options.moveDestinations);
  const open = new Set<Association>();
  const server: Server = createServer((socket: Socket) => {
    socket.on('error', () => undefined);
    let service: AssociationService | undefined;
    const handlers: AssociationHandlers = {
      onRequest: async (request) => {
        if (open.size > limits.maxAssociations) {
          return { reject: { ...userRejection(RejectPresentationReason.LocalLimitExceeded, RejectResult.Transient), source: RejectSource.ServiceProviderPresentation } };
        }
        const info: AssociationInfo = {
          callingAeTitle: request.callingAeTitle,
          calledAeTitle: request.calledAeTitle,
          peerAddress: socket.remoteAddress ?? '',
          ...(request.userInformation.userIdentity && { userIdentity: request.userInformation.userIdentity }),
        };
        const negotiation = negotiateAssociation(request, policy);
        if (negotiation.kind === 'reject') return { reject: negotiation.reject };
        if (options.acceptAssociation && !(await options.acceptAssociation(info))) {
          return { reject: userRejection(RejectUserReason.CallingAeTitleNotRecognized) };
        }
        service = new AssociationService(association, {
          info,
          aeTitle: options.aeTitle,
          handlers: options.handlers,
          findMoveDestination,
          limits,
          maxQueuedRequests: limits.maxQueuedRequests,
          ...(options.timers && { timers: options.timers }),
          ...(options.log && { log: options.log }),
        });
        return { accept: negotiation.accept, contexts: negotiation.contexts };
      },
      onMessage: (message) => service?.onMessage(message),
      onReleaseRequest: () => service?.whenIdle() ?? Promise.resolve(),
      onEnd: (end) => {
        open.delete(association);
        service?.onEnd(end.detail ?? 'released');
        if (!end.released) options.log?.(`association from ${socket.remoteAddress ?? '?'} ended: ${end.detail}`);
      },
    };
    const association: Association = new Association(socket, { role: 'acceptor', handlers, limits, ...(options.timers && { timers: options.timers }) });
    open.add(association);
    association.start();
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new MedVeilError('dimse', `cannot listen on ${host}:${options.port}: ${error.message}`, { cause: error, hint: 'choose a free port for DIMSE' })));
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    host,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const association of open) association.abort('the server is closing');
      for (const association of open) association.socket.destroy();
      await closed;
    },
  };
}

function abstractSyntaxFilter(options: DimseServerOptions): (uid: string) => boolean {
  const given = options.acceptedSopClasses;
  if (typeof given === 'function') return given;
  if (given !== undefined) {
    const set = new Set(given);
    return (uid) => set.has(uid);
  }
  const { handlers } = options;
  const services = new Set<string>([VERIFICATION_SOP_CLASS]);
  if (handlers.find) FIND_SOP_CLASSES.forEach((uid) => services.add(uid));
  if (handlers.get) GET_SOP_CLASSES.forEach((uid) => services.add(uid));
  if (handlers.move) MOVE_SOP_CLASSES.forEach((uid) => services.add(uid));
  // Storage contexts serve C-STORE, and carry C-GET's sub-operations back to the requestor.
  const storage = handlers.store !== undefined || handlers.get !== undefined;
  return (uid) => services.has(uid) || (storage && isStorageSopClass(uid));
}

function transferSyntaxFilter(given: readonly string[] | undefined): (uid: string) => boolean {
  const set = new Set(given ?? TRANSFER_SYNTAXES.keys());
  return (uid) => set.has(uid);
}

function moveDestinationLookup(given: DimseServerOptions['moveDestinations']): (aeTitle: string) => MoveDestination | undefined {
  if (given === undefined) return () => undefined;
  if (typeof given === 'function') return given;
  return (aeTitle) => {
    const entry = given.get(aeTitle);
    return entry ? { aeTitle, ...entry } : undefined;
  };
}
