/*
 * `npm run bench -- audit [--events N] [--appends N] [--runs N] [--only appends,verify,proofs]`:
 * the audit log's three numbers (issue 3, acceptance 6):
 *   1. durable appends per second with concurrent writers (SQLite, WAL, synchronous=FULL,
 *      group commit) — goal >= 10,000/s on 2 cores;
 *   2. time for `medveil audit verify` to recompute and check a log of 1,000,000 events — goal
 *      < 10 s; run --runs times (default 3), each with the load average it started under, and
 *      beside it verifyLog without the event checks;
 *   3. inclusion and consistency proof sizes at 10^3, 10^6 and 10^9 leaves.
 * Prints a Markdown report; docs/benchmarks.md keeps the results of a run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLog } from '../src/audit/log/audit-log.js';
import { verifyLog } from '../src/audit/log/verify-log.js';
import { consistencyProof } from '../src/audit/merkle/consistency-proof.js';
import type { HashReader } from '../src/audit/merkle/hash-reader.js';
import { inclusionProof } from '../src/audit/merkle/inclusion-proof.js';
import { formatPublicKeyFile, generateLogKeys, parseSecretKeyFile, parseVerifierKeys, signNote } from '../src/audit/note/index.js';
import { SqliteAuditStore } from '../src/storage/adapters/sqlite-audit-store.js';

const origin = 'bench.medveil.test/audit';

function option(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} needs a positive integer`);
  return value;
}

function sampleEvent(writer: number, n: number) {
  return {
    type: 'view' as const,
    outcome: 'success' as const,
    actor: { user: `radiologist${writer}`, role: 'radiologist', department: 'radiology', address: '10.20.30.40' },
    purpose: 'TREAT',
    objects: [{ study: `1.2.826.0.1.3680043.10.543.${writer}.${n}`, patient: `MV${(writer * 7919 + n).toString(36).toUpperCase().padStart(8, '0')}` }],
    digests: [{ algorithm: 'sha256' as const, value: 'ab'.repeat(32) }],
  };
}

async function appendThroughput(dir: string, writers: number, total: number): Promise<{ perSecond: number; commits: number; cpuMicros: number }> {
  const path = join(dir, `appends-${writers}.sqlite`);
  const store = new SqliteAuditStore(path);
  let commits = 0;
  const counting = new Proxy(store, {
    get(target, name) {
      const value = Reflect.get(target, name) as unknown;
      if (name === 'appendBatch') return (batch: Parameters<SqliteAuditStore['appendBatch']>[0]) => (commits++, target.appendBatch(batch));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const log = await AuditLog.open({ store: counting, origin, clock: { now: () => Date.now() } });
  const perWriter = Math.ceil(total / writers);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let n = 0; n < perWriter; n++) await log.append(sampleEvent(w, n));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await log.close();
  return { perSecond: (perWriter * writers) / seconds, commits, cpuMicros: (used.user + used.system) / (perWriter * writers) };
}

async function buildLog(path: string, events: number, sign: (body: string) => string): Promise<void> {
  const log = await AuditLog.open({ store: new SqliteAuditStore(path), origin, clock: { now: () => Date.now() }, signer: sign });
  const chunk = 10_000;
  for (let start = 0; start < events; start += chunk) {
    const count = Math.min(chunk, events - start);
    await Promise.all(Array.from({ length: count }, (_, i) => log.append(sampleEvent(i % 64, start + i))));
    // A checkpoint every 100,000 events, as an hourly timer might produce.
    if ((start + count) % 100_000 === 0 || start + count === events) await log.checkpoint();
  }
  await log.close();
}

/** The CPU time of waited-for child processes, from /proc/self/stat (Linux); undefined elsewhere. */
function childCpuSeconds(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  // Fields after the parenthesized command name; cutime and cstime are fields 16 and 17 (proc(5)).
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Runs `medveil audit verify` as a user would, in its own process: wall and CPU seconds. */
function verifyWithCli(db: string, keyFile: string): { seconds: number; cpuSeconds: number | undefined; output: string } {
  const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'bin.js');
  const cpuBefore = childCpuSeconds();
  const started = performance.now();
  const run = spawnSync(process.execPath, [bin, 'audit', 'verify', '--db', db, '--key', keyFile], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = childCpuSeconds();
  if (run.status !== 0) throw new Error(`medveil audit verify failed (${run.status}): ${run.stdout}${run.stderr}`);
  return { seconds, cpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore, output: run.stdout.trim() };
}

/** A reader of a tree too large to build: any stored hash, made up. Proof shapes depend only on sizes. */
const syntheticReader: HashReader = { readHashes: (indexes) => indexes.map(() => new Uint8Array(32)) };

async function proofSizes(): Promise<string[]> {
  const rows = ['| leaves | inclusion proof, first leaf | inclusion proof, last leaf | worst case ⌈log2 n⌉ | consistency n/2 → n | consistency (n−1) → n |', '| --- | --- | --- | --- | --- | --- |'];
  for (const n of [1e3, 1e6, 1e9]) {
    const first = (await inclusionProof(0, n, syntheticReader)).length;
    const last = (await inclusionProof(n - 1, n, syntheticReader)).length;
    const half = (await consistencyProof(n / 2, n, syntheticReader)).length;
    const prev = (await consistencyProof(n - 1, n, syntheticReader)).length;
    const worst = Math.ceil(Math.log2(n));
    const cell = (hashes: number) => `${hashes} hashes, ${hashes * 32} B`;
    rows.push(`| 10^${Math.log10(n)} | ${cell(first)} | ${cell(last)} | ${cell(worst)} | ${cell(half)} | ${cell(prev)} |`);
  }
  return rows;
}

const PARTS = ['appends', 'verify', 'proofs'] as const;

function parts(argv: string[]): Set<(typeof PARTS)[number]> {
  const at = argv.indexOf('--only');
  if (at < 0) return new Set(PARTS);
  const named = (argv[at + 1] ?? '').split(',');
  const unknown = named.filter((name) => !(PARTS as readonly string[]).includes(name));
  if (unknown.length > 0 || named.length === 0) throw new Error(`--only takes a list of ${PARTS.join(', ')}; got ${argv[at + 1]}`);
  return new Set(named as (typeof PARTS)[number][]);
}

export async function main(argv: string[] = []): Promise<void> {
  const verifyEvents = option(argv, '--events', 1_000_000);
  const appendEvents = option(argv, '--appends', 100_000);
  const runs = option(argv, '--runs', 3);
  const only = parts(argv);
  const dir = mkdtempSync(join(tmpdir(), 'medveil-bench-audit-'));
  try {
    const say = (line = '') => console.log(line);
    const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
    say(`## Audit log (bench/audit.ts)`);
    say();
    say(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${load()} at start; the temp dir's file system decides the cost of each fsync.`);
    say();
    if (only.has('appends')) {
      say(`### Durable appends per second (${appendEvents.toLocaleString('en')} events each, SQLite WAL, synchronous=FULL)`);
      say();
      say('CPU is process CPU time (both threads) per append: on a busy machine it shows what an idle one would reach.');
      say();
      say('| concurrent writers | appends/s | commits (fsyncs) | events per commit | CPU per append |');
      say('| --- | --- | --- | --- | --- |');
      for (const writers of [1, 16, 64, 256, 1024]) {
        const total = writers === 1 ? Math.min(appendEvents, 5_000) : appendEvents;
        const { perSecond, commits, cpuMicros } = await appendThroughput(dir, writers, total);
        say(`| ${writers} | ${Math.round(perSecond).toLocaleString('en')} | ${commits.toLocaleString('en')} | ${(total / commits).toFixed(1)} | ${cpuMicros.toFixed(1)} µs |`);
      }
      say();
    }

    if (only.has('verify')) {
      const keys = generateLogKeys(origin, 'intl');
      const signers = parseSecretKeyFile(keys.signerKeys.join('\n'));
      const verifiers = parseVerifierKeys(keys.verifierKeys.join('\n'));
      const keyFile = join(dir, 'log.pub');
      writeFileSync(keyFile, formatPublicKeyFile(keys));
      const path = join(dir, 'verify.sqlite');
      const built = performance.now();
      await buildLog(path, verifyEvents, (body) => signNote(body, signers));
      const buildSeconds = (performance.now() - built) / 1000;
      say(`### Verifying a log of ${verifyEvents.toLocaleString('en')} events`);
      say();
      say(`Built in ${buildSeconds.toFixed(1)} s; database ${(statSync(path).size / 1e6).toFixed(0)} MB.`);
      say();
      say('`medveil audit verify` runs in its own process with every check: the tree, every stored hash, every checkpoint, and every event decoded, validated and checked canonical. Beside it, in this process, `verifyLog` without the event checks. CPU is the time of all threads.');
      say();
      say('| run | load average at start | `medveil audit verify`: wall | CPU | tree only: wall | CPU |');
      say('| --- | --- | --- | --- | --- | --- |');
      for (let run = 1; run <= runs; run++) {
        const loadAtStart = load();
        const cli = verifyWithCli(path, keyFile);
        if (!cli.output.startsWith(`ok: ${verifyEvents} events`)) throw new Error(`unexpected output from medveil audit verify: ${cli.output}`);
        const store = new SqliteAuditStore(path, { mustExist: true });
        const cpu = process.cpuUsage();
        const started = performance.now();
        const report = await verifyLog(store, verifiers, { checkEvents: false });
        const seconds = (performance.now() - started) / 1000;
        const used = process.cpuUsage(cpu);
        await store.close();
        if (!report.ok) throw new Error(`the benchmark log did not verify: ${JSON.stringify(report.problems.slice(0, 3))}`);
        const cliCpu = cli.cpuSeconds === undefined ? 'n/a' : `${cli.cpuSeconds.toFixed(2)} s`;
        say(`| ${run} | ${loadAtStart} | ${cli.seconds.toFixed(2)} s | ${cliCpu} | ${seconds.toFixed(2)} s | ${((used.user + used.system) / 1e6).toFixed(2)} s |`);
      }
      say();
    }

    if (only.has('proofs')) {
      say('### Proof sizes (SHA-256, 32 bytes per hash)');
      say();
      for (const row of await proofSizes()) say(row);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
