/**
 * The service provider side of one accepted association: takes whole DIMSE messages from the
 * `Association`, runs requests one at a time through the handlers and answers them (PS3.7 9.1,
 * PS3.4 B, C). Responses to our own C-STORE sub-operation requests and C-CANCEL-RQs are taken
 * at once, while a request runs. Reading pauses while requests queue up, so a peer that
 * ignores the (unnegotiated, so 1) operations window cannot make us buffer without end.
 */
import { readDataset } from '../dicom/read-dataset.js';
import { Dataset } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import { encodingOf, lookupTransferSyntax } from '../dicom/transfer-syntax.js';
import { writeDataset } from '../dicom/write-dataset.js';
import { MedVeilError } from '../errors.js';
import type { Association, AssociationLimits, TimerSource } from './association.js';
import { CommandField, type DimseCommand, Priority, commandName } from './dimse-command.js';
import { openAssociation } from './dimse-client.js';
import type { AssociationInfo, DimseHandlers, MoveDestination, RetrieveMatch, RetrievePlan } from './dimse-handlers.js';
import type { DimseMessage } from './dimse-message-assembler.js';
import { DimseServiceError, failureOf } from './dimse-service-error.js';
import { DimseStatus, formatStatus } from './dimse-status.js';
import type { AcceptedPresentationContext } from './negotiate-association.js';
import { type RetrieveOutcome, type SubOperationCounts, runSubOperations } from './retrieve-sub-operations.js';
import { canTranscode, transcodeDataSet } from './transcode-data-set.js';

/** Requests tolerated beyond `maxQueuedRequests` (while reading must go on for a C-GET's responses) before aborting. */
const MAX_REQUESTS_OVER_WINDOW = 16;

export interface AssociationServiceOptions {
  /** Who is on the other end. */
  readonly info: AssociationInfo;
  /** Our AE title, the calling AE title of C-MOVE sub-operation associations. */
  readonly aeTitle: string;
  readonly handlers: DimseHandlers;
  readonly findMoveDestination: (aeTitle: string) => MoveDestination | undefined;
  readonly limits: AssociationLimits;
  readonly timers?: TimerSource;
  /** Requests queued before reading pauses. */
  readonly maxQueuedRequests: number;
  /** Problems worth a log line (never with data set contents). */
  readonly log?: (message: string) => void;
}

export class AssociationService {
  private readonly queue: DimseMessage[] = [];
  private running: { messageId: number; controller: AbortController } | undefined;
  private pumping = false;
  private paused = false;
  private idleWaiters: Array<() => void> = [];
  private readonly responseWaiters = new Map<number, { resolve: (m: DimseMessage) => void; reject: (e: Error) => void }>();
  private nextMessageId = 1;
  private endedDetail: string | undefined;

  private readonly info: AssociationInfo;

  constructor(private readonly association: Association, private readonly options: AssociationServiceOptions) {
    this.info = options.info;
  }

  onMessage(message: DimseMessage): void {
    const { command } = message;
    if ((command.commandField & 0x8000) !== 0) {
      const waiter = this.responseWaiters.get(command.messageIdBeingRespondedTo ?? -1);
      if (!waiter) {
        this.association.abort(`an unexpected ${commandName(command.commandField)}`);
        return;
      }
      this.responseWaiters.delete(command.messageIdBeingRespondedTo!);
      waiter.resolve(message);
      return;
    }
    if (command.commandField === CommandField.CCancelRQ) {
      // PS3.7 9.3.2.3: a C-CANCEL for a request no longer running is ignored.
      const running = this.running;
      if (running !== undefined && running.messageId === command.messageIdBeingRespondedTo) running.controller.abort();
      return;
    }
    this.queue.push(message);
    if (this.queue.length > this.options.maxQueuedRequests + MAX_REQUESTS_OVER_WINDOW) {
      // Without a negotiated operations window a requestor waits for each response (PS3.7 D.3.3.3).
      this.association.abort(`the peer sent ${this.queue.length} requests without waiting for responses`);
      return;
    }
    if (this.queue.length >= this.options.maxQueuedRequests && !this.paused && this.responseWaiters.size === 0) {
      this.paused = true;
      this.association.pauseReading();
    }
    void this.pump();
  }

