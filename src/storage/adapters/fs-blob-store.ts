/**
 * BlobStore in a local folder, the embedded default:
 *
 *     <root>/objects/<h[0..2]>/<h[2..4]>/<h>    h = hex SHA-256("MedVeil blob path v1" || 0x00 || key)
 *     <root>/tmp/<random>.partial               objects being written
 *
 * No part of a path comes from the key's text: names on disk are hashes, so a listing of the
 * folder shows neither namespaces nor ids. Writes go to a temporary file that is fsynced, then
 * renamed over the final path, then the folder is fsynced: a reader sees the old object or the
 * new one, never a part, and a put that resolved survives a crash. Files are 0600, folders 0700.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { MedVeilError } from '../../errors.js';
import { checkBlobKey, type BlobBody, type BlobKey, type BlobStore } from '../blob-store.js';

const PATH_LABEL = 'MedVeil blob path v1\0';

export class FsBlobStore implements BlobStore {
  private readonly objects: string;
  private readonly tmp: string;

  /** Opens (creating if needed) the store in folder `root`. */
  constructor(root: string) {
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
    const temporary = join(this.tmp, `${randomBytes(16).toString('hex')}.partial`);
    const handle = await step(key, 'create a temporary file for', () => open(temporary, 'wx', 0o600));
    let closed = false;
    try {
      if (body instanceof Uint8Array) await step(key, 'write', () => handle.writeFile(body));
      else {
        // Errors of the body itself (a client gone) pass through unchanged: they are not the store's.
        for await (const chunk of body) await step(key, 'write', () => writeAll(handle, chunk));
      }
      await step(key, 'flush', () => handle.sync());
      closed = true;
      await step(key, 'close', () => handle.close());
      const folder = join(path, '..');
      await step(key, 'create the folder of', () => mkdir(folder, { recursive: true, mode: 0o700 }));
      await step(key, 'move into place', () => rename(temporary, path));
      await step(key, 'flush the folder of', () => syncFolder(folder));
    } catch (error) {
      if (!closed) await handle.close().catch(() => undefined);
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  async get(key: BlobKey): Promise<Buffer | undefined> {
    const path = this.pathOf(key);
    try {
      return await readFile(path);
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw storageError(key, 'read', error);
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

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let at = 0; at < chunk.length; ) {
    const { bytesWritten } = await handle.write(chunk, at, chunk.length - at);
    at += bytesWritten;
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
