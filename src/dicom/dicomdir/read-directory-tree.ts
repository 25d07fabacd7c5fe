/**
 * Reads the record hierarchy of a DICOMDIR the way media readers do: by following the offsets
 * (PS3.3 F.3.2.2), not the order of the items. Starts at (0004,1200), follows Offset of the Next
 * Directory Record (0004,1400) along an entity and Offset of Referenced Lower-Level Directory
 * Entity (0004,1420) down. Every offset must land on the first byte of a record's item tag,
 * (0004,1202) must name the last root record, no record may be reached twice, and every record
 * in use must be reached. The input is untrusted: each of those is an error, never a loop.
 */
import { MedVeilError } from '../../errors.js';
import type { Dataset } from '../dataset.js';
import { readDicomFile } from '../read-dicom-file.js';
import { Tag } from '../tag.js';
import { MEDIA_STORAGE_DIRECTORY_STORAGE } from './instance-header.js';

export interface DirectoryNode {
  /** Byte offset of the record's item tag from the first byte of the file. */
  readonly offset: number;
  /** Directory Record Type (0004,1430). */
  readonly type: string;
  readonly record: Dataset;
  /** Referenced File ID (0004,1500), when the record references a file. */
  readonly fileId: readonly string[] | undefined;
  readonly children: readonly DirectoryNode[];
}

/** Deeper than any hierarchy of PS3.3 Table F.4-1 (PATIENT, STUDY, SERIES, instance, PRIVATE). */
const MAX_LEVELS = 16;

/** The root entity's records, each with its lower levels; throws a MedVeilError ('dicomdir') on a broken directory. */
export function readDirectoryTree(bytes: Uint8Array): DirectoryNode[] {
  const file = readDicomFile(bytes);
  if (file.meta.getString(Tag.MediaStorageSOPClassUID) !== MEDIA_STORAGE_DIRECTORY_STORAGE) {
    throw broken(`the file is not a DICOMDIR (Media Storage SOP Class UID is not ${MEDIA_STORAGE_DIRECTORY_STORAGE})`);
  }
  const items = file.dataset.get(Tag.DirectoryRecordSequence)?.items ?? [];
  const byOffset = new Map<number, Dataset>();
  for (const item of items) {
    if (item.source === undefined) throw broken('a directory record has no position in the file');
    byOffset.set(item.source.byteOffset - bytes.byteOffset, item);
  }
  const reached = new Set<number>();

  const entity = (first: number, level: number): DirectoryNode[] => {
    if (level > MAX_LEVELS) throw broken(`the records nest deeper than ${MAX_LEVELS} levels`);
    const nodes: DirectoryNode[] = [];
    for (let offset = first; offset !== 0;) {
      const record = byOffset.get(offset);
      if (record === undefined) throw broken(`an offset points to byte ${offset}, where no directory record starts`);
      if (reached.has(offset)) throw broken(`the record at byte ${offset} is reached twice`);
      reached.add(offset);
      const lower = record.getNumber(Tag.OffsetOfReferencedLowerLevelDirectoryEntity) ?? 0;
      const children = lower === 0 ? [] : entity(lower, level + 1);
      if (record.getNumber(Tag.RecordInUseFlag) !== 0) {
        const fileId = record.getStrings(Tag.ReferencedFileID);
        nodes.push({ offset, type: record.getString(Tag.DirectoryRecordType) ?? '', record, fileId: fileId.length > 0 ? fileId : undefined, children });
      }
      offset = record.getNumber(Tag.OffsetOfTheNextDirectoryRecord) ?? 0;
    }
    return nodes;
  };

  const first = file.dataset.getNumber(Tag.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity) ?? 0;
  const last = file.dataset.getNumber(Tag.OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity) ?? 0;
  const roots = entity(first, 1);
  let lastRoot = 0;
  for (let offset = first; offset !== 0; offset = byOffset.get(offset)!.getNumber(Tag.OffsetOfTheNextDirectoryRecord) ?? 0) lastRoot = offset;
  if (last !== lastRoot) throw broken(`(0004,1202) names byte ${last}, but the last root record starts at byte ${lastRoot}`);
  for (const [offset, record] of byOffset) {
    if (!reached.has(offset) && record.getNumber(Tag.RecordInUseFlag) !== 0) throw broken(`the record at byte ${offset} is in use but no offset reaches it`);
  }
  return roots;
}

function broken(reason: string): MedVeilError {
  return new MedVeilError('dicomdir', `broken DICOMDIR: ${reason}`, { hint: 'rebuild it with `medveil dicomdir`' });
}
