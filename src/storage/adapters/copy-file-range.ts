/**
 * Copies a byte range between two open files inside the kernel (copy_file_range(2)), through
 * MedVeil's small native addon (`native/copy-range.c`, built by `npm install` with node-gyp).
 * Node itself copies only whole files in the kernel. When the addon was not built, this is
 * undefined and callers copy through memory instead.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../../package-root.js';

export type CopyRange = (fdIn: number, offsetIn: number, fdOut: number, offsetOut: number, length: number) => number;

function loadCopyRange(): CopyRange | undefined {
  const addon = join(packageRoot(), 'build', 'Release', 'medveil_native.node');
  if (!existsSync(addon)) return undefined;
  const loaded = createRequire(import.meta.url)(addon) as { copyRange?: CopyRange };
  return typeof loaded.copyRange === 'function' ? loaded.copyRange : undefined;
}

export const copyFileRange: CopyRange | undefined = loadCopyRange();
