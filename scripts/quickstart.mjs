#!/usr/bin/env node
// `npm start`: the main job on embedded defaults. For now: make a pseudonym key if there is
// none, generate a small synthetic sample folder (fake patients, planted identifiers), and
// de-identify it with `medveil deid`, printing what was removed.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const medveil = (...args) => {
  console.log(`$ medveil ${args.join(' ')}`);
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit' });
  return run.status ?? 1;
};

if (!existsSync(bin)) {
  console.error('MedVeil is not built yet: run `npm install` (it builds), then `npm start`.');
  process.exit(1);
}
if (!existsSync(join(root, '.medveil', 'deid.key')) && medveil('keygen', '--out', '.medveil/deid.key') !== 0) process.exit(1);
if (medveil('sample', 'samples', '--force') !== 0) process.exit(1);
// A fresh output each time: medveil never overwrites, and would only report the files as done before.
rmSync(join(root, 'out', 'deid'), { recursive: true, force: true });
process.exit(medveil('deid', 'samples', 'out/deid', '--report', 'out/deid-report.jsonl', '--explain'));
