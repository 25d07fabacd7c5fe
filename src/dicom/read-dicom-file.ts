/**
 * Reads a DICOM file (PS3.10 7.1): the 128-byte preamble and "DICM", the File Meta
 * Information (group 0002, explicit VR little endian, PS3.10 7.1), then the data set in the
 * transfer syntax the meta names. Also reads files without preamble (starting with group
 * 0002) and bare data sets without any meta, whose encoding is sniffed from the first element.
 */
import { inflateRawSync, inflateSync } from 'node:zlib';
import { Dataset, type DatasetEncoding, EXPLICIT_LITTLE, IMPLICIT_LITTLE } from './dataset.js';
import type { DicomFile } from './dicom-file.js';
import { DicomParseError } from './parse-error.js';
import { DEFAULT_MAX_DEPTH, readDataset } from './read-dataset.js';
import { rememberDeflatedSource } from './read-deflated-source.js';
import { sniffEncoding } from './read-sniff-encoding.js';
import type { ReadWarning } from './read-warning.js';
import { Tag } from './tag.js';
import {
  EXPLICIT_VR_BIG_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, encodingOf, lookupTransferSyntax,
} from './transfer-syntax.js';

/** Inflated data sets larger than this are refused (a deflate bomb must not exhaust memory). */
export const DEFAULT_MAX_INFLATED_LENGTH = 2 ** 31 - 1;

export interface ReadDicomFileOptions {
  /** Deepest sequence nesting accepted (default 128). */
  readonly maxDepth?: number;
  /** Largest inflated data set accepted for the deflated syntaxes, in bytes (default 2 GiB - 1). */
  readonly maxInflatedLength?: number;
}

const PREAMBLE_LENGTH = 128;

export function readDicomFile(bytes: Uint8Array, options: ReadDicomFileOptions = {}): DicomFile {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const warnings: ReadWarning[] = [];
  if (bytes.length === 0) throw new DicomParseError(0, 'the file is empty, not DICOM');

  let preamble: Uint8Array | undefined;
  let metaStart: number;
  if (bytes.length >= PREAMBLE_LENGTH + 4 && isDicmAt(bytes, PREAMBLE_LENGTH)) {
    preamble = bytes.subarray(0, PREAMBLE_LENGTH);
    metaStart = PREAMBLE_LENGTH + 4;
  } else if (isDicmAt(bytes, 0)) {
    warnings.push({ offset: 0, message: 'no 128-byte preamble before "DICM"' });
    metaStart = 4;
  } else if (bytes.length >= 8 && bytes[0] === 0x02 && bytes[1] === 0x00) {
    warnings.push({ offset: 0, message: 'no preamble: the file starts with the File Meta Information' });
    metaStart = 0;
  } else {
    return readBareDataset(bytes, warnings, maxDepth);
  }

  const meta = readMeta(bytes, metaStart, warnings, maxDepth);
  const datasetStart = meta.end;
  const declared = meta.dataset.getString(Tag.TransferSyntaxUID);
  const syntax = declared === undefined ? undefined : lookupTransferSyntax(declared);
  let transferSyntaxUid: string;
  let encoding: DatasetEncoding;
  const sniffed = sniffEncoding(bytes, datasetStart);
  if (declared === undefined) {
    encoding = sniffed?.encoding ?? EXPLICIT_LITTLE;
    transferSyntaxUid = uidOf(encoding);
    warnings.push({ offset: metaStart, tag: Tag.TransferSyntaxUID, message: `no Transfer Syntax UID in the meta; the data set looks like ${transferSyntaxUid}` });
  } else if (syntax === undefined) {
    encoding = EXPLICIT_LITTLE;
    transferSyntaxUid = declared;
    warnings.push({ offset: metaStart, tag: Tag.TransferSyntaxUID, message: `unknown transfer syntax ${declared}; read as explicit VR little endian` });
  } else {
    encoding = encodingOf(syntax);
    transferSyntaxUid = syntax.uid;
  }

  if (syntax?.deflated) {
    const inflated = inflate(bytes, datasetStart, options.maxInflatedLength ?? DEFAULT_MAX_INFLATED_LENGTH, warnings);
    const { dataset } = readDataset(inflated, EXPLICIT_LITTLE, { warnings, maxDepth });
    rememberDeflatedSource(dataset, inflated, bytes.subarray(datasetStart));
    return { preamble, meta: meta.dataset, dataset, transferSyntaxUid, warnings };
  }
  if (declared !== undefined && sniffed?.plausible && sniffed.encoding !== encoding) {
    warnings.push({
      offset: datasetStart,
      message: `the meta declares ${describe(encoding)} but the data set is ${describe(sniffed.encoding)}; read as the latter`,
    });
    encoding = sniffed.encoding;
  }
  const { dataset } = readDataset(bytes, encoding, { start: datasetStart, warnings, maxDepth });
  return { preamble, meta: meta.dataset, dataset, transferSyntaxUid, warnings };
}

