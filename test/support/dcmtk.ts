/** Runs dcmtk's `dcmdump` on bytes, as an independent reader of what we write. */
import { spawn, spawnSync } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DicomFile } from '../../src/dicom/dicom-file.js';
import { readDicomFile } from '../../src/dicom/read-dicom-file.js';
import { Tag } from '../../src/dicom/tag.js';
import { pydicomData } from './pydicom-files.js';

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

/** What a dcmtk network tool did: exit status and its output (dcmtk logs to stdout and stderr). */
export interface DcmtkRun {
  readonly status: number | null;
  readonly output: string;
}

/**
 * Runs a dcmtk tool without blocking the event loop, so that a server in the same process can
 * answer it. Never rejects: a tool that fails to start reports status null and the reason.
 */
export function runDcmtk(tool: string, args: readonly string[], options: { cwd?: string } = {}): Promise<DcmtkRun> {
  return new Promise((resolve) => {
    const child = spawn(tool, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const parts: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => parts.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => parts.push(chunk));
    child.on('error', (error) => resolve({ status: null, output: `${tool} (dcmtk) could not run: ${error.message}; install the Debian package dcmtk` }));
    child.on('close', (status) => resolve({ status, output: Buffer.concat(parts).toString('utf8') }));
  });
}

/** A port that was free a moment ago (for a peer that must be told its port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RunningStorescp {
  readonly port: number;
  readonly aeTitle: string;
  /** Everything storescp printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts dcmtk's `storescp` accepting every transfer syntax it knows (+xa) and writing what it
 * receives, bit-preserving (+B), into `outputDir`; resolves once it accepts a C-ECHO.
 */
export async function startStorescp(options: { aeTitle: string; outputDir: string; extraArgs?: readonly string[] }): Promise<RunningStorescp> {
  const port = await freePort();
  const child = spawn('storescp', ['-aet', options.aeTitle, '-od', options.outputDir, '+B', '+xa', ...(options.extraArgs ?? []), String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const parts: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => parts.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => parts.push(chunk));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  child.on('error', () => undefined);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  for (let attempt = 0; attempt < 100; attempt++) {
    const echo = await runDcmtk('echoscu', ['-aec', options.aeTitle, '127.0.0.1', String(port)]);
    if (echo.status === 0) return { port, aeTitle: options.aeTitle, output: () => Buffer.concat(parts).toString('utf8'), stop };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`storescp did not start: ${Buffer.concat(parts).toString('utf8')}`);
}

/** storescu's option that proposes a transfer syntax (with the uncompressed ones after it). */
export const STORESCU_PROPOSAL: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2': '-xi',
  '1.2.840.10008.1.2.1': '-xe',
  '1.2.840.10008.1.2.2': '-xb',
  '1.2.840.10008.1.2.1.99': '-xd',
  '1.2.840.10008.1.2.4.50': '-xy',
  '1.2.840.10008.1.2.4.51': '-xx',
  '1.2.840.10008.1.2.4.70': '-xs',
  '1.2.840.10008.1.2.4.80': '-xt',
  '1.2.840.10008.1.2.4.81': '-xu',
  '1.2.840.10008.1.2.4.90': '-xv',
  '1.2.840.10008.1.2.4.91': '-xw',
  '1.2.840.10008.1.2.5': '-xr',
};

export interface StorescuSample {
  readonly path: string;
  readonly bytes: Buffer;
  readonly file: DicomFile;
  readonly sopInstanceUid: string;
}

/**
 * pydicom's sample files that storescu sends as they are: Part 10 files we read, with SOP Class
 * and Instance UIDs (storescu skips a file without them, such as rtdose_rle.dcm), in a transfer
 * syntax storescu proposes, and readable by dcmtk itself (SC_rgb_jpeg.dcm is not). In the
 * samples' order; several may share a SOP Instance UID (MR_small in eight syntaxes).
 */
export function storescuSamples(): StorescuSample[] {
  const data = pydicomData();
  const samples: StorescuSample[] = [];
  for (const relative of data.files) {
    const path = join(data.root, relative);
    const bytes = readFileSync(path);
    if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM') continue;
    let file: DicomFile;
    try {
      file = readDicomFile(bytes);
    } catch {
      continue;
    }
    const sopInstanceUid = file.dataset.getString(Tag.SOPInstanceUID);
    if (sopInstanceUid === undefined || file.dataset.getString(Tag.SOPClassUID) === undefined) continue;
    if (STORESCU_PROPOSAL[file.transferSyntaxUid] === undefined || dcmdumpFile(path).status !== 0) continue;
    samples.push({ path, bytes, file, sopInstanceUid });
  }
  return samples;
}
