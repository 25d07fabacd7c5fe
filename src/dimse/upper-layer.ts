/**
 * The DICOM upper layer protocol machine (PS3.8 9): `receive(bytes) -> outputs` and local
 * primitives -> outputs, with no I/O. An output says what the adapter must do: send bytes,
 * close or open the transport connection, start or stop the ARTIM timer, or hand an
 * indication to the service user. The ARTIM timer runs in the adapter with an injected clock;
 * its expiry comes back as `artimExpired()` (Evt18).
 *
 * Invalid bytes never throw out of `receive`: they become Evt19, which sends an A-ABORT
 * (AA-8, or AA-1 before an association exists) and drops every later byte.
 */
import { internalError } from '../errors.js';
import { decodePDataParts, decodePdu } from './decode-pdu.js';
import { encodePdu } from './encode-pdu.js';
import {
  type AAssociateAC,
  type AAssociateRJ,
  type AAssociateRQ,
  AbortReason,
  AbortSource,
  type PDataTF,
  type Pdu,
  PduType,
  type PresentationDataValue,
  RejectAcseReason,
  RejectResult,
  RejectSource,
} from './pdu.js';
import { PduError } from './pdu-error.js';
import { PduFramer, type PduFramerLimits, frameBody } from './pdu-framer.js';
import { ACTIONS, type Action, type Event, type State, transition } from './upper-layer-state-machine.js';

export type UpperLayerOutput =
  | { readonly kind: 'send'; readonly chunks: readonly Uint8Array[] }
  | { readonly kind: 'open-transport' }
  | { readonly kind: 'close-transport' }
  | { readonly kind: 'start-artim' }
  | { readonly kind: 'stop-artim' }
  | { readonly kind: 'associate-indication'; readonly request: AAssociateRQ }
  | { readonly kind: 'associate-accepted'; readonly accept: AAssociateAC }
  | { readonly kind: 'associate-rejected'; readonly reject: AAssociateRJ }
  | { readonly kind: 'data'; readonly values: readonly PresentationDataValue[] }
  | { readonly kind: 'release-indication' }
  | { readonly kind: 'release-confirmed' }
  /** A-ABORT from the peer's service user, or A-P-ABORT from either provider, with a reason for logs. */
  | { readonly kind: 'aborted'; readonly byPeer: boolean; readonly source: number; readonly reason: number; readonly detail: string };

export interface UpperLayerOptions {
  /** The requestor opens the association (Evt1); the acceptor answers it (Evt5). */
  readonly role: 'requestor' | 'acceptor';
  readonly limits: PduFramerLimits;
}

export class UpperLayer {
  state: State = 'Sta1';
  readonly role: 'requestor' | 'acceptor';
  private readonly framer: PduFramer;
  /** Set by a framing error: the stream has lost PDU boundaries, so later bytes are dropped. */
  private broken = false;
  private pendingRequest: AAssociateRQ | undefined;

  constructor(options: UpperLayerOptions) {
    this.role = options.role;
    this.framer = new PduFramer(options.limits);
  }

  /** Bytes received that do not yet make a whole PDU. */
  get bufferedLength(): number {
    return this.framer.bufferedLength;
  }

  // Transport events.

  /** Evt5: a peer connected to us. */
  connectionOpened(): UpperLayerOutput[] {
    return this.fire('Evt5');
  }

  /** Evt2: the connection we asked for (AE-1) is open. */
  connectionConfirmed(): UpperLayerOutput[] {
    return this.fire('Evt2');
  }

  /** Evt17. */
  connectionClosed(): UpperLayerOutput[] {
    return this.fire('Evt17');
  }

  /** Evt18. */
  artimExpired(): UpperLayerOutput[] {
    return this.fire('Evt18');
  }

  /** Bytes from the transport: each complete PDU becomes its event (Evt3, 4, 6, 10, 12, 13, 16 or 19). */
  receive(bytes: Uint8Array): UpperLayerOutput[] {
    if (this.broken) return [];
    const out: UpperLayerOutput[] = [];
    try {
      for (const frame of this.framer.push(bytes)) {
        let pdu: Pdu;
        try {
          pdu = frame.type === PduType.PDataTF ? decodePDataParts(frame.parts) : decodePdu(frame.type, frameBody(frame));
        } catch (error) {
          if (!(error instanceof PduError)) throw error;
          out.push(...this.invalidPdu(error));
          continue;
        }
        out.push(...this.received(pdu));
        if (this.broken) break;
      }
    } catch (error) {
      if (!(error instanceof PduError)) throw error;
      out.push(...this.invalidPdu(error));
    }
    return out;
  }