function readBareDataset(bytes: Uint8Array, warnings: ReadWarning[], maxDepth: number): DicomFile {
  const sniffed = sniffEncoding(bytes, 0);
  if (sniffed === undefined || !sniffed.plausible) {
    const head = Buffer.from(bytes.subarray(0, 8)).toString('hex');
    throw new DicomParseError(0, `not DICOM: no "DICM" at byte 128 and the first bytes (${head}) do not start a data set`);
  }
  const transferSyntaxUid = uidOf(sniffed.encoding);
  warnings.push({ offset: 0, message: `no File Meta Information; the data set looks like ${transferSyntaxUid}` });
  const { dataset } = readDataset(bytes, sniffed.encoding, { warnings, maxDepth });
  return { preamble: undefined, meta: new Dataset(EXPLICIT_LITTLE), dataset, transferSyntaxUid, warnings };
}

/** Group 0002 (PS3.10 7.1), explicit VR little endian; tolerates a missing or wrong (0002,0000). */
function readMeta(bytes: Uint8Array, start: number, warnings: ReadWarning[], maxDepth: number): { dataset: Dataset; end: number } {
  let encoding = EXPLICIT_LITTLE;
  const sniffed = sniffEncoding(bytes, start);
  if (sniffed !== undefined && sniffed.encoding === IMPLICIT_LITTLE && bytes[start] === 0x02 && bytes[start + 1] === 0x00) {
    warnings.push({ offset: start, message: 'the File Meta Information is in implicit VR, not explicit VR little endian' });
    encoding = IMPLICIT_LITTLE;
  }
  const { dataset, end } = readDataset(bytes, encoding, { start, onlyGroup: 0x0002, warnings, maxDepth });
  if (dataset.size === 0) {
    warnings.push({ offset: start, message: 'no File Meta Information (group 0002) after "DICM"' });
    return { dataset, end };
  }
  const groupLength = dataset.get(Tag.FileMetaInformationGroupLength);
  if (groupLength?.value?.length !== 4 || groupLength.source === undefined) {
    warnings.push({ offset: start, tag: Tag.FileMetaInformationGroupLength, message: 'no valid File Meta Information Group Length (0002,0000)' });
  } else {
    const declared = new DataView(groupLength.value.buffer, groupLength.value.byteOffset, 4).getUint32(0, true);
    const after = groupLength.source.byteOffset - bytes.byteOffset + groupLength.source.length;
    if (after + declared !== end) {
      warnings.push({
        offset: start,
        tag: Tag.FileMetaInformationGroupLength,
        message: `(0002,0000) declares ${declared} bytes but group 0002 holds ${end - after}`,
      });
    }
  }
  return { dataset, end };
}

function inflate(bytes: Uint8Array, start: number, maxOutputLength: number, warnings: ReadWarning[]): Uint8Array {
  const deflated = bytes.subarray(start);
  try {
    return inflateRawSync(deflated, { maxOutputLength });
  } catch (rawError) {
    // Some writers wrap the stream in a zlib header (0x78), against PS3.5 A.5.
    if (deflated[0] === 0x78) {
      try {
        const inflated = inflateSync(deflated, { maxOutputLength });
        warnings.push({ offset: start, message: 'deflated data set has a zlib header (PS3.5 A.5 requires raw deflate)' });
        return inflated;
      } catch {
        // Fall through to report the raw error.
      }
    }
    throw new DicomParseError(start, `the deflated data set cannot be inflated: ${(rawError as Error).message}`, { cause: rawError });
  }
}

function isDicmAt(bytes: Uint8Array, at: number): boolean {
  return bytes.length >= at + 4 && bytes[at] === 0x44 && bytes[at + 1] === 0x49 && bytes[at + 2] === 0x43 && bytes[at + 3] === 0x4d;
}

function uidOf(encoding: DatasetEncoding): string {
  if (!encoding.explicitVR) return IMPLICIT_VR_LITTLE_ENDIAN;
  return encoding.littleEndian ? EXPLICIT_VR_LITTLE_ENDIAN : EXPLICIT_VR_BIG_ENDIAN;
}

function describe(encoding: DatasetEncoding): string {
  return `${encoding.explicitVR ? 'explicit' : 'implicit'} VR ${encoding.littleEndian ? 'little' : 'big'} endian`;
}
