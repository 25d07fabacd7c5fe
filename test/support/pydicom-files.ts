/**
 * pydicom's sample files (Debian package python3-pydicom), found at run time through dpkg so
 * that no machine path is written down. Absent files fail the test run; they never skip it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface PydicomData {
  /** The directory holding test_files/ and charset_files/. */
  readonly root: string;
  /** Every file under test_files/ and charset_files/, as paths relative to `root`, sorted. */
  readonly files: readonly string[];
}

export function pydicomData(): PydicomData {
  let listing: string;
  try {
    listing = execFileSync('dpkg', ['-L', 'python3-pydicom'], { encoding: 'utf8' });
  } catch (error) {
    throw new Error('pydicom sample files not found: install the Debian package python3-pydicom (`npm test` does)', { cause: error });
  }
  const testFiles = listing.split('\n').find((line) => /\/data\/test_files$/.test(line));
  if (testFiles === undefined) throw new Error('python3-pydicom is installed without data/test_files');
  const root = join(testFiles, '..');
  const files = ['test_files', 'charset_files'].flatMap((dir) => walk(join(root, dir))).map((path) => relative(root, path));
  return { root, files: files.sort() };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The system Python that has pydicom (`python3` first on PATH may be another one). */
export const SYSTEM_PYTHON = '/usr/bin/python3';
