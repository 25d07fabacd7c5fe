import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest folder above this file with a package.json. Tests run both
 * from `src/` (tsx) and from `dist/`, so they find shipped files and `../shared` through it.
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the test support folder');
    dir = parent;
  }
  return dir;
}

/** A file of the shared reference material beside the repository (`../shared/...`). */
export function sharedPath(...parts: string[]): string {
  return join(repoRoot(), '..', 'shared', ...parts);
}