  /** Resolves once every queued request is answered (the release response waits for it). */
  whenIdle(): Promise<void> {
    if (!this.pumping && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  onEnd(detail: string): void {
    this.endedDetail = detail;
    this.running?.controller.abort();
    this.queue.length = 0;
    for (const waiter of this.responseWaiters.values()) waiter.reject(new MedVeilError('dimse', `the association ended: ${detail}`));
    this.responseWaiters.clear();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let message = this.queue.shift(); message !== undefined; message = this.queue.shift()) {
        if (this.paused && this.queue.length < this.options.maxQueuedRequests) {
          this.paused = false;
          this.association.resumeReading();
        }
        const controller = new AbortController();
        this.running = { messageId: message.command.messageId ?? -1, controller };
        try {
          await this.dispatch(message, controller.signal);
        } catch (error) {
          // Sending a response failed: the association is gone, or broke while we wrote.
          if (this.endedDetail === undefined) this.log(`${commandName(message.command.commandField)}: ${(error as Error).message}`);
        } finally {
          this.running = undefined;
        }
      }
    } finally {
      this.pumping = false;
      this.idleWaiters.splice(0).forEach((wake) => wake());
    }
  }

  private log(message: string): void {
    this.options.log?.(`${this.info.callingAeTitle}@${this.info.peerAddress}: ${message}`);
  }

  private async dispatch(message: DimseMessage, signal: AbortSignal): Promise<void> {
    const { command } = message;
    const context = this.association.context(message.presentationContextId)!;
    const reply = (field: number, fields: Partial<DimseCommand>, dataSet?: readonly Uint8Array[]) =>
      this.association.sendMessage(context.id, {
        commandField: field,
        messageIdBeingRespondedTo: command.messageId ?? 0,
        affectedSopClassUid: command.affectedSopClassUid ?? context.abstractSyntax,
        hasDataSet: dataSet !== undefined,
        ...fields,
      }, dataSet);
    if (command.affectedSopClassUid !== undefined && command.affectedSopClassUid !== context.abstractSyntax) {
      // PS3.7 9.1: a request's SOP class is the one of the presentation context it travels on.
      await reply(command.commandField | 0x8000, { status: DimseStatus.SopClassNotSupported, errorComment: 'SOP class differs from the presentation context' });
      return;
    }
    switch (command.commandField) {
      case CommandField.CEchoRQ:
        return this.echo(reply);
      case CommandField.CStoreRQ:
        return this.store(message, context, reply);
      case CommandField.CFindRQ:
        return this.find(message, context, signal, reply);
      case CommandField.CGetRQ:
      case CommandField.CMoveRQ:
        return this.retrieve(message, context, signal, reply);
      default:
        await reply(command.commandField | 0x8000, { status: DimseStatus.UnrecognizedOperation });
    }
  }

  private async echo(reply: Reply): Promise<void> {
    let status: number = DimseStatus.Success;
    let errorComment: string | undefined;
    try {
      await this.options.handlers.echo?.(this.info);
    } catch (error) {
      ({ status, errorComment } = this.failure('C-ECHO', error));
    }
    await reply(CommandField.CEchoRSP, { status, ...(errorComment !== undefined && { errorComment }) });
  }

  private async store(message: DimseMessage, context: AcceptedPresentationContext, reply: Reply): Promise<void> {
    const { command } = message;
    const sopInstanceUid = command.affectedSopInstanceUid ?? '';
    const dataSet = message.dataSetStream ?? message.dataSet;
    let status: number = DimseStatus.Success;
    let errorComment: string | undefined;
    try {
      if (!this.options.handlers.store) throw new DimseServiceError(DimseStatus.SopClassNotSupported, 'no storage service');
      if (dataSet === undefined) throw new DimseServiceError(DimseStatus.ErrorCannotUnderstand, 'a C-STORE-RQ without a data set');
      const outcome = await this.options.handlers.store({
        association: this.info,
        sopClassUid: context.abstractSyntax,
        sopInstanceUid,
        transferSyntaxUid: context.transferSyntax,
        dataSet,
        priority: command.priority ?? Priority.Medium,
        ...(command.moveOriginatorAeTitle !== undefined && { moveOriginator: { aeTitle: command.moveOriginatorAeTitle, messageId: command.moveOriginatorMessageId ?? 0 } }),
      });
      if (outcome) ({ status, errorComment } = outcome);
    } catch (error) {
      if (this.endedDetail !== undefined) return;
      ({ status, errorComment } = this.failure('C-STORE', error));
    }
    // A refusal may come before the last fragment; the response still follows the whole request.
    if (message.dataSetStream !== undefined && !(await message.dataSetStream.drain())) return;
    await reply(CommandField.CStoreRSP, { affectedSopInstanceUid: sopInstanceUid, status, ...(errorComment !== undefined && { errorComment }) });
  }

