/**
 * Encodes the DICOMDIR of a media layout (PS3.3 F.3, PS3.10 8): Media Storage Directory Storage,
 * explicit VR little endian, File-set Identification and Directory Information Modules, records
 * in depth-first order (each PATIENT followed by its STUDY records, each STUDY by its SERIES, ...).
 *
 * The record offsets count bytes from the first byte of the file, preamble and "DICM" included
 * (PS3.3 F.3.2.2). Every offset is a 4-byte UL, so filling them changes no length: the file is
 * encoded once with zeros to learn where each item starts, then again with the offsets. Each
 * item is written with a defined length, so item i starts where the items before it end.
 */
import { createHash } from 'node:crypto';
import { MedVeilError, internalError } from '../../errors.js';
import { Dataset, EXPLICIT_LITTLE } from '../dataset.js';
import type { DicomFile } from '../dicom-file.js';
import { Tag } from '../tag.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../transfer-syntax.js';
import { encodeNumbers, encodeStrings } from '../values.js';
import { encodeDicomFile } from '../write-dicom-file.js';
import { writeDataset } from '../write-dataset.js';
import { type RecordNode, buildDirectoryRecords } from './directory-records.js';
import { MEDIA_STORAGE_DIRECTORY_STORAGE } from './instance-header.js';
import { layoutInstances, type MediaLayout } from './plan-media-layout.js';
import { type DirectoryNode, readDirectoryTree } from './read-directory-tree.js';

export const DEFAULT_FILE_SET_ID = 'MEDVEIL';
/** File-set ID (0004,1130) is a CS of at most 16 characters (PS3.3 F.3.2.1). */
const FILE_SET_ID = /^[A-Z0-9_ ]{0,16}$/;
/** Item tag (FFFE,E000) as it appears in little endian. */
const ITEM_TAG = [0xfe, 0xff, 0x00, 0xe0];

export interface EncodeDicomdirOptions {
  /** File-set ID (0004,1130); default "MEDVEIL", "" for none. */
  readonly fileSetId?: string;
}

export interface EncodedDicomdir {
  /** The DICOMDIR file, preamble to last record. */
  readonly bytes: Buffer;
  /** Its SOP Instance UID (the File-set UID): derived from what it lists, so a rebuild gives the same one. */
  readonly sopInstanceUid: string;
  /** Records written, all levels. */
  readonly records: number;
  /** Type 1 keys filled in for empty instance values, by "RECORD TYPE Keyword" (see `directory-records.ts`). */
  readonly invented: ReadonlyMap<string, number>;
}

export function encodeDicomdir(layout: MediaLayout, options: EncodeDicomdirOptions = {}): EncodedDicomdir {
  const fileSetId = options.fileSetId ?? DEFAULT_FILE_SET_ID;
  if (!FILE_SET_ID.test(fileSetId)) {
    throw new MedVeilError('usage', `File-set ID "${fileSetId}" is not up to 16 of A-Z, 0-9, space and _ (PS3.3 F.3.2.1)`);
  }
  const dataset = new Dataset(EXPLICIT_LITTLE);
  const { roots, invented } = buildDirectoryRecords(layout, dataset);
  const order = depthFirst(roots);
  const ul = (value: number): Uint8Array => encodeNumbers([value], 'UL');
  dataset.set({ tag: Tag.FileSetID, vr: 'CS', value: encodeStrings(fileSetId === '' ? [] : [fileSetId], 'CS', []) });
  dataset.set({ tag: Tag.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity, vr: 'UL', value: ul(0) });
  dataset.set({ tag: Tag.OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity, vr: 'UL', value: ul(0) });
  dataset.set({ tag: Tag.FileSetConsistencyFlag, vr: 'US', value: encodeNumbers([0], 'US') });
  dataset.set({ tag: Tag.DirectoryRecordSequence, vr: 'SQ', items: order.map((node) => node.item) });

  const sopInstanceUid = fileSetUid(layout, fileSetId);
  const file = dicomdirFile(dataset, sopInstanceUid);
  const draft = encodeDicomFile(file, { preamble: 'zero' });
  if (draft.length > 0xffffffff) {
    throw new MedVeilError('dicomdir', `the DICOMDIR would be ${draft.length} bytes, past what its 32-bit offsets can point to`, {
      hint: 'split the export into smaller media folders',
    });
  }

  // The Directory Record Sequence is the data set's last element: its items end the file.
  const itemLengths = order.map((node) => 8 + byteLength(writeDataset(node.item, EXPLICIT_LITTLE)));
  const offsets = new Map<RecordNode, number>();
  let at = draft.length - itemLengths.reduce((sum, n) => sum + n, 0);
  order.forEach((node, i) => {
    offsets.set(node, at);
    at += itemLengths[i]!;
  });
  for (const [node, offset] of offsets) {
    if (!ITEM_TAG.every((byte, i) => draft[offset + i] === byte)) throw internalError(`the ${node.type} record was not found at byte ${offset}`);
  }

  const offsetOf = (node: RecordNode | undefined): number => (node === undefined ? 0 : offsets.get(node)!);
  dataset.set({ tag: Tag.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity, vr: 'UL', value: ul(offsetOf(roots[0])) });
  dataset.set({ tag: Tag.OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity, vr: 'UL', value: ul(offsetOf(roots[roots.length - 1])) });
  const link = (entity: readonly RecordNode[]): void => {
    entity.forEach((node, i) => {
      node.item.set({ tag: Tag.OffsetOfTheNextDirectoryRecord, vr: 'UL', value: ul(offsetOf(entity[i + 1])) });
      node.item.set({ tag: Tag.OffsetOfReferencedLowerLevelDirectoryEntity, vr: 'UL', value: ul(offsetOf(node.children[0])) });
      link(node.children);
    });
  };
  link(roots);
  const bytes = encodeDicomFile(file, { preamble: 'zero' });
  if (bytes.length !== draft.length) throw internalError(`filling the DICOMDIR offsets changed its length from ${draft.length} to ${bytes.length}`);
  checkAgainstLayout(bytes, layout);
  return { bytes, sopInstanceUid, records: order.length, invented };
}

