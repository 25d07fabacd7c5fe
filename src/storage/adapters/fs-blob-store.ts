/**
 * BlobStore in a local folder, the embedded default:
 *
 *     <root>/objects/<h[0..2]>/<h[2..4]>/<h>    h = hex SHA-256("MedVeil blob path v1" || 0x00 || key)
 *     <root>/tmp/<random>.partial               objects being replaced
 *
 * No part of a path comes from the key's text: names on disk are hashes, so a listing of the
 * folder shows neither namespaces nor ids. A new object is written at its final path, fsynced,
 * then its folder is fsynced (adapters/durable-file.ts): keys are random and only an index
 * written after the put names one, so nobody reads a new object before it is whole, and a
 * crash mid-write leaves an unnamed orphan. Replacing an object goes through a temporary file
 * that is fsynced, then renamed over the final path, then the folder is fsynced: a reader sees
 * the old object or the new one, never a part. A put that resolved survives a crash. Files are
 * 0600, folders 0700.
 */
import { createHash, randomBytes } from 'node:crypto';
import { close, fstat, mkdirSync, open as openCallback, read as readCallback } from 'node:fs';
import { mkdir, open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { MedVeilError } from '../../errors.js';
import { checkBlobKey, type BlobBody, type BlobKey, type BlobReader, type BlobStore } from '../blob-store.js';
import {
  finishDurableFile, jsFinishDurableFile, nativeFinishDurableFile, nativeWriteBuffers, writeAllFd,
  type DurableFileError, type DurableFileStep, type FinishDurableFile, type WriteBuffers,
} from './durable-file.js';

const openFd = promisify(openCallback);
const closeFd = promisify(close);
const fstatFd = promisify(fstat);

/** Streamed bytes gathered before one write: fewer thread-pool round trips than one per chunk. */
const WRITE_BATCH_BYTES = 1 << 20;

/** The file of a put: written at `target`, which is `path` for a new object or `temporary` to replace one. */
interface StreamedFile {
  readonly path: string;
  readonly temporary: string;
  target: string;
  /** Open once the first batch of a streamed body was due. */
  fd?: number;
}

/** Creates the file of a streamed put at its final path, or at its temporary path if an object is there. */
async function createFile(file: StreamedFile): Promise<number> {
  await mkdir(dirname(file.path), { recursive: true, mode: 0o700 });
  try {
    return await openFd(file.path, 'wx', 0o600);
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error;
    file.target = file.temporary;
    return openFd(file.temporary, 'wx', 0o600);
  }
}

/** The words of storage errors for each step of finishing a file. */
const STEP_WORDS: Readonly<Record<DurableFileStep, string>> = {
  create: 'create a temporary file for',
  write: 'write',
  flush: 'flush',
  close: 'close',
  mkdir: 'create the folder of',
  rename: 'move into place',
  'flush-folder': 'flush the folder of',
};

const PATH_LABEL = 'MedVeil blob path v1\0';

export interface FsBlobStoreOptions {
  /**
   * How a written object is made durable (adapters/durable-file.ts): `native`, one job of the
   * native addon (the default when it was built), or `js`, one node:fs call after the other.
   */
  readonly durableWrites?: 'native' | 'js';
}

export class FsBlobStore implements BlobStore {
  private readonly objects: string;
  private readonly tmp: string;
  readonly #finish: FinishDurableFile;
  readonly #write: WriteBuffers;

  /** Opens (creating if needed) the store in folder `root`. */
  constructor(root: string, options: FsBlobStoreOptions = {}) {
    if (options.durableWrites === 'native' && nativeFinishDurableFile === undefined) {
      throw new MedVeilError('internal', 'native durable writes were asked for, but the native addon was not built', { hint: 'run npm install, which builds it with node-gyp' });
    }
    this.#finish = options.durableWrites === 'js' ? jsFinishDurableFile : finishDurableFile;
    this.#write = (options.durableWrites === 'js' ? undefined : nativeWriteBuffers) ?? writeAllFd;
    this.objects = join(root, 'objects');
    this.tmp = join(root, 'tmp');
    try {
      mkdirSync(this.objects, { recursive: true, mode: 0o700 });
      mkdirSync(this.tmp, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new MedVeilError('storage', `cannot create the object folder ${root}${codeSuffix(error)}`, {
        cause: error,
        hint: 'check the object folder in the configuration and the permissions of its parent',
      });
    }
  }

  /** Where `key` is stored; the relative part depends only on the key's hash. */
  pathOf(key: BlobKey): string {
    checkBlobKey(key);
    const hash = createHash('sha256').update(PATH_LABEL).update(key).digest('hex');
    return join(this.objects, hash.slice(0, 2), hash.slice(2, 4), hash);
  }

  async put(key: BlobKey, body: BlobBody): Promise<void> {
    const path = this.pathOf(key);
    // A new object is written straight to its final path: only the index, written after the put
    // resolved, makes a key known, so nobody looks there before. An object that is replaced goes
    // through a temporary file and a rename, so that a reader sees the old one or the new one.
    const file: StreamedFile = { path, target: path, temporary: join(this.tmp, `${randomBytes(16).toString('hex')}.partial`) };
    let last: Uint8Array[] = [body as Uint8Array];
    if (!(body instanceof Uint8Array)) {
      try {
        last = await this.#writeAllButLast(key, file, body);
      } catch (error) {
        if (file.fd !== undefined) await closeFd(file.fd).catch(() => undefined);
        if (file.fd !== undefined) await unlink(file.target).catch(() => undefined);
        throw error;
      }
    }
    try {
      await this.#finishAt(file, last);
    } catch (error) {
      await unlink(file.target).catch(() => undefined);
      const failed = (error as DurableFileError).step;
      throw storageError(key, failed === undefined ? 'write' : STEP_WORDS[failed], error);
    }
  }

  /** Finishes the file; a new one whose final path turns out taken is written again through the temporary file. */
  async #finishAt(file: StreamedFile, last: readonly Uint8Array[]): Promise<void> {
    try {
      await this.#finish(file.fd, last, file.target, file.path);
    } catch (error) {
      if (file.fd !== undefined || (error as DurableFileError).code !== 'EEXIST' || file.target === file.temporary) throw error;
      file.target = file.temporary;
      await this.#finish(undefined, last, file.target, file.path);
    }
  }

  /**
   * Writes a streamed body as it comes, a batch at a time, and returns what is left for the
   * finishing job: the bytes that arrived since the last full batch (often the whole object
   * when it is small, or the final segment of a large one). The file is created at the first
   * full batch; a small object's is created by the finishing job itself.
   */
  async #writeAllButLast(key: BlobKey, file: StreamedFile, body: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    // One batch is written while the next is gathered: the body (a sealing stream) is not held
    // up by the disk, and the writes stay in order on the one descriptor.
    let writing: Promise<void> = Promise.resolve();
    try {
      // Errors of the body itself (a client gone) pass through unchanged: they are not the store's.
      for await (const chunk of body) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes < WRITE_BATCH_BYTES) continue;
        const batch = pending;
        pending = [];
        pendingBytes = 0;
        await writing;
        file.fd ??= await step(key, 'create the file of', () => createFile(file));
        const fd = file.fd;
        writing = step(key, 'write', () => this.#write(fd, batch));
        writing.catch(() => undefined);
      }
    } finally {
      await writing.catch(() => undefined);
    }
    await writing;
    return pending;
  }

  async get(key: BlobKey): Promise<Buffer | undefined> {
    const reader = await this.openReader(key);
    if (reader === undefined) return undefined;
    try {
      const bytes = Buffer.allocUnsafe(reader.size);
      let done = 0;
      while (done < bytes.length) {
        const count = await reader.read(bytes.subarray(done), done);
        if (count === 0) break;
        done += count;
      }
      return done === bytes.length ? bytes : bytes.subarray(0, done);
    } finally {
      await reader.close();
    }
  }

  async openReader(key: BlobKey): Promise<BlobReader | undefined> {
    const path = this.pathOf(key);
    let fd: number;
    try {
      fd = await openFd(path, 'r');
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw storageError(key, 'open', error);
    }
    try {
      return new FileReader(key, fd, (await fstatFd(fd)).size);
    } catch (error) {
      await closeFd(fd).catch(() => undefined);
      throw storageError(key, 'look up', error);
    }
  }

  async stream(key: BlobKey): Promise<Readable | undefined> {
    const path = this.pathOf(key);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw storageError(key, 'open', error);
    }
    return handle.createReadStream({ highWaterMark: 1 << 20 });
  }

  async has(key: BlobKey): Promise<boolean> {
    const path = this.pathOf(key);
    try {
      return (await stat(path)).isFile();
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return false;
      throw storageError(key, 'look up', error);
    }
  }

  async delete(key: BlobKey): Promise<boolean> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return false;
      throw storageError(key, 'delete', error);
    }
    await step(key, 'flush the folder of', () => syncFolder(join(path, '..')));
    return true;
  }
}

