/**
 * One association over one TCP connection: the thin adapter between a node:net socket and
 * the pure `UpperLayer` (PS3.8 9) plus `DimseMessageAssembler` (PS3.8 E). It carries out the
 * layer's outputs (write bytes, close, run the ARTIM timer on an injected timer source) and
 * turns received P-DATA into whole DIMSE messages for its owner. Writes respect the socket's
 * back-pressure; reads can be paused by the owner while it is busy.
 */
import type { Socket } from 'node:net';
import { MedVeilError } from '../errors.js';
import { CommandField, type DimseCommand, encodeCommand } from './dimse-command.js';
import { type DimseMessage, DimseMessageAssembler, type DimseMessageLimits } from './dimse-message-assembler.js';
import { fragmentMessage } from './fragment-message.js';
import type { AAssociateAC, AAssociateRJ, AAssociateRQ } from './pdu.js';
import { PduError } from './pdu-error.js';
import type { AcceptedPresentationContext } from './negotiate-association.js';
import { UpperLayer, type UpperLayerOutput } from './upper-layer.js';

/** The timer source of the ARTIM timer; tests pass their own (no real waiting). */
export interface TimerSource {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_TIMERS: TimerSource = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface AssociationLimits extends DimseMessageLimits {
  /** The Maximum Length Received we announce and enforce (PS3.8 D.1). */
  readonly maxPduLength: number;
  /** Largest non-P-DATA PDU accepted (A-ASSOCIATE-RQ with many presentation contexts). */
  readonly maxAssociatePduLength: number;
  /** ARTIM timeout (PS3.8 9.1.5), milliseconds. */
  readonly artimTimeoutMs: number;
}

export const DEFAULT_ASSOCIATION_LIMITS: AssociationLimits = {
  maxPduLength: 1 << 20,
  maxAssociatePduLength: 1 << 20,
  maxCommandLength: 1 << 16,
  maxDataSetLength: 2 ** 31 - 1,
  artimTimeoutMs: 30_000,
};

/** How an association ended. */
export interface AssociationEnd {
  readonly released: boolean;
  /** Why it did not end with a release; absent after a release. */
  readonly detail?: string;
}

export interface AssociationHandlers {
  /** Acceptor only: the answer to an A-ASSOCIATE-RQ. */
  onRequest?(request: AAssociateRQ): Promise<{ accept: AAssociateAC; contexts: readonly AcceptedPresentationContext[] } | { reject: AAssociateRJ }>;
  onMessage(message: DimseMessage): void;
  /** The peer asked to release; the release response waits until this resolves (pending responses go first). */
  onReleaseRequest?(): Promise<void>;
  onEnd?(end: AssociationEnd): void;
}

export interface AssociationOptions {
  readonly role: 'acceptor' | 'requestor';
  readonly handlers: AssociationHandlers;
  readonly limits: AssociationLimits;
  readonly timers?: TimerSource;
}

export class Association {
  readonly socket: Socket;
  readonly layer: UpperLayer;
  readonly contexts = new Map<number, AcceptedPresentationContext>();
  request: AAssociateRQ | undefined;
  accepted: AAssociateAC | undefined;
  /** The peer's Maximum Length Received: our P-DATA-TF PDUs stay within it (0: no limit). */
  peerMaxPduLength = 0;
  readonly ended: Promise<AssociationEnd>;

  private readonly assembler: DimseMessageAssembler;
  private readonly timers: TimerSource;
  private readonly artimTimeoutMs: number;
  private artim: unknown;
  private endDetail: string | undefined;
  private released = false;
  private resolveEnded!: (end: AssociationEnd) => void;
  private waiters: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private drainWaiters: Array<() => void> = [];

  private readonly handlers: AssociationHandlers;

