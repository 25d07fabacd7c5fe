import type { Dataset } from './dataset.js';
import type { ReadWarning } from './read-warning.js';

/**
 * A DICOM file as read (PS3.10 7.1): the 128-byte preamble when there was one, the File Meta
 * Information (group 0002, always explicit VR little endian), and the data set encoded with
 * `transferSyntaxUid`. A file read without meta has an empty `meta` and the syntax the reader
 * sniffed.
 */
export interface DicomFile {
  preamble: Uint8Array | undefined;
  meta: Dataset;
  dataset: Dataset;
  transferSyntaxUid: string;
  warnings: ReadWarning[];
}