  private async find(message: DimseMessage, context: AcceptedPresentationContext, signal: AbortSignal, reply: Reply): Promise<void> {
    let status: number = DimseStatus.Success;
    let errorComment: string | undefined;
    try {
      if (!this.options.handlers.find) throw new DimseServiceError(DimseStatus.SopClassNotSupported, 'no query service');
      const encoding = datasetEncoding(context.transferSyntax);
      const identifier = this.identifier(message, context);
      const matches = this.options.handlers.find({ association: this.info, sopClassUid: context.abstractSyntax, priority: message.command.priority ?? 0, identifier, signal });
      for await (const match of matches) {
        if (signal.aborted) break;
        await reply(CommandField.CFindRSP, { status: DimseStatus.Pending }, writeDataset(match, encoding));
        if (signal.aborted) break;
      }
      if (signal.aborted) status = DimseStatus.Cancel;
    } catch (error) {
      if (this.endedDetail !== undefined) return;
      ({ status, errorComment } = this.failure('C-FIND', error));
    }
    await reply(CommandField.CFindRSP, { status, ...(errorComment !== undefined && { errorComment }) });
  }

  private async retrieve(message: DimseMessage, context: AcceptedPresentationContext, signal: AbortSignal, reply: Reply): Promise<void> {
    const { command } = message;
    const isGet = command.commandField === CommandField.CGetRQ;
    const responseField = isGet ? CommandField.CGetRSP : CommandField.CMoveRSP;
    const name = isGet ? 'C-GET' : 'C-MOVE';
    const countsOf = (c: SubOperationCounts, withRemaining: boolean): Partial<DimseCommand> => ({
      ...(withRemaining && { remainingSubOperations: c.remaining }),
      completedSubOperations: c.completed,
      failedSubOperations: c.failed,
      warningSubOperations: c.warning,
    });
    let outcome: RetrieveOutcome;
    try {
      const handler = isGet ? this.options.handlers.get : this.options.handlers.move;
      if (!handler) throw new DimseServiceError(DimseStatus.SopClassNotSupported, `no ${name} service`);
      const identifier = this.identifier(message, context);
      const base = { association: this.info, sopClassUid: context.abstractSyntax, priority: command.priority ?? 0, identifier, signal };
      let plan: RetrievePlan;
      let store: (match: RetrieveMatch, dataSet: readonly Uint8Array[]) => Promise<number>;
      let finish = async (): Promise<void> => undefined;
      if (isGet) {
        plan = await this.options.handlers.get!(base);
        store = (match, dataSet) => this.storeOnThisAssociation(match, dataSet);
      } else {
        const destination = this.options.findMoveDestination(command.moveDestination ?? '');
        if (!destination) {
          throw new DimseServiceError(DimseStatus.RefusedMoveDestinationUnknown, `move destination ${JSON.stringify(command.moveDestination ?? '')} is not registered`, { errorComment: 'Move Destination unknown' });
        }
        plan = await this.options.handlers.move!({ ...base, destination });
        const sender = await this.openMoveAssociation(destination, plan);
        store = (match, dataSet) => sender.store(match, dataSet, command.messageId ?? 0);
        finish = () => sender.release();
      }
      try {
        outcome = await runSubOperations(plan, {
          signal,
          store,
          progress: (counts) => reply(responseField, { status: DimseStatus.Pending, ...countsOf(counts, true) }),
          failed: (match, error) => this.log(`${name} sub-operation for ${match.sopClassUid} failed: ${(error as Error).message}`),
        });
      } finally {
        await finish().catch((error: unknown) => this.log(`${name}: releasing the destination association failed: ${(error as Error).message}`));
      }
    } catch (error) {
      if (this.endedDetail !== undefined) return;
      const { status, errorComment } = this.failure(name, error);
      await reply(responseField, { status, ...(errorComment !== undefined && { errorComment }) });
      return;
    }
    const failedList = outcome.failedSopInstanceUids.length > 0 ? this.failedInstanceList(outcome.failedSopInstanceUids, context) : undefined;
    await reply(responseField, { status: outcome.status, ...countsOf(outcome.counts, outcome.status === DimseStatus.Cancel) }, failedList);
  }

  /** C-GET: a C-STORE-RQ on this association, on a context where the requestor accepted the SCP role (PS3.4 C.4.3.3). */
  private async storeOnThisAssociation(match: RetrieveMatch, dataSet: readonly Uint8Array[]): Promise<number> {
    const candidates = [...this.association.contexts.values()].filter((c) => c.abstractSyntax === match.sopClassUid && c.requestorIsScp);
    const context = candidates.find((c) => c.transferSyntax === match.transferSyntaxUid) ?? candidates.find((c) => canTranscode(match.transferSyntaxUid, c.transferSyntax));
    if (!context) throw new DimseServiceError(DimseStatus.SopClassNotSupported, `the requestor offered no storage SCP context for ${match.sopClassUid} in a usable transfer syntax`);
    const messageId = this.nextMessageId;
    this.nextMessageId = (this.nextMessageId % 0xffff) + 1;
    const response = new Promise<DimseMessage>((resolve, reject) => this.responseWaiters.set(messageId, { resolve, reject }));
    response.catch(() => undefined);
    // The response must be read even when requests have queued up (the queue is capped in onMessage).
    if (this.paused) {
      this.paused = false;
      this.association.resumeReading();
    }
    await this.association.sendMessage(context.id, {
      commandField: CommandField.CStoreRQ,
      messageId,
      affectedSopClassUid: match.sopClassUid,
      affectedSopInstanceUid: match.sopInstanceUid,
      priority: Priority.Medium,
      hasDataSet: true,
    }, transcodeDataSet(dataSet, match.transferSyntaxUid, context.transferSyntax));
    return (await response).command.status ?? DimseStatus.ProcessingFailure;
  }

