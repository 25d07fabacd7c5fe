/**
 * `medveil exports`: start the export of your approved export request, follow it, and download
 * its package (docs/exports.md, "From the command line"). Talks to a running server with the
 * token of MEDVEIL_TOKEN, as `medveil request` does.
 *
 * A download is written to `<out>.partial`, checked against the SHA-256 the job names, and only
 * then renamed to `<out>`: a file under the name asked for is always the whole package. Any
 * failure removes the partial file.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { MedVeilError } from '../../errors.js';
import { callApi, getApiStream, serverOption, type ServerOptions } from './request-api-client.js';

/** A job as GET /api/exports/{id} shows it. */
export interface ExportJobView {
  id: string;
  requestId: string;
  state: 'queued' | 'running' | 'finished' | 'failed';
  done: number;
  total: number;
  createdAt: string;
  updatedAt: string;
  failure?: string;
  package?: { bytes: number; sha256: string; expiresAt: string; instances: number; quarantined: Array<{ ordinal: number; reason: string }>; download?: string };
}

const EXPORT_ID = /^[0-9a-f]{32}$/;
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How often `start --wait` asks for the job again. */
const POLL_MS = 500;
const LIST_HINT = 'medveil exports list shows your exports';

function exportIdOf(id: string): string {
  if (!EXPORT_ID.test(id)) throw new MedVeilError('usage', `${JSON.stringify(id)} is not an export id (32 lowercase hex digits)`, { hint: LIST_HINT });
  return id;
}

function jobPath(id: string): string {
  return `/api/exports/${exportIdOf(id)}`;
}

function progressOf(job: ExportJobView): string {
  return `${job.done}/${job.total}`;
}

