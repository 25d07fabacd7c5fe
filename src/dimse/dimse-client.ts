/**
 * The association requestor (SCU): opens an association, sends C-ECHO and C-STORE requests
 * and waits for their responses (one at a time: we propose no asynchronous operations
 * window, PS3.7 D.3.3.3), then releases. C-MOVE sub-operations use it, and the gateway will
 * for an upstream PACS.
 */
import { connect } from 'node:net';
import { MedVeilError } from '../errors.js';
import { MEDVEIL_IMPLEMENTATION_CLASS_UID, MEDVEIL_IMPLEMENTATION_VERSION_NAME } from '../dicom/write-file-meta.js';
import { Association, type AssociationLimits, DEFAULT_ASSOCIATION_LIMITS, type TimerSource } from './association.js';
import { CommandField, type DimseCommand, Priority, commandName } from './dimse-command.js';
import type { DimseMessage } from './dimse-message-assembler.js';
import { DimseServiceError } from './dimse-service-error.js';
import { DimseStatus } from './dimse-status.js';
import { DICOM_APPLICATION_CONTEXT, PduType, type RoleSelection } from './pdu.js';
import { VERIFICATION_SOP_CLASS } from './sop-classes.js';
import { canTranscode, transcodeDataSet } from './transcode-data-set.js';

export interface ProposedContext {
  readonly abstractSyntax: string;
  readonly transferSyntaxes: readonly string[];
  /** Propose that we act as SCP for this SOP class too (SCP/SCU Role Selection, PS3.7 D.3.3.4). */
  readonly asScp?: boolean;
}

export interface OpenAssociationOptions {
  readonly host: string;
  readonly port: number;
  readonly callingAeTitle: string;
  readonly calledAeTitle: string;
  readonly contexts: readonly ProposedContext[];
  readonly limits?: Partial<AssociationLimits>;
  readonly timers?: TimerSource;
  /** Milliseconds to wait for the TCP connection; default 10 s. */
  readonly connectTimeoutMs?: number;
}

export interface StoreInstance {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntaxUid: string;
  readonly dataSet: readonly Uint8Array[];
  readonly moveOriginator?: { readonly aeTitle: string; readonly messageId: number };
}

/** At most 128 presentation contexts fit the odd IDs 1-255 (PS3.8 9.3.2.2). */
export const MAX_PROPOSED_CONTEXTS = 128;

export async function openAssociation(options: OpenAssociationOptions): Promise<DimseClient> {
  if (options.contexts.length === 0 || options.contexts.length > MAX_PROPOSED_CONTEXTS) {
    throw new MedVeilError('dimse', `an association proposes 1-${MAX_PROPOSED_CONTEXTS} presentation contexts, not ${options.contexts.length}`);
  }
  const limits = { ...DEFAULT_ASSOCIATION_LIMITS, ...options.limits };
  const socket = connect({ host: options.host, port: options.port });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new MedVeilError('dimse', `no connection to ${options.host}:${options.port} within ${options.connectTimeoutMs ?? 10_000} ms`));
    }, options.connectTimeoutMs ?? 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new MedVeilError('dimse', `cannot connect to ${options.host}:${options.port}: ${error.message}`, { cause: error }));
    });
  });
  const client = new DimseClient();
  const association = new Association(socket, {
    role: 'requestor',
    handlers: { onMessage: (m) => client.receive(m) },
    limits,
    ...(options.timers && { timers: options.timers }),
  });
  client.association = association;
  const roleSelections: RoleSelection[] = options.contexts
    .filter((c) => c.asScp)
    .map((c) => ({ sopClassUid: c.abstractSyntax, scuRole: true, scpRole: true }));
  await association.requestAssociation({
    type: PduType.AAssociateRQ,
    protocolVersion: 1,
    calledAeTitle: options.calledAeTitle,
    callingAeTitle: options.callingAeTitle,
    applicationContext: DICOM_APPLICATION_CONTEXT,
    presentationContexts: options.contexts.map((c, i) => ({ id: 2 * i + 1, abstractSyntax: c.abstractSyntax, transferSyntaxes: c.transferSyntaxes })),
    userInformation: {
      maxPduLength: limits.maxPduLength,
      implementationClassUid: MEDVEIL_IMPLEMENTATION_CLASS_UID,
      implementationVersionName: MEDVEIL_IMPLEMENTATION_VERSION_NAME,
      roleSelections: dedupeRoles(roleSelections),
      extendedNegotiations: [],
    },
  });
  return client;
}

