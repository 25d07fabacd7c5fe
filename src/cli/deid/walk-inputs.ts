import { lstat, opendir } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface InputFile {
  /** Absolute path, used to read the file. */
  readonly path: string;
  /** Path relative to the input root; it may carry PHI, so it goes only to the quarantine. */
  readonly relativePath: string;
  readonly size: number;
}

export interface SkippedInput {
  readonly relativePath: string;
  readonly reason: string;
}

/**
 * The regular files under `root` (or `root` itself), in a stable order. Symbolic links are
 * skipped, never followed: a link could lead out of the folder the operator chose, or loop.
 */
export async function* walkInputs(root: string, onSkip: (skipped: SkippedInput) => void): AsyncGenerator<InputFile> {
  const info = await lstat(root);
  if (info.isFile()) {
    yield { path: root, relativePath: root.split('/').pop() ?? root, size: info.size };
    return;
  }
  yield* walkFolder(root, root, onSkip);
}

async function* walkFolder(root: string, folder: string, onSkip: (skipped: SkippedInput) => void): AsyncGenerator<InputFile> {
  const entries: { name: string; kind: 'file' | 'dir' | 'link' | 'other' }[] = [];
  for await (const entry of await opendir(folder)) {
    const kind = entry.isSymbolicLink() ? 'link' : entry.isFile() ? 'file' : entry.isDirectory() ? 'dir' : 'other';
    entries.push({ name: entry.name, kind });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    const relativePath = relative(root, path);
    if (entry.kind === 'dir') {
      yield* walkFolder(root, path, onSkip);
    } else if (entry.kind === 'file') {
      const info = await lstat(path);
      yield { path, relativePath, size: info.size };
    } else {
      onSkip({ relativePath, reason: entry.kind === 'link' ? 'symbolic link (not followed)' : 'not a regular file' });
    }
  }
}