  // Local primitives of the service user.

  /** Evt1 (the requestor): AE-1 asks the adapter to open the connection; AE-2 sends `request` once it is open. */
  associateRequest(request: AAssociateRQ): UpperLayerOutput[] {
    this.pendingRequest = request;
    return this.fire('Evt1');
  }

  /** Evt7. */
  accept(accept: AAssociateAC): UpperLayerOutput[] {
    return this.fire('Evt7', { pdu: accept });
  }

  /** Evt8. */
  reject(reject: AAssociateRJ): UpperLayerOutput[] {
    return this.fire('Evt8', { pdu: reject });
  }

  /** Evt9: one P-DATA-TF PDU. */
  sendData(pdu: PDataTF): UpperLayerOutput[] {
    return this.fire('Evt9', { pdu });
  }

  /** Evt11. */
  releaseRequest(): UpperLayerOutput[] {
    return this.fire('Evt11');
  }

  /** Evt14. */
  releaseResponse(): UpperLayerOutput[] {
    return this.fire('Evt14');
  }

  /** Evt15: A-ABORT from our service user. */
  abort(): UpperLayerOutput[] {
    return this.fire('Evt15');
  }

  /**
   * A protocol fault found above the PDU level (a PDV for a presentation context never
   * accepted, a broken command set): treated as Evt19 with `reason` in the A-ABORT.
   */
  protocolError(detail: string, reason: number = AbortReason.UnexpectedPduParameter): UpperLayerOutput[] {
    return this.invalidPdu(new PduError(detail, reason));
  }

  /** Whether P-DATA may be sent now (Sta6, or Sta8 after the peer asked to release). */
  get canSendData(): boolean {
    return this.state === 'Sta6' || this.state === 'Sta8';
  }

  private invalidPdu(error: PduError): UpperLayerOutput[] {
    this.broken = true;
    return this.fire('Evt19', { abortReason: error.abortReason, detail: error.message });
  }

  private received(pdu: Pdu): UpperLayerOutput[] {
    switch (pdu.type) {
      case PduType.AAssociateRQ: return this.fire('Evt6', { pdu });
      case PduType.AAssociateAC: return this.fire('Evt3', { pdu });
      case PduType.AAssociateRJ: return this.fire('Evt4', { pdu });
      case PduType.PDataTF: return this.fire('Evt10', { pdu });
      case PduType.AReleaseRQ: return this.fire('Evt12', { pdu });
      case PduType.AReleaseRP: return this.fire('Evt13', { pdu });
      case PduType.AAbort: return this.fire('Evt16', { pdu });
    }
  }

  private fire(event: Event, context: ActionContext = {}): UpperLayerOutput[] {
    const action = transition(this.state, event);
    if (action === undefined) {
      // Empty cells are reachable only through local primitives (PS3.8 9.2.3: received PDUs have a cell in every state but Sta1 and Sta4).
      if (event === 'Evt17' || event === 'Evt18') return [];
      throw internalError(`${event} is not allowed in ${this.state} (PS3.8 Table 9-10)`);
    }
    const out: UpperLayerOutput[] = [];
    this.state = this.perform(action, context, out);
    return out;
  }