function dedupeRoles(roles: RoleSelection[]): RoleSelection[] {
  return [...new Map(roles.map((r) => [r.sopClassUid, r])).values()];
}

export class DimseClient {
  association!: Association;
  private nextMessageId = 1;
  private awaiting: { messageId: number; resolve: (m: DimseMessage) => void } | undefined;

  /** C-ECHO (PS3.7 9.1.5); resolves with the status. */
  async echo(): Promise<number> {
    const context = [...this.association.contexts.values()].find((c) => c.abstractSyntax === VERIFICATION_SOP_CLASS);
    if (!context) throw new MedVeilError('dimse', 'the peer accepted no presentation context for Verification');
    const response = await this.request(context.id, { commandField: CommandField.CEchoRQ, affectedSopClassUid: VERIFICATION_SOP_CLASS, hasDataSet: false });
    return response.command.status ?? DimseStatus.ProcessingFailure;
  }

  /** Whether an instance held in `transferSyntaxUid` can be sent on some accepted context. */
  canStore(sopClassUid: string, transferSyntaxUid: string): boolean {
    return this.contextFor(sopClassUid, transferSyntaxUid) !== undefined;
  }

  /** C-STORE (PS3.7 9.1.1); resolves with the peer's status. Converts between native syntaxes when the peer chose another. */
  async store(instance: StoreInstance): Promise<{ status: number; errorComment?: string }> {
    const context = this.contextFor(instance.sopClassUid, instance.transferSyntaxUid);
    if (!context) {
      throw new DimseServiceError(DimseStatus.SopClassNotSupported, `the peer accepted no presentation context for ${instance.sopClassUid} in a transfer syntax we can send ${instance.transferSyntaxUid} as`);
    }
    const dataSet = transcodeDataSet(instance.dataSet, instance.transferSyntaxUid, context.transferSyntax);
    const response = await this.request(context.id, {
      commandField: CommandField.CStoreRQ,
      affectedSopClassUid: instance.sopClassUid,
      affectedSopInstanceUid: instance.sopInstanceUid,
      priority: Priority.Medium,
      hasDataSet: true,
      ...(instance.moveOriginator && { moveOriginatorAeTitle: instance.moveOriginator.aeTitle, moveOriginatorMessageId: instance.moveOriginator.messageId }),
    }, dataSet);
    const status = response.command.status ?? DimseStatus.ProcessingFailure;
    return { status, ...(response.command.errorComment !== undefined && { errorComment: response.command.errorComment }) };
  }

  async release(): Promise<void> {
    await this.association.release();
    await this.association.ended;
  }

  abort(detail = 'aborted by the requestor'): void {
    this.association.abort(detail);
  }

  /** Called by the association with each whole message; only responses to our one outstanding request are expected. */
  receive(message: DimseMessage): void {
    const waiting = this.awaiting;
    if (waiting && message.command.messageIdBeingRespondedTo === waiting.messageId && (message.command.commandField & 0x8000) !== 0) {
      this.awaiting = undefined;
      waiting.resolve(message);
      return;
    }
    this.association.abort(`unexpected ${commandName(message.command.commandField)} from the peer`);
  }

  private contextFor(sopClassUid: string, transferSyntaxUid: string) {
    const candidates = [...this.association.contexts.values()].filter((c) => c.abstractSyntax === sopClassUid);
    return candidates.find((c) => c.transferSyntax === transferSyntaxUid) ?? candidates.find((c) => canTranscode(transferSyntaxUid, c.transferSyntax));
  }

  private async request(contextId: number, command: Omit<DimseCommand, 'messageId'>, dataSet?: readonly Uint8Array[]): Promise<DimseMessage> {
    if (this.awaiting) throw new MedVeilError('internal', 'internal error (a MedVeil bug): a second DIMSE request before the first was answered');
    const messageId = this.nextMessageId;
    this.nextMessageId = (this.nextMessageId % 0xffff) + 1;
    const answered = new Promise<DimseMessage>((resolve, reject) => {
      this.awaiting = { messageId, resolve };
      void this.association.ended.then((end) => {
        if (this.awaiting?.messageId !== messageId) return;
        this.awaiting = undefined;
        reject(new MedVeilError('dimse', `the association ended before the response to ${commandName(command.commandField)}: ${end.detail ?? 'released'}`));
      });
    });
    // Observed now, so that an end while still sending is not an unhandled rejection.
    answered.catch(() => undefined);
    await this.association.sendMessage(contextId, { ...command, messageId }, dataSet);
    return answered;
  }
}
