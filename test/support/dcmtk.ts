/** Runs dcmtk's `dcmdump` on bytes, as an independent reader of what we write. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DcmdumpResult {
  readonly status: number | null;
  readonly output: string;
  /** dcmtk's error lines ("E: ..."). */
  readonly errors: string[];
  /** dcmtk's warning lines ("W: ..."). */
  readonly warnings: string[];
}

export function dcmdump(bytes: Uint8Array | readonly Uint8Array[], args: readonly string[] = []): DcmdumpResult {
  const dir = mkdtempSync(join(tmpdir(), 'medveil-dcmdump-'));
  try {
    const path = join(dir, 'file.dcm');
    writeFileSync(path, bytes instanceof Uint8Array ? bytes : Buffer.concat(bytes as Uint8Array[]));
    return dcmdumpFile(path, args);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function dcmdumpFile(path: string, args: readonly string[] = []): DcmdumpResult {
  const run = spawnSync('dcmdump', [...args, path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw new Error('dcmdump (dcmtk) could not run: install the Debian package dcmtk', { cause: run.error });
  const output = `${run.stdout}${run.stderr}`;
  const lines = output.split('\n');
  return {
    status: run.status,
    output,
    errors: lines.filter((line) => line.startsWith('E:')),
    warnings: lines.filter((line) => line.startsWith('W:')),
  };
}
