import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every regular file under `root`, as paths relative to it, sorted; [] when `root` does not exist. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (prefix: string): void => {
    let entries;
    try {
      entries = readdirSync(join(root, prefix), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}
