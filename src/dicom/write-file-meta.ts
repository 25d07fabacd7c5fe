/**
 * Rebuilds the File Meta Information (PS3.10 7.1) for a file about to be written: group
 * length recomputed, version 00\01, Media Storage SOP Class/Instance UID mirroring the data
 * set's SOP Class/Instance UID, Transfer Syntax UID the one written, and our implementation
 * identity unless every byte of the data set is the input's. Other group 0002 elements
 * (source AE title, private information) are kept. Unchanged elements keep their bytes, so
 * a correct meta of an unchanged file is rewritten byte-identically.
 */
import { Dataset, EXPLICIT_LITTLE } from './dataset.js';
import { Tag } from './tag.js';
import type { VR } from './vr.js';
import type { ChunkList } from './write-chunk-list.js';
import { writeDatasetInto } from './write-dataset.js';

/** MedVeil's Implementation Class UID (PS3.7 D.3.3.2): a UUID-derived UID under 2.25 (PS3.5 B.2). */
export const MEDVEIL_IMPLEMENTATION_CLASS_UID = '2.25.186872661978521503837039409843556598433';
/** At most 16 characters (SH). */
export const MEDVEIL_IMPLEMENTATION_VERSION_NAME = 'MEDVEIL_0_1';

const VERSION = new Uint8Array([0x00, 0x01]);

export interface WriteFileMetaOptions {
  /** The transfer syntax the data set is written in. */
  readonly transferSyntaxUid: string;
  /** Keep the input's Implementation Class UID and Version Name (when the data set bytes are all the input's). */
  readonly keepImplementation: boolean;
}

/** Appends the rebuilt group 0002 (explicit VR little endian) of `file` written in `options.transferSyntaxUid`. */
export function writeFileMeta(file: { readonly meta: Dataset; readonly dataset: Dataset }, out: ChunkList, options: WriteFileMetaOptions): void {
  const { meta, dataset } = file;
  const { transferSyntaxUid } = options;
  // The input meta's own encoding, so that a meta read in implicit VR (against PS3.10) is re-encoded.
  const rebuilt = new Dataset(meta.encoding);
  for (const element of meta) {
    if (element.tag >>> 16 === 0x0002) rebuilt.addRead(element);
  }
  const put = (tag: number, vr: VR, value: Uint8Array): void => {
    const existing = meta.get(tag);
    if (existing?.vr === vr && existing.value !== undefined && sameBytes(existing.value, value)) return;
    rebuilt.addRead({ tag, vr, value });
  };
  if (!rebuilt.has(Tag.FileMetaInformationGroupLength)) {
    rebuilt.addRead({ tag: Tag.FileMetaInformationGroupLength, vr: 'UL', value: new Uint8Array(4) });
  }
  put(Tag.FileMetaInformationVersion, 'OB', VERSION);
  // When the data set has no SOP Class/Instance UID, the input meta's value is kept as it is.
  const sopClass = dataset.get(Tag.SOPClassUID)?.value;
  if (sopClass !== undefined && sopClass.length > 0) put(Tag.MediaStorageSOPClassUID, 'UI', uidBytes(sopClass));
  const sopInstance = dataset.get(Tag.SOPInstanceUID)?.value;
  if (sopInstance !== undefined && sopInstance.length > 0) put(Tag.MediaStorageSOPInstanceUID, 'UI', uidBytes(sopInstance));
  put(Tag.TransferSyntaxUID, 'UI', uidBytes(Buffer.from(transferSyntaxUid, 'latin1')));
  const keep = options.keepImplementation && meta.has(Tag.ImplementationClassUID);
  if (!keep) {
    put(Tag.ImplementationClassUID, 'UI', uidBytes(Buffer.from(MEDVEIL_IMPLEMENTATION_CLASS_UID, 'latin1')));
    put(Tag.ImplementationVersionName, 'SH', padded(Buffer.from(MEDVEIL_IMPLEMENTATION_VERSION_NAME, 'latin1'), 0x20));
  }
  writeDatasetInto(rebuilt, EXPLICIT_LITTLE, out);
}

/** A UI value padded to even length with NUL (PS3.5 6.2, 9.1). */
function uidBytes(value: Uint8Array): Uint8Array {
  return padded(value, 0x00);
}

function padded(value: Uint8Array, pad: number): Uint8Array {
  if (value.length % 2 === 0) return value;
  const out = new Uint8Array(value.length + 1);
  out.set(value);
  out[value.length] = pad;
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

