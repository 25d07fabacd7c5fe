import { MedVeilError } from '../errors.js';

/**
 * Input that cannot be read as DICOM. The message always names the byte offset and the
 * reason, e.g. "at byte 1234: element (0010,0010) declares 4294967290 bytes but only 12 remain",
 * because the bytes come from outside and whoever looks at them next needs the place.
 */
export class DicomParseError extends MedVeilError {
  /** Offset of the problem in the buffer being parsed (the inflated buffer for deflated syntaxes). */
  readonly offset: number;
  readonly tag: number | undefined;

  constructor(offset: number, reason: string, options: { tag?: number; cause?: unknown } = {}) {
    super('dicom-parse', `at byte ${offset}: ${reason}`, {
      cause: options.cause,
      hint: 'the file is damaged or not DICOM; check it with `dcmdump` and obtain a fresh copy from the source',
    });
    this.name = 'DicomParseError';
    this.offset = offset;
    this.tag = options.tag;
  }
}
