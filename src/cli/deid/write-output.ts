/**
 * Writes one de-identified file: to a temporary name, then linked into place, which fails if
 * the name exists, so two inputs with the same SOP Instance UID never overwrite each other
 * silently and a reader of the output folder never sees a partial file. Chunks that are views
 * of the input are written from memory, except for the bytes the worker never read (the
 * sparse read's hole), which are copied file to file in the kernel.
 */
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync, writevSync } from 'node:fs';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';
import { copyFileRange } from '../../storage/adapters/copy-file-range.js';
import type { OpenInput } from './input-file.js';

export type WriteOutcome = 'written' | 'identical' | 'conflict';

const createdFolders = new Set<string>();

export function writeOutputFile(path: string, chunks: readonly Uint8Array[], input: OpenInput): WriteOutcome {
  makeFolder(dirname(path));
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
      return readFileSync(path).equals(readFileSync(partial)) ? 'identical' : 'conflict';
    }
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * Creates the study and series folders, remembering what exists: on a busy disk each mkdir is a
 * journaled metadata write, and `recursive` would check every parent again for every file.
 */
function makeFolder(folder: string): void {
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

function writeChunks(fd: number, chunks: readonly Uint8Array[], input: OpenInput): void {
  const hole = input.hole;
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
  for (const chunk of chunks) {
    const start = chunk.buffer === input.bytes.buffer ? chunk.byteOffset - input.bytes.byteOffset : -1;
    if (!hole || start < 0 || start + chunk.length <= hole.start || start >= hole.end) {
      pending.push(chunk);
      continue;
    }
    // The chunk reaches into bytes never read: write what precedes the hole, copy the hole in
    // the kernel, and go on with what follows it.
    if (start < hole.start) pending.push(chunk.subarray(0, hole.start - start));
    flush();
    const from = Math.max(start, hole.start);
    const to = Math.min(start + chunk.length, hole.end);
    const copied = copyFileRange!(input.fd, from, fd, position, to - from);
    if (copied !== to - from) throw new Error(`the input became shorter while it was copied (${copied} of ${to - from} bytes)`);
    position += copied;
    if (start + chunk.length > hole.end) pending.push(chunk.subarray(hole.end - start));
  }
  flush();
}
