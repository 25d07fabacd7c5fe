/**
 * Copies a byte range between two open files inside the kernel (copy_file_range(2)), through
 * MedVeil's small native addon (`native/copy-range.c`, built by `npm install` with node-gyp).
 * Node itself copies only whole files in the kernel. When the addon was not built, this is
 * undefined and callers copy through memory instead.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type CopyRange = (fdIn: number, offsetIn: number, fdOut: number, offsetOut: number, length: number) => number;

function loadCopyRange(): CopyRange | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  const addon = join(dir, 'build', 'Release', 'medveil_native.node');
  if (!existsSync(addon)) return undefined;
  const loaded = createRequire(import.meta.url)(addon) as { copyRange?: CopyRange };
  return typeof loaded.copyRange === 'function' ? loaded.copyRange : undefined;
}

export const copyFileRange: CopyRange | undefined = loadCopyRange();
