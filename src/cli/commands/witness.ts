/**
 * `medveil witness`: run a transparency-log witness (c2sp.org/tlog-witness) for the audit logs
 * of other hospitals or for a regulator. It cosigns checkpoints that extend what it saw before
 * and refuses forks and rollbacks; its state is one SQLite file.
 */
import { dirname, isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { MedVeilError } from '../../errors.js';
import type { NoteVerifier } from '../../audit/note/note-key.js';
import { SqliteWitnessStateStore } from '../../audit/witness/sqlite-witness-state.js';
import { buildWitnessApp } from '../../audit/witness/witness-app.js';
import { readSigners, readText, readVerifierKeys } from '../audit/read-keys.js';

interface WitnessOptions {
  listen: string;
  key: string;
  logs: string;
  state: string;
}

export function registerWitness(program: Command): void {
  program
    .command('witness')
    .description('serve a C2SP tlog-witness: POST /add-checkpoint, GET /<origin hash>/checkpoint')
    .requiredOption('--listen <host:port>', 'address to listen on, e.g. 127.0.0.1:7380')
    .requiredOption('--key <file>', 'the witness signing key file (from `medveil audit keygen --witness`)')
    .requiredOption('--logs <file>', 'YAML or JSON: logs: [{ origin, keys: [vkey or key file, ...] }]')
    .option('--state <file>', 'the witness state database', 'medveil-witness.sqlite')
    .action(async (options: WitnessOptions) => {
      const cosigners = readSigners(options.key);
      if (cosigners.some((s) => s.kind !== 'cosignature/v1')) {
        throw new MedVeilError('usage', `${options.key} holds a log key, not a witness key`, { hint: 'create one with `medveil audit keygen --witness --name <witness name> --out <prefix>`' });
      }
      const logs = readLogsConfig(options.logs);
      const { host, port } = parseListen(options.listen);
      const store = new SqliteWitnessStateStore(options.state);
      const app = buildWitnessApp({
        cosigners,
        logs,
        store,
        onRefusal: (r) => process.stderr.write(`refused ${r.origin} (${r.status}): ${r.reason}\n`),
      });
      const address = await app.listen({ host, port });
      process.stdout.write(`witness ${cosigners[0]!.name} listening on ${address} for ${logs.size} log(s)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await app.close();
      store.close();
    });
}

function readLogsConfig(path: string): Map<string, NoteVerifier[]> {
  const bad = (why: string) => new MedVeilError('usage', `${path}: ${why}`, { hint: 'write logs: [{ origin: hospital.example/audit, keys: [<vkey or public key file>] }]' });
  let config: unknown;
  try {
    config = parseYaml(readText(path));
  } catch (cause) {
    if (cause instanceof MedVeilError) throw cause;
    throw bad('not YAML or JSON');
  }
  const entries = (config as { logs?: unknown } | null)?.logs;
  if (!Array.isArray(entries) || entries.length === 0) throw bad('no logs listed');
  const logs = new Map<string, NoteVerifier[]>();
  for (const [i, entry] of entries.entries()) {
    const { origin, keys } = (entry ?? {}) as { origin?: unknown; keys?: unknown };
    if (typeof origin !== 'string' || origin.length === 0) throw bad(`logs[${i}].origin must be a non-empty string`);
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string')) throw bad(`logs[${i}].keys must list keys`);
    if (logs.has(origin)) throw bad(`log ${origin} is listed twice`);
    // Key files named in the config are found next to it.
    const values = (keys as string[]).map((k) => (k.includes('+') || isAbsolute(k) ? k : join(dirname(path), k)));
    const verifiers = readVerifierKeys(values).filter((k) => k.kind !== 'cosignature/v1');
    if (verifiers.length === 0) throw bad(`logs[${i}] has no log signing key`);
    logs.set(origin, verifiers);
  }
  return logs;
}

function parseListen(listen: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(listen);
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || port > 65535) throw new MedVeilError('usage', `--listen ${listen}: expected host:port`, { hint: 'e.g. --listen 127.0.0.1:7380' });
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}