  constructor(socket: Socket, options: AssociationOptions) {
    const { role, handlers } = options;
    this.socket = socket;
    this.handlers = handlers;
    this.timers = options.timers ?? SYSTEM_TIMERS;
    this.artimTimeoutMs = options.limits.artimTimeoutMs;
    this.layer = new UpperLayer({ role, limits: { maxPDataLength: options.limits.maxPduLength, maxOtherLength: options.limits.maxAssociatePduLength } });
    // An acceptor hands a C-STORE data set over as it arrives, so that storing overlaps the receive.
    this.assembler = new DimseMessageAssembler(options.limits, role === 'acceptor' ? { streamDataSetOf: (command) => command.commandField === CommandField.CStoreRQ } : {});
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    socket.setNoDelay(true);
    socket.on('data', (bytes: Buffer) => this.apply(this.layer.receive(bytes)));
    socket.on('drain', () => this.drainWaiters.splice(0).forEach((wake) => wake()));
    socket.on('error', (error) => {
      this.endDetail ??= `socket error: ${error.message}`;
    });
    socket.on('close', () => {
      this.apply(this.layer.connectionClosed());
      this.assembler.abandon(this.endDetail ?? 'the connection closed');
      this.stopArtim();
      this.drainWaiters.splice(0).forEach((wake) => wake());
      this.failWaiter(new MedVeilError('dimse', `the association ended: ${this.endDetail ?? 'the connection closed'}`));
      const end: AssociationEnd = this.released ? { released: true } : { released: false, detail: this.endDetail ?? 'the connection closed' };
      this.resolveEnded(end);
      this.handlers.onEnd?.(end);
    });
  }

  /** Acceptor: the connection is open (Evt5). */
  start(): void {
    this.apply(this.layer.connectionOpened());
  }

  /** Requestor: asks for an association on a connection that is already open (Evt1, Evt2). */
  async requestAssociation(request: AAssociateRQ): Promise<AAssociateAC> {
    this.request = request;
    const answered = this.waitForAnswer();
    this.apply(this.layer.associateRequest(request));
    this.apply(this.layer.connectionConfirmed());
    await answered;
    return this.accepted!;
  }

  get peerAddress(): string {
    return this.socket.remoteAddress ?? '';
  }

  /** The accepted context for `id`, or undefined. */
  context(id: number): AcceptedPresentationContext | undefined {
    return this.contexts.get(id);
  }