/** An open object file; reads go through the thread pool as plain fs calls, without a FileHandle's bookkeeping. */
class FileReader implements BlobReader {
  readonly #key: BlobKey;
  readonly #fd: number;
  readonly size: number;
  #closing: Promise<void> | undefined;

  constructor(key: BlobKey, fd: number, size: number) {
    this.#key = key;
    this.#fd = fd;
    this.size = size;
  }

  read(into: Uint8Array, position: number): Promise<number> {
    return new Promise((resolve, reject) => {
      readCallback(this.#fd, into, 0, into.length, position, (error, count) => (error === null ? resolve(count) : reject(storageError(this.#key, 'read', error))));
    });
  }

  close(): Promise<void> {
    this.#closing ??= closeFd(this.#fd).catch((error: unknown) => {
      throw storageError(this.#key, 'close', error);
    });
    return this.#closing;
  }
}

async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function step<T>(key: BlobKey, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw storageError(key, what, error);
  }
}

function storageError(key: BlobKey, what: string, cause: unknown): MedVeilError {
  return new MedVeilError('storage', `cannot ${what} object ${key}${codeSuffix(cause)}`, {
    cause,
    hint: 'check free space and the permissions of the object folder',
  });
}

function codeSuffix(error: unknown): string {
  const code = codeOf(error);
  return code ? ` (${code})` : '';
}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
