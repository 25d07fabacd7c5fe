/**
 * `medveil exports download` against a stand-in server that misbehaves as a real one only does
 * by accident (a connection that breaks off, a body that never ends) or names its own download
 * path; exports.test.ts runs the command against the real server.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { MEDVEIL_BIN, MEDVEIL_NODE_ARGS, medveilAsync, type CliRun } from '../../../test/support/medveil-cli.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-exports-download-'));
const PACKAGE = Buffer.alloc(1 << 20, 'medveil export package ');
const SHA256 = createHash('sha256').update(PACKAGE).digest('hex');
const TOKEN = 'stand-in-token';
/** Export ids the stand-in knows, with what it does when the package is asked for. */
const BEHAVIOUR = {
  ['a'.repeat(32)]: { download: undefined, body: 'breaks-off' },
  ['b'.repeat(32)]: { download: undefined, body: 'hangs' },
  ['c'.repeat(32)]: { download: '/api/exports/cccccccccccccccccccccccccccccccc/package?v=2', body: 'whole' },
  ['d'.repeat(32)]: { download: 'http://127.0.0.2:9/api/exports/dddddddddddddddddddddddddddddddd/download', body: 'whole' },
} as const;
let server: Server;
let url: string;
const asked: string[] = [];

function view(id: string, download: string | undefined) {
  return {
    id, requestId: '3a7e5126-64a0-42fc-89d5-a240e4e5eef3', state: 'finished', done: 1, total: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    package: { bytes: PACKAGE.length, sha256: SHA256, expiresAt: '2026-01-04T00:00:00.000Z', instances: 1, quarantined: [], ...(download === undefined ? {} : { download }) },
  };
}

function sendPackage(response: ServerResponse, body: 'breaks-off' | 'hangs' | 'whole'): void {
  response.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(PACKAGE.length) });
  if (body === 'whole') return void response.end(PACKAGE);
  response.write(PACKAGE.subarray(0, 64 * 1024), () => {
    if (body === 'breaks-off') response.socket?.destroy();
  });
}

before(async () => {
  server = createServer((request, response) => {
    asked.push(request.url ?? '');
    const [path] = (request.url ?? '').split('?');
    const match = /^\/api\/exports\/([0-9a-f]{32})(\/download|\/package)?$/.exec(path ?? '');
    const behaviour = match === null ? undefined : BEHAVIOUR[match[1]!];
    if (request.headers.authorization !== `Bearer ${TOKEN}` || match === null || behaviour === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unknown-export', message: 'no such export of yours' }));
      return;
    }
    if (match[2] === undefined) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(view(match[1]!, behaviour.download)));
    else sendPackage(response, behaviour.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

function download(id: string, out: string): Promise<CliRun> {
  process.env.MEDVEIL_TOKEN = TOKEN;
  return medveilAsync(['exports', 'download', id, '--out', out, '--server', url]);
}

test('a download whose connection breaks off fails and leaves neither the file nor its partial file', async () => {
  const out = join(work, 'broken.zip');
  const run = await download('a'.repeat(32), out);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^medveil: the download of export a{32} broke off after \d+ bytes\n  next: run the same command again\n$/);
  assert.deepEqual([existsSync(out), existsSync(`${out}.partial`)], [false, false]);
});

test('a download interrupted with Ctrl-C (SIGINT) removes its partial file', async () => {
  const out = join(work, 'interrupted.zip');
  const partial = `${out}.partial`;
  const child = spawn(process.execPath, [...MEDVEIL_NODE_ARGS, MEDVEIL_BIN, 'exports', 'download', 'b'.repeat(32), '--out', out, '--server', url], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MEDVEIL_TOKEN: TOKEN },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  // The body never ends: the partial file holds its first part once the command is writing it.
  while (!(existsSync(partial) && statSync(partial).size > 0)) await sleep(10);
  child.kill('SIGINT');
  assert.equal(await exited, 1, stderr);
  assert.equal(stderr, `medveil: the download of export ${'b'.repeat(32)} was interrupted (SIGINT); nothing was kept\n`);
  assert.deepEqual([existsSync(out), existsSync(partial)], [false, false]);
});

test('the download path a job view names is followed on the server\'s own origin, and refused on another', async () => {
  const out = join(work, 'named.zip');
  asked.length = 0;
  const named = await download('c'.repeat(32), out);
  assert.equal(named.status, 0, named.stderr);
  assert.deepEqual(readFileSync(out), PACKAGE);
  assert.deepEqual(asked, [`/api/exports/${'c'.repeat(32)}`, `/api/exports/${'c'.repeat(32)}/package?v=2`]);

  const elsewhere = join(work, 'elsewhere.zip');
  const refused = await download('d'.repeat(32), elsewhere);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /^medveil: the server named http:\/\/127\.0\.0\.2:9 for \S+, which is not its own origin; MedVeil's token goes nowhere else\n/);
  assert.deepEqual([existsSync(elsewhere), existsSync(`${elsewhere}.partial`)], [false, false]);
});
