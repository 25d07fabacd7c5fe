import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { readKeyFile } from '../../crypto/key-file.js';
import { MedVeilError } from '../../errors.js';
import { runRegisteredCommand } from './testing-command.js';
import { registerKeygen } from './keygen.js';

const root = mkdtempSync(join(tmpdir(), 'medveil-keygen-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function runKeygen(args: string[]): Promise<string> {
  return (await runRegisteredCommand(registerKeygen, ['keygen', ...args])).printed;
}

test('`medveil keygen --out F` writes a readable key file and never prints the key', async () => {
  const path = join(root, 'a', 'deid.key');
  const printed = await runKeygen(['--out', path]);
  const loaded = readKeyFile(path);
  assert.equal(loaded.key.length, 32);
  assert.match(printed, /wrote a new de-identification key to .*deid\.key \(mode 0600\)/);
  assert.ok(!printed.includes(Buffer.from(loaded.key).toString('base64')));
  if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('`medveil keygen` refuses to replace an existing key file', async () => {
  const path = join(root, 'b', 'deid.key');
  await runKeygen(['--out', path]);
  const before = readFileSync(path, 'utf8');
  await assert.rejects(runKeygen(['--out', path]), (error: unknown) => error instanceof MedVeilError && error.code === 'key' && /--out/.test(error.hint ?? ''));
  assert.equal(readFileSync(path, 'utf8'), before);
});

test('`medveil keygen` without --out writes .medveil/deid.key under the working directory', () => {
  const cwd = mkdtempSync(join(root, 'cwd-'));
  const runningTs = import.meta.url.endsWith('.ts');
  const moduleUrl = new URL(runningTs ? './keygen.ts' : './keygen.js', import.meta.url).href;
  const script = `const { Command } = await import(${JSON.stringify(import.meta.resolve('commander'))});
const { registerKeygen } = await import(${JSON.stringify(moduleUrl)});
const program = new Command('medveil');
registerKeygen(program);
await program.parseAsync(['keygen'], { from: 'user' });`;
  const tsx = runningTs ? ['--import', new URL(import.meta.resolve('tsx')).href] : [];
  const run = spawnSync(process.execPath, [...tsx, '--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(readKeyFile(join(cwd, '.medveil', 'deid.key')).key.length, 32);
});
