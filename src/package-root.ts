/**
 * The folder of MedVeil's package.json, found from this module's own location: where the
 * shipped recipes and the native addon are, whether MedVeil runs from a checkout or from an
 * installed package.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { internalError } from './errors.js';

let found: string | undefined;

export function packageRoot(): string {
  if (found !== undefined) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw internalError(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  found = dir;
  return dir;
}
