import { MedVeilError } from '../errors.js';
import { AbortReason } from './pdu.js';

/**
 * Bytes from a peer that do not form a valid PDU (PS3.8 9.3). The upper layer answers with an
 * A-ABORT carrying `abortReason` (PS3.8 9.3.8) and never keeps the association.
 */
export class PduError extends MedVeilError {
  /** The A-ABORT reason/diag. to send (PS3.8 Table 9-26). */
  readonly abortReason: number;

  constructor(message: string, abortReason: number = AbortReason.InvalidPduParameterValue) {
    super('dimse', message, { hint: 'the peer sent bytes that are not a valid DICOM upper layer PDU (PS3.8 9.3)' });
    this.name = 'PduError';
    this.abortReason = abortReason;
  }
}