  /** Sends one DIMSE message, PDU by PDU, waiting whenever the socket's buffer is full. */
  async sendMessage(presentationContextId: number, command: DimseCommand, dataSet?: readonly Uint8Array[]): Promise<void> {
    const pdus = fragmentMessage({ presentationContextId, command: encodeCommand(command), ...(dataSet && { dataSet }) }, this.peerMaxPduLength);
    for (const pdu of pdus) {
      if (!this.layer.canSendData) throw new MedVeilError('dimse', `cannot send: the association is no longer open (${this.endDetail ?? this.layer.state})`);
      this.apply(this.layer.sendData(pdu));
      if (this.socket.writableNeedDrain) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
  }

  /** Requestor: A-RELEASE (Evt11); resolves when the peer confirmed. */
  async release(): Promise<void> {
    if (this.layer.state !== 'Sta6') return;
    const confirmed = this.waitForAnswer();
    this.apply(this.layer.releaseRequest());
    await confirmed;
  }

  /** A-ABORT from our side (Evt15). */
  abort(detail: string): void {
    this.endDetail ??= detail;
    if (this.layer.state === 'Sta1' || this.layer.state === 'Sta2' || this.layer.state === 'Sta13') {
      this.socket.destroy();
      return;
    }
    this.apply(this.layer.abort());
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  private waitForAnswer(): Promise<void> {
    return new Promise<void>((resolve, reject) => (this.waiters = { resolve, reject }));
  }

  private failWaiter(error: Error): void {
    const waiter = this.waiters;
    this.waiters = undefined;
    waiter?.reject(error);
  }

  private apply(outputs: readonly UpperLayerOutput[]): void {
    for (const output of outputs) {
      switch (output.kind) {
        case 'send':
          if (!this.socket.destroyed) {
            this.socket.cork();
            for (const chunk of output.chunks) this.socket.write(chunk);
            this.socket.uncork();
          }
          break;
        case 'close-transport':
          this.socket.end(() => this.socket.destroy());
          break;
        case 'open-transport':
          break;
        case 'start-artim':
          this.stopArtim();
          this.artim = this.timers.setTimeout(() => {
            this.artim = undefined;
            this.endDetail ??= 'ARTIM timer expired';
            this.apply(this.layer.artimExpired());
          }, this.artimTimeoutMs);
          break;
        case 'stop-artim':
          this.stopArtim();
          break;
        case 'associate-indication':
          this.request = output.request;
          void this.answerRequest(output.request);
          break;
        case 'associate-accepted':
          this.accepted = output.accept;
          this.peerMaxPduLength = output.accept.userInformation.maxPduLength;
          this.recordRequestedContexts(output.accept);
          this.settleWaiter();
          break;
        case 'associate-rejected':
          this.endDetail ??= `association rejected (result ${output.reject.result}, source ${output.reject.source}, reason ${output.reject.reason})`;
          this.failWaiter(new MedVeilError('dimse', this.endDetail));
          break;
        case 'data':
          this.receiveData(output.values);
          break;
        case 'release-indication':
          void this.answerRelease();
          break;
        case 'release-confirmed':
          this.released = true;
          this.settleWaiter();
          break;
        case 'aborted':
          this.endDetail ??= output.detail;
          this.failWaiter(new MedVeilError('dimse', `the association was aborted: ${output.detail}`));
          break;
      }
    }
  }

  private settleWaiter(): void {
    const waiter = this.waiters;
    this.waiters = undefined;
    waiter?.resolve();
  }

  private stopArtim(): void {
    if (this.artim !== undefined) this.timers.clearTimeout(this.artim);
    this.artim = undefined;
  }

  private receiveData(values: Parameters<DimseMessageAssembler['push']>[0]): void {
    let messages: DimseMessage[];
    try {
      for (const value of values) {
        if (!this.contexts.has(value.presentationContextId)) {
          throw new PduError(`a PDV on presentation context ${value.presentationContextId}, which was not accepted`);
        }
      }
      messages = this.assembler.push(values);
    } catch (error) {
      if (!(error instanceof PduError)) throw error;
      this.endDetail ??= error.message;
      this.assembler.abandon(error.message);
      this.apply(this.layer.protocolError(error.message, error.abortReason));
      return;
    }
    for (const message of messages) this.handlers.onMessage(message);
  }

  private async answerRequest(request: AAssociateRQ): Promise<void> {
    let answer: Awaited<ReturnType<NonNullable<AssociationHandlers['onRequest']>>>;
    try {
      if (!this.handlers.onRequest) throw new MedVeilError('internal', 'an acceptor without onRequest');
      answer = await this.handlers.onRequest(request);
    } catch (error) {
      this.endDetail ??= `the association request could not be answered: ${(error as Error).message}`;
      if (this.layer.state === 'Sta3') this.apply(this.layer.abort());
      return;
    }
    if (this.layer.state !== 'Sta3') return;
    if ('reject' in answer) {
      this.endDetail ??= `association rejected (reason ${answer.reject.reason})`;
      this.apply(this.layer.reject(answer.reject));
      return;
    }
    for (const context of answer.contexts) this.contexts.set(context.id, context);
    this.accepted = answer.accept;
    this.peerMaxPduLength = request.userInformation.maxPduLength;
    this.apply(this.layer.accept(answer.accept));
  }

  private async answerRelease(): Promise<void> {
    try {
      await this.handlers.onReleaseRequest?.();
    } finally {
      if (this.layer.state === 'Sta8' || this.layer.state === 'Sta9' || this.layer.state === 'Sta12') {
        this.released = true;
        this.apply(this.layer.releaseResponse());
      }
    }
  }

  /** Requestor: the contexts the acceptor accepted, with the transfer syntax it chose. */
  private recordRequestedContexts(accept: AAssociateAC): void {
    const proposed = new Map(this.request?.presentationContexts.map((pc) => [pc.id, pc]));
    const roles = new Map(accept.userInformation.roleSelections.map((r) => [r.sopClassUid, r]));
    for (const answer of accept.presentationContexts) {
      const pc = proposed.get(answer.id);
      if (answer.result !== 0 || pc === undefined) continue;
      const role = roles.get(pc.abstractSyntax);
      this.contexts.set(answer.id, {
        id: answer.id,
        abstractSyntax: pc.abstractSyntax,
        transferSyntax: answer.transferSyntax,
        requestorIsScu: role ? role.scuRole : true,
        requestorIsScp: role ? role.scpRole : false,
      });
    }
  }
}
