/**
 * A Part 10 file (PS3.10 7.1) around a data set received without one, as a C-STORE delivers it
 * (PS3.7 9.3.1): zero preamble, "DICM", File Meta Information naming the SOP Class and Instance
 * UIDs of the command and the negotiated transfer syntax, then the data set bytes exactly as
 * received (deflated ones included). Storing Part 10 files keeps every instance self-describing,
 * whichever way it arrived.
 */
import { Dataset, EXPLICIT_LITTLE } from './dataset.js';
import { Tag } from './tag.js';
import { ChunkList } from './write-chunk-list.js';
import { writeFileMeta } from './write-file-meta.js';

export interface ReceivedDataset {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntaxUid: string;
}

const PREAMBLE_AND_MAGIC = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1')]);

/** `dataset` as received: one buffer, or the P-DATA fragments it arrived in, which are not joined here. */
export function part10FromDataset(dataset: Uint8Array | readonly Uint8Array[], received: ReceivedDataset): Uint8Array[] {
  const meta = new Dataset(EXPLICIT_LITTLE);
  meta.setString(Tag.MediaStorageSOPClassUID, received.sopClassUid, 'UI');
  meta.setString(Tag.MediaStorageSOPInstanceUID, received.sopInstanceUid, 'UI');
  const out = new ChunkList();
  out.pushEncoded(PREAMBLE_AND_MAGIC);
  // The data set is not parsed here; the meta mirrors the command's UIDs, which ingest checks against the data set.
  writeFileMeta({ meta, dataset: new Dataset(EXPLICIT_LITTLE) }, out, { transferSyntaxUid: received.transferSyntaxUid, keepImplementation: false });
  for (const part of dataset instanceof Uint8Array ? [dataset] : dataset) out.pushSource(part);
  return out.coalesced();
}
