#!/usr/bin/env node
// `npm run bench -- <name>`: builds, then runs bench/<name>.ts (compiled to dist/bench/<name>.js).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [options]\n  benchmarks: ${available.join(', ')}`);
  process.exit(2);
}
const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const script = join(root, 'dist', 'bench', `${name}.js`);
if (!existsSync(script)) {
  console.error(`bench/${name}.ts did not compile to ${script}`);
  process.exit(1);
}
const run = spawnSync(process.execPath, ['--expose-gc', script, ...rest], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