  /** Performs `action` (PS3.8 Tables 9-6 to 9-9) and returns the next state. */
  private perform(action: Action, context: ActionContext, out: UpperLayerOutput[]): State {
    const send = (pdu: Pdu): void => void out.push({ kind: 'send', chunks: encodePdu(pdu) });
    const pdu = context.pdu;
    switch (action) {
      case 'AE-1':
        out.push({ kind: 'open-transport' });
        break;
      case 'AE-2':
        if (!this.pendingRequest) throw internalError('AE-2 without an A-ASSOCIATE request');
        send(this.pendingRequest);
        break;
      case 'AE-3':
        out.push({ kind: 'associate-accepted', accept: pdu as AAssociateAC });
        break;
      case 'AE-4':
        out.push({ kind: 'associate-rejected', reject: pdu as AAssociateRJ }, { kind: 'close-transport' });
        break;
      case 'AE-5':
        out.push({ kind: 'start-artim' });
        break;
      case 'AE-6': {
        out.push({ kind: 'stop-artim' });
        const request = pdu as AAssociateRQ;
        // Version 1 is bit 0 of the protocol version field (PS3.8 9.3.2).
        if ((request.protocolVersion & 0x0001) === 0) {
          send({ type: PduType.AAssociateRJ, result: RejectResult.Permanent, source: RejectSource.ServiceProviderAcse, reason: RejectAcseReason.ProtocolVersionNotSupported });
          out.push({ kind: 'start-artim' });
          return 'Sta13';
        }
        out.push({ kind: 'associate-indication', request });
        return 'Sta3';
      }
      case 'AE-7':
      case 'DT-1':
      case 'AR-7':
        send(pdu!);
        break;
      case 'AE-8':
        send(pdu!);
        out.push({ kind: 'start-artim' });
        break;
      case 'DT-2':
      case 'AR-6':
        out.push({ kind: 'data', values: (pdu as PDataTF).values });
        break;
      case 'AR-1':
        send({ type: PduType.AReleaseRQ });
        break;
      case 'AR-2':
        out.push({ kind: 'release-indication' });
        break;
      case 'AR-3':
        out.push({ kind: 'release-confirmed' }, { kind: 'close-transport' });
        break;
      case 'AR-4':
        send({ type: PduType.AReleaseRP });
        out.push({ kind: 'start-artim' });
        break;
      case 'AR-5':
      case 'AA-5':
        out.push({ kind: 'stop-artim' });
        break;
      case 'AR-8':
        out.push({ kind: 'release-indication' });
        return this.role === 'requestor' ? 'Sta9' : 'Sta10';
      case 'AR-9':
        send({ type: PduType.AReleaseRP });
        break;
      case 'AR-10':
        out.push({ kind: 'release-confirmed' });
        break;
      case 'AA-1':
        send({ type: PduType.AAbort, source: AbortSource.ServiceUser, reason: context.abortReason ?? AbortReason.NotSpecified });
        out.push({ kind: 'start-artim' });
        if (context.detail !== undefined) out.push(aborted(false, AbortSource.ServiceProvider, context.abortReason ?? 0, context.detail));
        break;
      case 'AA-2':
        out.push({ kind: 'stop-artim' }, { kind: 'close-transport' });
        break;
      case 'AA-3': {
        const abort = pdu as { source: number; reason: number };
        const detail = abort.source === AbortSource.ServiceUser ? 'the peer aborted the association' : `the peer's upper layer aborted (reason ${abort.reason})`;
        out.push(aborted(true, abort.source, abort.reason, detail), { kind: 'close-transport' });
        break;
      }
      case 'AA-4':
        out.push(aborted(true, AbortSource.ServiceProvider, AbortReason.NotSpecified, 'the transport connection closed'));
        break;
      case 'AA-6':
        break;
      case 'AA-7':
        send({ type: PduType.AAbort, source: AbortSource.ServiceProvider, reason: context.abortReason ?? AbortReason.UnexpectedPdu });
        break;
      case 'AA-8': {
        const reason = context.abortReason ?? AbortReason.UnexpectedPdu;
        send({ type: PduType.AAbort, source: AbortSource.ServiceProvider, reason });
        out.push(aborted(false, AbortSource.ServiceProvider, reason, context.detail ?? `unexpected ${pduName(pdu)} in ${this.state}`), { kind: 'start-artim' });
        break;
      }
    }
    return ACTIONS[action].next;
  }
}

interface ActionContext {
  readonly pdu?: Pdu;
  readonly abortReason?: number;
  readonly detail?: string;
}

function aborted(byPeer: boolean, source: number, reason: number, detail: string): UpperLayerOutput {
  return { kind: 'aborted', byPeer, source, reason, detail };
}

const PDU_NAMES: Record<number, string> = {
  [PduType.AAssociateRQ]: 'A-ASSOCIATE-RQ',
  [PduType.AAssociateAC]: 'A-ASSOCIATE-AC',
  [PduType.AAssociateRJ]: 'A-ASSOCIATE-RJ',
  [PduType.PDataTF]: 'P-DATA-TF',
  [PduType.AReleaseRQ]: 'A-RELEASE-RQ',
  [PduType.AReleaseRP]: 'A-RELEASE-RP',
  [PduType.AAbort]: 'A-ABORT',
};

function pduName(pdu: Pdu | undefined): string {
  return pdu === undefined ? 'PDU' : PDU_NAMES[pdu.type] ?? 'PDU';
}
