/**
 * The one error base class of MedVeil (STYLE.md rule 5). `code` says what went wrong in a
 * form a caller can branch on; bad input from outside carries an `input-*` or protocol code,
 * a broken invariant of ours is `internal`.
 */
export type MedVeilErrorCode =
  | 'internal'
  | 'usage'
  | 'dicom-parse'
  | 'dicom-write'
  | 'charset'
  | 'json-model'
  | 'recipe'
  | 'key'
  | 'deid'
  | 'dicomdir'
  | 'io'
  | 'audit'
  | 'audit-verify'
  | 'crypto'
  | 'witness'
  | 'access'
  | 'account'
  | 'token'
  | 'dimse'
  | 'storage'
  | 'config'
  | 'http'
  | 'pixels';

export class MedVeilError extends Error {
  readonly code: MedVeilErrorCode;
  /** What the user can do next, shown by the CLI under the message. */
  readonly hint: string | undefined;

  constructor(code: MedVeilErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MedVeilError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** A broken invariant: our bug, never the user's. */
export function internalError(message: string, cause?: unknown): MedVeilError {
  return new MedVeilError('internal', `internal error (a MedVeil bug): ${message}`, { cause });
}