function dicomdirFile(dataset: Dataset, sopInstanceUid: string): DicomFile {
  const meta = new Dataset(EXPLICIT_LITTLE);
  meta.set({ tag: Tag.FileMetaInformationVersion, vr: 'OB', value: new Uint8Array([0x00, 0x01]) });
  meta.set({ tag: Tag.MediaStorageSOPClassUID, vr: 'UI', value: encodeStrings([MEDIA_STORAGE_DIRECTORY_STORAGE], 'UI', []) });
  meta.set({ tag: Tag.MediaStorageSOPInstanceUID, vr: 'UI', value: encodeStrings([sopInstanceUid], 'UI', []) });
  meta.set({ tag: Tag.TransferSyntaxUID, vr: 'UI', value: encodeStrings([EXPLICIT_VR_LITTLE_ENDIAN], 'UI', []) });
  return { preamble: undefined, meta, dataset, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, warnings: [] };
}

function depthFirst(entity: readonly RecordNode[], out: RecordNode[] = []): RecordNode[] {
  for (const node of entity) {
    out.push(node);
    depthFirst(node.children, out);
  }
  return out;
}

function byteLength(chunks: readonly Uint8Array[]): number {
  return chunks.reduce((sum, chunk) => sum + chunk.length, 0);
}

/**
 * A UID under 2.25 (PS3.5 B.2) from an RFC 9562 version 8 UUID whose free bits are a SHA-256 of
 * the File-set ID and of every listed instance and its File ID: rebuilding the same media
 * gives the same File-set UID, and the UID reveals nothing the directory does not list.
 */
function fileSetUid(layout: MediaLayout, fileSetId: string): string {
  const hash = createHash('sha256').update('medveil dicomdir\0').update(fileSetId);
  for (const instance of layoutInstances(layout)) hash.update(`\0${instance.header.sopInstanceUid}\0${instance.fileId.join('\\')}`);
  const uuid = hash.digest().subarray(0, 16);
  uuid[6] = (uuid[6]! & 0x0f) | 0x80;
  uuid[8] = (uuid[8]! & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${uuid.toString('hex')}`)}`;
}

/** Reads the result back by its offsets: every instance of the layout must be reached, in order, at the right depth. */
function checkAgainstLayout(bytes: Uint8Array, layout: MediaLayout): void {
  const expected = layoutInstances(layout).map((instance) => instance.fileId.join('\\'));
  const found: string[] = [];
  const walk = (nodes: readonly DirectoryNode[], depth: number): void => {
    for (const node of nodes) {
      if (depth === 3 && node.fileId !== undefined) found.push(node.fileId.join('\\'));
      walk(node.children, depth + 1);
    }
  };
  walk(readDirectoryTree(bytes), 0);
  if (found.join('\n') !== expected.join('\n')) throw internalError('the DICOMDIR read back by its offsets does not list the layout');
}
