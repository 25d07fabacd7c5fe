/**
 * The object of an instance that arrives as a data set in fragments (C-STORE, PS3.7 9.3.1),
 * hashed and sealed while it arrives, so that at its last fragment only the tail is left
 * (docs/storage.md, "Ingest"):
 *
 * - The Part 10 header (preamble, "DICM", File Meta Information) is known from the command
 *   and the presentation context before the data set, and is hashed first.
 * - Each fragment goes to an incremental SHA-256 as it comes.
 * - Once the first fragments hold the Study Instance UID (read ahead by readLeadingElement),
 *   the data key of the study is known, and every byte so far and every later one goes to
 *   EncryptedBlobStore.put as a streamed body: sealed segment by segment and written to the
 *   object's temporary file during the receive.
 * - The body is not ended until the caller commits, after it validated the whole data set;
 *   `discard` fails the body instead, and the store removes its temporary file. Nothing is
 *   renamed into the object folder unless committed.
 *
 * A data set in a deflated syntax, or one whose first megabyte does not yield the Study
 * Instance UID, is only hashed here and sealed from the whole buffer afterwards.
 */
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { EXPLICIT_LITTLE, type DatasetEncoding } from '../dicom/dataset.js';
import { part10FromDataset, type ReceivedDataset } from '../dicom/part10-from-dataset.js';
import { readLeadingElement } from '../dicom/read-leading-element.js';
import { Tag } from '../dicom/tag.js';
import { encodingOf, lookupTransferSyntax } from '../dicom/transfer-syntax.js';
import { newBlobKey, type BlobKey } from '../storage/blob-store.js';
import type { EncryptedBlobStore } from '../storage/encrypted-blob-store.js';

/** Bytes of a data set's beginning searched for the Study Instance UID before giving up on streaming. */
const LOOK_AHEAD_BYTES = 1 << 20;

/** An object being sealed into a temporary file while it arrives. */
export interface SealingObject {
  readonly blobKey: BlobKey;
  /** The Study Instance UID that chose the data key (the scope is the caller's to derive). */
  readonly studyUid: string;
  /** Ends the body: the last segment is sealed and the object made durable under `blobKey`. */
  commit(): Promise<void>;
  /** Fails the body; the temporary file is removed. Does nothing once committed. */
  discard(): Promise<void>;
}

export type ReceivedObject =
  | {
      readonly outcome: 'received';
      /** The whole Part 10 object, for validation and the index's facts. */
      readonly bytes: Buffer;
      /** SHA-256 of `bytes`, lowercase hex. */
      readonly sha256: string;
      readonly sealing?: SealingObject;
    }
  | { readonly outcome: 'too-large'; readonly size: number };

export interface ReceiveObjectOptions {
  readonly objects: Pick<EncryptedBlobStore, 'put'>;
  /** The data-key scope of a study (ingest-instance.ts, studyScope). */
  readonly scopeOf: (studyUid: string) => string;
  /** A data set longer than this is not taken further (its fragments are still drained by the caller). */
  readonly maxObjectBytes: number;
}

const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

export async function receiveInstanceObject(
  fragments: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  received: ReceivedDataset,
  options: ReceiveObjectOptions,
): Promise<ReceivedObject> {
  const head = part10FromDataset([], received);
  const hash = createHash('sha256');
  const parts: Uint8Array[] = [];
  for (const part of head) {
    hash.update(part);
    parts.push(part);
  }
  const encoding = streamableEncoding(received.transferSyntaxUid);
  let lookingAhead = encoding !== undefined;
  let sealing: StreamingSeal | undefined;
  let size = 0;
  try {
    for await (const fragment of fragments) {
      size += fragment.length;
      if (size > options.maxObjectBytes) {
        await sealing?.discard();
        return { outcome: 'too-large', size };
      }
      hash.update(fragment);
      parts.push(fragment);
      if (sealing !== undefined) {
        sealing.push(fragment);
      } else if (lookingAhead) {
        const studyUid = leadingStudyUid(parts.slice(head.length), encoding!, size);
        if (studyUid === 'wait') continue;
        lookingAhead = false;
        if (studyUid !== undefined) sealing = new StreamingSeal(options, studyUid, parts);
      }
    }
  } catch (error) {
    await sealing?.discard();
    throw error;
  }
  return { outcome: 'received', bytes: Buffer.concat(parts), sha256: hash.digest('hex'), ...(sealing === undefined ? {} : { sealing }) };
}

/** The encoding of a syntax whose data set can be walked as it arrives; undefined for deflated or unknown ones. */
function streamableEncoding(transferSyntaxUid: string): DatasetEncoding | undefined {
  const syntax = lookupTransferSyntax(transferSyntaxUid);
  if (syntax === undefined || syntax.deflated) return undefined;
  return syntax.explicitVR && syntax.littleEndian ? EXPLICIT_LITTLE : encodingOf(syntax);
}

/** The valid Study Instance UID at the start of a data set, 'wait' for more bytes, or undefined when there is none to stream with. */
function leadingStudyUid(dataset: readonly Uint8Array[], encoding: DatasetEncoding, size: number): string | 'wait' | undefined {
  const bytes = dataset.length === 1 ? dataset[0]! : Buffer.concat(dataset);
  const found = readLeadingElement(bytes, encoding, Tag.StudyInstanceUID);
  if (found.kind === 'incomplete') return size < LOOK_AHEAD_BYTES ? 'wait' : undefined;
  if (found.kind === 'unknown') return undefined;
  // UI values are padded with NUL to even length (PS3.5 6.2); readers trim it, and so must this.
  const uid = Buffer.from(found.value).toString('latin1').replace(/[\0 ]+$/, '').trim();
  return uid.length > 0 && uid.length <= 64 && UID.test(uid) ? uid : undefined;
}

class StreamingSeal implements SealingObject {
  readonly blobKey = newBlobKey('instance');
  readonly studyUid: string;
  readonly #body = new PassThrough({ highWaterMark: 1 << 20 });
  readonly #stored: Promise<void>;
  #settled = false;

  constructor(options: ReceiveObjectOptions, studyUid: string, already: readonly Uint8Array[]) {
    this.studyUid = studyUid;
    for (const part of already) this.#body.write(part);
    this.#stored = options.objects.put(this.blobKey, this.#body, options.scopeOf(studyUid));
    // A discarded or failed body is awaited by commit or discard; until then it must not be unhandled.
    this.#stored.catch(() => undefined);
  }

  push(fragment: Uint8Array): void {
    this.#body.write(fragment);
  }

  commit(): Promise<void> {
    this.#settled = true;
    this.#body.end();
    return this.#stored;
  }

  async discard(): Promise<void> {
    if (this.#settled) return;
    this.#settled = true;
    this.#body.destroy(new Error('the object was not kept'));
    await this.#stored.catch(() => undefined);
  }
}
