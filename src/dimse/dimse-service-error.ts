import { MedVeilError } from '../errors.js';
import { DimseStatus, formatStatus } from './dimse-status.js';

/**
 * A DIMSE service failure that carries the status to answer with (as dcm4che's
 * DicomServiceException does). Handlers throw it to refuse a request with a given status;
 * any other error becomes 0x0110 Processing Failure and its message stays in our logs.
 * `errorComment` goes to the peer in (0000,0902): it must hold no secret and no PHI.
 */
export class DimseServiceError extends MedVeilError {
  readonly status: number;
  readonly errorComment: string | undefined;

  constructor(status: number, message: string, options: { errorComment?: string; cause?: unknown } = {}) {
    super('dimse', `${message} (DIMSE status ${formatStatus(status)})`, { cause: options.cause });
    this.name = 'DimseServiceError';
    this.status = status;
    this.errorComment = options.errorComment;
  }
}

/** The status and comment to answer a failed request with. */
export function failureOf(error: unknown): { status: number; errorComment: string | undefined } {
  if (error instanceof DimseServiceError) return { status: error.status, errorComment: error.errorComment };
  return { status: DimseStatus.ProcessingFailure, errorComment: undefined };
}