  /** C-MOVE: a new association to the destination, proposing each SOP class in the syntaxes of its matches (PS3.4 C.4.2.3). */
  private async openMoveAssociation(destination: MoveDestination, plan: RetrievePlan) {
    const syntaxesByClass = new Map<string, Set<string>>();
    for (const match of plan.matches) {
      const set = syntaxesByClass.get(match.sopClassUid) ?? new Set<string>();
      set.add(match.transferSyntaxUid);
      syntaxesByClass.set(match.sopClassUid, set);
    }
    const contexts = [...syntaxesByClass].flatMap(([abstractSyntax, syntaxes]) =>
      [...syntaxes].map((ts) => ({ abstractSyntax, transferSyntaxes: withNativeAlternatives(ts) })));
    if (contexts.length === 0) return { store: async () => DimseStatus.Success, release: async () => undefined };
    const client = await openAssociation({
      host: destination.host,
      port: destination.port,
      callingAeTitle: this.options.aeTitle,
      calledAeTitle: destination.aeTitle,
      contexts: contexts.slice(0, 128),
      limits: this.options.limits,
      ...(this.options.timers && { timers: this.options.timers }),
    }).catch((error: unknown) => {
      throw new DimseServiceError(DimseStatus.RefusedOutOfResourcesUnableToPerformSubOperations, `cannot open an association to move destination ${destination.aeTitle}: ${(error as Error).message}`, { cause: error });
    });
    return {
      store: async (match: RetrieveMatch, dataSet: readonly Uint8Array[], messageId: number) =>
        (await client.store({ ...match, dataSet, moveOriginator: { aeTitle: this.info.callingAeTitle, messageId } })).status,
      release: () => client.release(),
    };
  }

  private identifier(message: DimseMessage, context: AcceptedPresentationContext): Dataset {
    if (message.dataSet === undefined) throw new DimseServiceError(DimseStatus.IdentifierDoesNotMatchSopClass, 'a request without an identifier');
    const bytes = message.dataSet.length === 1 ? message.dataSet[0]! : Buffer.concat(message.dataSet);
    try {
      return readDataset(bytes, datasetEncoding(context.transferSyntax)).dataset;
    } catch (error) {
      throw new DimseServiceError(DimseStatus.UnableToProcess, 'the identifier cannot be read', { cause: error, errorComment: 'unreadable identifier' });
    }
  }

  private failedInstanceList(uids: readonly string[], context: AcceptedPresentationContext): readonly Uint8Array[] | undefined {
    const dataset = new Dataset(datasetEncoding(context.transferSyntax));
    dataset.setStrings(Tag.FailedSOPInstanceUIDList, uids, 'UI');
    return writeDataset(dataset, datasetEncoding(context.transferSyntax));
  }

  private failure(service: string, error: unknown): { status: number; errorComment: string | undefined } {
    const failure = failureOf(error);
    this.log(`${service} answered ${formatStatus(failure.status)}: ${(error as Error)?.message ?? String(error)}`);
    return failure;
  }
}

type Reply = (field: number, fields: Partial<DimseCommand>, dataSet?: readonly Uint8Array[]) => Promise<void>;

function datasetEncoding(transferSyntaxUid: string) {
  const syntax = lookupTransferSyntax(transferSyntaxUid);
  if (!syntax || syntax.deflated) throw new DimseServiceError(DimseStatus.UnableToProcess, `identifiers in transfer syntax ${transferSyntaxUid} are not supported`);
  return encodingOf(syntax);
}

const NATIVE = ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'];

/** The syntax an instance is held in first, then the native ones we can convert it to. */
function withNativeAlternatives(transferSyntaxUid: string): string[] {
  const out = [transferSyntaxUid];
  for (const ts of NATIVE) if (ts !== transferSyntaxUid && canTranscode(transferSyntaxUid, ts)) out.push(ts);
  return out;
}
