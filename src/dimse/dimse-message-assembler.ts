/**
 * Puts DIMSE messages together from presentation data values (PS3.8 Annex E, PS3.7 6.3.1):
 * the command fragments of a message come first, the last marked, then its data set fragments
 * if the command says one follows, all on one presentation context. Data set fragments are
 * kept as the received views (no copy, no parsing): the protocol layer reads a data set only
 * as far as a command needs. Sizes are bounded by `limits`, so a peer cannot make us buffer
 * without end.
 *
 * A message whose data set is streamed (`streamDataSetOf`) is returned as soon as its command
 * is complete, with `dataSetStream`; its fragments follow into that stream as they arrive.
 */
import { MedVeilError } from '../errors.js';
import { AbortReason, type PresentationDataValue } from './pdu.js';
import { type DimseCommand, commandName, decodeCommand } from './dimse-command.js';
import { PduError } from './pdu-error.js';
import { DataSetFragments } from './data-set-fragments.js';

export interface DimseMessage {
  readonly presentationContextId: number;
  readonly command: DimseCommand;
  /** The data set as received, in the presentation context's transfer syntax; absent when none follows or it is streamed. */
  readonly dataSet?: readonly Uint8Array[];
  /** The data set as it arrives, for the commands of `streamDataSetOf`. */
  readonly dataSetStream?: DataSetFragments;
  /** Bytes of `dataSet`; 0 when it is streamed. */
  readonly dataSetLength: number;
}

export interface DimseMessageLimits {
  /** Largest command set accepted (bytes). */
  readonly maxCommandLength: number;
  /** Largest data set accepted in one message (bytes). */
  readonly maxDataSetLength: number;
}

export interface DimseMessageAssemblerOptions {
  /** Commands whose data set is handed over as it arrives rather than whole. */
  readonly streamDataSetOf?: (command: DimseCommand) => boolean;
}

export class DimseMessageAssembler {
  private commandParts: Uint8Array[] = [];
  private commandLength = 0;
  private command: DimseCommand | undefined;
  private contextId: number | undefined;
  private dataParts: Uint8Array[] = [];
  private dataLength = 0;
  private stream: DataSetFragments | undefined;

  constructor(private readonly limits: DimseMessageLimits, private readonly options: DimseMessageAssemblerOptions = {}) {}

  /** Fails a data set still being streamed: the association ended or broke before its last fragment. */
  abandon(detail: string): void {
    this.stream?.fail(new MedVeilError('dimse', `the data set was cut short: ${detail}`));
    this.stream = undefined;
  }

  /** Whether a message is partly received. */
  get inProgress(): boolean {
    return this.contextId !== undefined;
  }

  /**
   * Adds the values of one P-DATA-TF; returns the messages they complete. Throws a PduError
   * (to be answered with an A-ABORT) when fragments break the order of PS3.8 E.2.
   */
  push(values: readonly PresentationDataValue[]): DimseMessage[] {
    const done: DimseMessage[] = [];
    for (const value of values) {
      const message = this.pushValue(value);
      if (message) done.push(message);
    }
    return done;
  }

  private pushValue(value: PresentationDataValue): DimseMessage | undefined {
    if (this.contextId !== undefined && value.presentationContextId !== this.contextId) {
      throw new PduError(`a fragment on presentation context ${value.presentationContextId} interrupts a message on context ${this.contextId}`, AbortReason.UnexpectedPduParameter);
    }
    this.contextId = value.presentationContextId;
    if (value.command) {
      if (this.command !== undefined) throw new PduError(`a command fragment arrived inside the data set of a ${commandName(this.command.commandField)}`, AbortReason.UnexpectedPduParameter);
      this.commandLength += value.data.length;
      if (this.commandLength > this.limits.maxCommandLength) throw new PduError(`a command set longer than ${this.limits.maxCommandLength} bytes`, AbortReason.InvalidPduParameterValue);
      this.commandParts.push(value.data);
      if (!value.last) return undefined;
      const bytes = this.commandParts.length === 1 ? this.commandParts[0]! : Buffer.concat(this.commandParts);
      let command: DimseCommand;
      try {
        command = decodeCommand(bytes);
      } catch (error) {
        throw new PduError(`an unreadable DIMSE command set: ${(error as Error).message}`, AbortReason.InvalidPduParameterValue);
      }
      this.commandParts = [];
      this.commandLength = 0;
      if (!command.hasDataSet) return this.finish(command, undefined);
      this.command = command;
      if (this.options.streamDataSetOf?.(command) !== true) return undefined;
      this.stream = new DataSetFragments();
      return { presentationContextId: this.contextId, command, dataSetStream: this.stream, dataSetLength: 0 };
    }
    if (this.command === undefined) throw new PduError('a data set fragment arrived before its command was complete', AbortReason.UnexpectedPduParameter);
    this.dataLength += value.data.length;
    if (this.dataLength > this.limits.maxDataSetLength) {
      throw new PduError(`a data set longer than the ${this.limits.maxDataSetLength} bytes accepted`, AbortReason.InvalidPduParameterValue);
    }
    if (this.stream !== undefined) {
      this.stream.push(value.data);
      if (!value.last) return undefined;
      this.stream.end();
      this.stream = undefined;
      this.finish(this.command, undefined);
      return undefined;
    }
    if (value.data.length > 0) this.dataParts.push(value.data);
    if (!value.last) return undefined;
    return this.finish(this.command, this.dataParts);
  }

  private finish(command: DimseCommand, dataSet: Uint8Array[] | undefined): DimseMessage {
    const message: DimseMessage = {
      presentationContextId: this.contextId!,
      command,
      ...(dataSet !== undefined && { dataSet }),
      dataSetLength: this.dataLength,
    };
    this.command = undefined;
    this.contextId = undefined;
    this.dataParts = [];
    this.dataLength = 0;
    return message;
  }
}
