/**
 * Writes one de-identified file: to a temporary name, then linked into place, which fails if
 * the name exists, so two inputs with the same SOP Instance UID never overwrite each other
 * silently and a reader of the output folder never sees a partial file. Chunks that are views
 * of the input are written from memory, except for the bytes the worker never read (the
 * sparse read's hole), which are copied file to file in the kernel.
 *
 * An output that exists already (the same instance met twice, or another file claiming its
 * SOP Instance UID) is compared before anything is created: in a folder of copies most inputs
 * are such repeats, and creating, linking and removing a temporary file for each cost more
 * than de-identifying it. When the bytes differ, the data sets are compared too: the same
 * instance in another transfer syntax is a repeat ('equivalent'), not a conflict.
 */
import { closeSync, fstatSync, linkSync, mkdirSync, openSync, readSync, unlinkSync, writeSync, writevSync } from 'node:fs';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';
import { sameDicomContent } from '../../dicom/same-content.js';
import { copyFileRange } from '../../storage/adapters/copy-file-range.js';
import type { OpenInput } from './input-file.js';

export type WriteOutcome = 'written' | 'identical' | 'equivalent' | 'conflict';

/** Outputs up to this size that differ in bytes are parsed to compare their data sets. */
const COMPARE_CONTENT_UP_TO = 64 * 1024 * 1024;

const createdFolders = new Set<string>();

export function writeOutputFile(path: string, chunks: readonly Uint8Array[], input: OpenInput): WriteOutcome {
  makeFolder(dirname(path));
  const before = compareWithExisting(path, chunks, input);
  if (before !== undefined) return before;
  const partial = `${path}.partial-${process.pid}-${threadId}`;
  const fd = openSync(partial, 'w', 0o640);
  try {
    try {
      writeChunks(fd, chunks, input);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(partial, path);
      return 'written';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Another worker linked the same name since the check above.
      return compareWithExisting(path, chunks, input) ?? 'conflict';
    }
  } finally {
    unlinkSync(partial);
  }
}

/** Creates a folder and its parents, remembering what exists: each mkdir is a journaled metadata write. */
export function makeFolder(folder: string): void {
  if (createdFolders.has(folder)) return;
  const parent = dirname(folder);
  if (parent !== folder && !createdFolders.has(parent)) makeFolder(parent);
  try {
    mkdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  createdFolders.add(folder);
}

/**
 * 'identical' if `path` holds exactly the bytes the chunks describe, 'equivalent' if it holds
 * the same data set in another encoding, 'conflict' if it holds another, undefined if there is
 * no such file.
 */
function compareWithExisting(path: string, chunks: readonly Uint8Array[], input: OpenInput): WriteOutcome | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const existingSize = fstatSync(fd).size;
    // A sparsely read input is a large image: its other encodings are not worth parsing here.
    const comparable = input.hole === undefined && existingSize <= COMPARE_CONTENT_UP_TO;
    if (existingSize !== size && !comparable) return 'conflict';
    const existing = readRange(fd, 0, existingSize);
    if (existingSize === size && sameBytes(existing, chunks, input)) return 'identical';
    return comparable && sameDicomContent(existing, Buffer.concat(chunks)) ? 'equivalent' : 'conflict';
  } finally {
    closeSync(fd);
  }
}

function sameBytes(existing: Buffer, chunks: readonly Uint8Array[], input: OpenInput): boolean {
  let position = 0;
  for (const piece of outputPieces(chunks, input)) {
    const expected = piece.bytes ?? readRange(input.fd, piece.inputStart, piece.length);
    if (!existing.subarray(position, position + piece.length).equals(expected)) return false;
    position += piece.length;
  }
  return true;
}

/** The output as pieces: bytes in memory, or a range of the input that was never read (the hole). */
type OutputPiece = { bytes: Uint8Array; length: number; inputStart: 0 } | { bytes: undefined; length: number; inputStart: number };

function* outputPieces(chunks: readonly Uint8Array[], input: OpenInput): Generator<OutputPiece> {
  const hole = input.hole;
  for (const chunk of chunks) {
    const start = chunk.buffer === input.bytes.buffer ? chunk.byteOffset - input.bytes.byteOffset : -1;
    if (!hole || start < 0 || start + chunk.length <= hole.start || start >= hole.end) {
      yield { bytes: chunk, length: chunk.length, inputStart: 0 };
      continue;
    }
    if (start < hole.start) yield { bytes: chunk.subarray(0, hole.start - start), length: hole.start - start, inputStart: 0 };
    const from = Math.max(start, hole.start);
    const to = Math.min(start + chunk.length, hole.end);
    yield { bytes: undefined, length: to - from, inputStart: from };
    if (start + chunk.length > hole.end) {
      const rest = chunk.subarray(hole.end - start);
      yield { bytes: rest, length: rest.length, inputStart: 0 };
    }
  }
}

function readRange(fd: number, position: number, length: number): Buffer {
  const into = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, done, length - done, position + done);
    if (n === 0) return into.subarray(0, done);
    done += n;
  }
  return into;
}

function writeChunks(fd: number, chunks: readonly Uint8Array[], input: OpenInput): void {
  let position = 0;
  let pending: Uint8Array[] = [];
  const flush = (): void => {
    // writev takes at most IOV_MAX (1024) buffers per call on Linux.
    for (let at = 0; at < pending.length; at += 1024) {
      const batch = pending.slice(at, at + 1024);
      let written = writevSync(fd, batch as NodeJS.ArrayBufferView[], position);
      const total = batch.reduce((sum, chunk) => sum + chunk.length, 0);
      while (written < total) written += writeSync(fd, Buffer.concat(batch).subarray(written), 0, total - written, position + written);
      position += total;
    }
    pending = [];
  };
  for (const piece of outputPieces(chunks, input)) {
    if (piece.bytes !== undefined) {
      pending.push(piece.bytes);
      continue;
    }
    flush();
    const copied = copyFileRange!(input.fd, piece.inputStart, fd, position, piece.length);
    if (copied !== piece.length) throw new Error(`the input became shorter while it was copied (${copied} of ${piece.length} bytes)`);
    position += copied;
  }
  flush();
}