/** The rows of `exports list`: a header, then one line per job, in aligned columns. */
export function exportTable(jobs: readonly ExportJobView[]): string {
  const rows = [['EXPORT', 'REQUEST', 'STATE', 'PROGRESS', 'EXPIRES'], ...jobs.map((job) => [job.id, job.requestId, job.state, progressOf(job), job.package?.expiresAt ?? '-'])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}\n`).join('');
}

function jobLine(job: ExportJobView): string {
  const end = job.failure !== undefined ? `  failed: ${job.failure}` : job.package === undefined ? '' : `  ${job.package.bytes} bytes  sha256 ${job.package.sha256}  until ${job.package.expiresAt}`;
  return `${job.id}  ${job.requestId}  ${job.state}  ${progressOf(job)}${end}\n`;
}

/** Asks for the job until it has finished or failed, telling each change on standard error. */
async function followExport(options: ServerOptions, started: ExportJobView): Promise<ExportJobView> {
  let job = started;
  let told = '';
  for (;;) {
    const now = `${job.state} ${progressOf(job)}`;
    if (now !== told) {
      process.stderr.write(`export ${job.id}: ${job.state}${job.total === 0 ? '' : `, ${job.done} of ${job.total} instances`}\n`);
      told = now;
    }
    if (job.state === 'finished' || job.state === 'failed') return job;
    await sleep(POLL_MS);
    job = await callApi<ExportJobView>(options, 'GET', jobPath(job.id), undefined, { 404: LIST_HINT });
  }
}

interface DownloadOptions extends ServerOptions {
  out: string;
  force?: boolean;
}

function refuseOverwrite(out: string): MedVeilError {
  return new MedVeilError('usage', `${out} exists; the download does not overwrite it`, { hint: 'give another --out, or add --force to replace it' });
}

async function downloadExport(id: string, options: DownloadOptions): Promise<void> {
  const out = resolve(options.out);
  const partial = `${out}.partial`;
  if (options.force !== true && existsSync(out)) throw refuseOverwrite(out);
  const job = await callApi<ExportJobView>(options, 'GET', jobPath(id), undefined, { 404: LIST_HINT });
  if (job.package === undefined) {
    throw new MedVeilError('http', `export ${id} is ${job.state}, so it has no package to download`, {
      hint: job.state === 'failed' ? `start it again: medveil exports start ${job.requestId}` : `wait for it: medveil exports show ${id}`,
    });
  }
  const expected = job.package.sha256.toLowerCase();
  const response = await getApiStream(options, job.package.download ?? `${jobPath(id)}/download`, {
    404: LIST_HINT,
    409: `the export is not finished: medveil exports show ${id}`,
    410: `a new export makes a new package while the grant lasts: medveil exports start ${job.requestId}`,
  });
  try {
    const hash = createHash('sha256');
    let bytes = 0;
    const digest = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    const source = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    // Ctrl-C ends the download as any other failure does, so the partial file goes too.
    const interrupt = (signal: NodeJS.Signals): void => void source.destroy(new MedVeilError('http', `the download of export ${id} was interrupted (${signal}); nothing was kept`));
    process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
    try {
      await pipeline(source, digest, createWriteStream(partial, { flags: 'w', mode: 0o600, flush: true }));
    } catch (cause) {
      if (cause instanceof MedVeilError) throw cause;
      const io = (cause as { syscall?: string }).syscall !== undefined;
      throw new MedVeilError(io ? 'io' : 'http', io ? `cannot write ${partial}` : `the download of export ${id} broke off after ${bytes} bytes`, { cause, hint: io ? 'check the folder of --out and its free space' : 'run the same command again' });
    } finally {
      process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
    }
    const got = hash.digest('hex');
    if (got !== expected) {
      throw new MedVeilError('http', `the downloaded package does not match its SHA-256 (expected ${expected}, got ${got}, ${bytes} bytes); nothing was kept`, {
        hint: 'download it again; if it differs again, the package on the server is damaged: tell your DSO',
      });
    }
    if (options.force !== true && existsSync(out)) throw refuseOverwrite(out);
    await rename(partial, out).catch((cause: unknown) => {
      throw new MedVeilError('io', `cannot move ${partial} to ${out}`, { cause, hint: 'check that --out names a file, not a folder' });
    });
    process.stdout.write(`${out}  ${bytes} bytes  sha256 ${got}\n`);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

export function registerExports(program: Command): void {
  const exports = program.command('exports').description('start, follow and download the exports of your approved export requests');
  exports
    .command('list')
    .description('your export jobs, newest first: id, request, state, progress, expiry of the package')
    .option(...serverOption())
    .option('--json', 'print JSON')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const { exports: jobs } = await callApi<{ exports: ExportJobView[] }>(options, 'GET', '/api/exports');
      if (options.json === true) process.stdout.write(`${JSON.stringify(jobs, null, 2)}\n`);
      else if (jobs.length === 0) process.stderr.write('no exports yet; start one with medveil exports start <requestId>\n');
      else process.stdout.write(exportTable(jobs));
    });
  exports
    .command('start <requestId>')
    .description('start the export of your approved export request (medveil request list shows its id)')
    .option('--wait', 'follow the job until it has finished or failed (progress on standard error); fail if it failed')
    .option(...serverOption())
    .option('--json', 'print the job as JSON')
    .action(async (requestId: string, options: ServerOptions & { wait?: boolean; json?: boolean }) => {
      if (!REQUEST_ID.test(requestId)) throw new MedVeilError('usage', `${JSON.stringify(requestId)} is not a request id (a UUID)`, { hint: 'medveil request list shows your requests' });
      const started = await callApi<ExportJobView>(options, 'POST', `/api/requests/${requestId}/export`, undefined, {
        404: 'medveil request list shows your requests',
        409: `an export starts once both approvals are in: medveil request show ${requestId}`,
      });
      const job = options.wait === true ? await followExport(options, started) : started;
      process.stdout.write(options.json === true ? `${JSON.stringify(job, null, 2)}\n` : jobLine(job));
      if (job.state === 'failed') {
        throw new MedVeilError('http', `export ${job.id} failed: ${job.failure ?? 'the server gave no reason'}`, { hint: `medveil exports show ${job.id} has the job; the server log has the details` });
      }
    });
  exports
    .command('show <exportId>')
    .description('one export job, as JSON')
    .option(...serverOption())
    .action(async (id: string, options: ServerOptions) => {
      process.stdout.write(`${JSON.stringify(await callApi(options, 'GET', jobPath(id), undefined, { 404: LIST_HINT }), null, 2)}\n`);
    });
  exports
    .command('download <exportId>')
    .description("download a finished export's package (a zip), checked against its SHA-256")
    .requiredOption('--out <file>', 'where to write the zip (kept only when it is whole and its digest matches)')
    .option('--force', 'replace --out when it exists')
    .option(...serverOption())
    .action(async (id: string, options: DownloadOptions) => {
      exportIdOf(id);
      await downloadExport(id, options);
    });
}
