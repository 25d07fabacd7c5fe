import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MedVeilError } from '../src/errors.js';

/** Every `.dcm` of pydicom's `test_files` and `charset_files` folders (Debian python3-pydicom), sorted. */
export function pydicomSampleFiles(): string[] {
  const listing = spawnSync('dpkg', ['-L', 'python3-pydicom'], { encoding: 'utf8' });
  const folders = (listing.stdout ?? '').split('\n').filter((line) => /data\/(test_files|charset_files)$/.test(line));
  if (listing.status !== 0 || folders.length === 0) {
    throw new MedVeilError('io', 'pydicom sample files not found', { hint: 'install them with `apt-get install python3-pydicom`' });
  }
  return folders
    .flatMap((folder) => readdirSync(folder).filter((name) => name.endsWith('.dcm')).map((name) => join(folder, name)))
    .filter((path) => statSync(path).isFile())
    .sort();
}
