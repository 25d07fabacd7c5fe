#!/usr/bin/env node
// `npm start`: the gateway on its embedded defaults (HTTP on 127.0.0.1:8080, no config file).
// It runs in .medveil/ (ignored by git), so its data folder, keys included, is
// .medveil/medveil-data and never lands in a commit. On the first start the server prints a
// one-time bootstrap code and the request that creates the first administrator.
// Ctrl-C stops it cleanly.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const workdir = join(root, '.medveil');

if (!existsSync(bin)) {
  console.error('MedVeil is not built yet: run `npm install` (it builds), then `npm start`.');
  process.exit(1);
}
mkdirSync(workdir, { recursive: true, mode: 0o700 });
console.log('$ medveil serve   (in .medveil/, on the embedded defaults)');
const env = { ...process.env };
delete env.MEDVEIL_CONFIG;
const server = spawn(process.execPath, [bin, 'serve'], { cwd: workdir, stdio: 'inherit', env });
// The terminal sends Ctrl-C to both processes; a SIGTERM sent to this one alone is passed on.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 0)));
