/**
 * Finishing a file durably under its final name: write the last buffers, fsync, close, create
 * the missing folders, rename over the final path, fsync the folder. MedVeil's native addon
 * (`native/durable-file.c`) does all of it in one job on libuv's thread pool; Node's fs API
 * needs a round trip through the event loop for each of those nine system calls, which for a
 * small object costs more than the writing (docs/benchmarks.md, "Ingest (C-STORE)"). Without
 * the addon the same steps run through node:fs, one after the other.
 *
 * Files are plain descriptors, not FileHandles: the native job closes the descriptor itself,
 * and a FileHandle would close its number a second time when collected.
 */
import { existsSync } from 'node:fs';
import { close, fsync, mkdir, open, rename, writev } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../package-root.js';

/** The step that failed, as the native addon names it. */
export type DurableFileStep = 'create' | 'write' | 'flush' | 'close' | 'mkdir' | 'rename' | 'flush-folder';

/** An error of `finishDurableFile`: `code` is the errno name, `step` where it happened. */
export interface DurableFileError extends Error {
  readonly code?: string;
  readonly step?: DurableFileStep;
}

/**
 * Writes `buffers` to `fd` (or, when `fd` is undefined, to `temporaryPath`, created with its
 * missing folders, mode 0600, failing with EEXIST if it is there), then makes the file durable
 * as `finalPath`: renamed unless `temporaryPath` is `finalPath`, and its folder fsynced. The
 * descriptor is closed in every case; on failure the caller removes `temporaryPath`.
 */
export type FinishDurableFile = (fd: number | undefined, buffers: readonly Uint8Array[], temporaryPath: string, finalPath: string) => Promise<void>;

/** Writes `buffers` in order at the descriptor's position; resolves once they are written (not yet durable). */
export type WriteBuffers = (fd: number, buffers: readonly Uint8Array[]) => Promise<void>;

interface NativeDurableFile {
  readonly finishDurableFile: (fd: number, buffers: readonly Uint8Array[], temporaryPath: string, finalPath: string) => Promise<void>;
  readonly writeAndStartWriteback: WriteBuffers;
}

function loadNative(): NativeDurableFile | undefined {
  const addon = join(packageRoot(), 'build', 'Release', 'medveil_native.node');
  if (!existsSync(addon)) return undefined;
  const loaded = createRequire(import.meta.url)(addon) as Partial<NativeDurableFile>;
  if (typeof loaded.finishDurableFile !== 'function' || typeof loaded.writeAndStartWriteback !== 'function') return undefined;
  return loaded as NativeDurableFile;
}

const native = loadNative();

/** The native job; undefined when the addon was not built. */
export const nativeFinishDurableFile: FinishDurableFile | undefined =
  native === undefined ? undefined : (fd, buffers, temporaryPath, finalPath) => native.finishDurableFile(fd ?? -1, buffers, temporaryPath, finalPath);

/**
 * Native writes of a file that arrives in parts also start the kernel's writeback of each part
 * (sync_file_range(2)), so that the final fsync waits for the last part rather than the whole
 * file; undefined when the addon was not built.
 */
export const nativeWriteBuffers: WriteBuffers | undefined = native?.writeAndStartWriteback;

const openFd = promisify(open);
const writevFd = promisify(writev);
const fsyncFd = promisify(fsync);
const closeFd = promisify(close);
const mkdirPath = promisify(mkdir);
const renamePath = promisify(rename);

/** The same steps through node:fs, one event-loop round trip each. */
export const jsFinishDurableFile: FinishDurableFile = async (given, buffers, temporaryPath, finalPath) => {
  let fd = given;
  try {
    if (fd === undefined) {
      await inStep('mkdir', () => mkdirPath(dirname(temporaryPath), { recursive: true, mode: 0o700 }));
      fd = await inStep('create', () => openFd(temporaryPath, 'wx', 0o600));
    }
    await inStep('write', () => writeAllFd(fd!, buffers));
    await inStep('flush', () => fsyncFd(fd!));
  } catch (error) {
    if (fd !== undefined) await closeFd(fd).catch(() => undefined);
    throw error;
  }
  await inStep('close', () => closeFd(fd!));
  const folder = dirname(finalPath);
  if (temporaryPath !== finalPath) {
    await inStep('mkdir', () => mkdirPath(folder, { recursive: true, mode: 0o700 }));
    await inStep('rename', () => renamePath(temporaryPath, finalPath));
  }
  await inStep('flush-folder', () => syncFolder(folder));
};

/** The native job when the addon is there, node:fs otherwise. */
export const finishDurableFile: FinishDurableFile = nativeFinishDurableFile ?? jsFinishDurableFile;

/** Writes `buffers` in order at the descriptor's position, going on after short writes. */
export async function writeAllFd(fd: number, buffers: readonly Uint8Array[]): Promise<void> {
  let rest = buffers.filter((buffer) => buffer.length > 0);
  while (rest.length > 0) {
    let written = (await writevFd(fd, rest as Uint8Array[])).bytesWritten;
    while (rest.length > 0 && written >= rest[0]!.length) written -= rest.shift()!.length;
    if (written > 0) rest = [rest[0]!.subarray(written), ...rest.slice(1)];
  }
}

async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fd = await openFd(folder, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}

async function inStep<T>(step: DurableFileStep, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Error) Object.assign(error, { step });
    throw error;
  }
}
