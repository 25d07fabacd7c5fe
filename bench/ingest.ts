/**
 * `npm run bench -- ingest [--senders N] [--rounds N] [--workloads cr-2048,cr-512,pydicom]
 * [--only storescp,medveil] [--profile] [--keep-outputs]`: C-STORE files/s and MB/s through
 * `medveil serve` against dcmtk's `storescp`, both receiving the same files from the same
 * `storescu` command: one association, then N storescu processes at once (whole studies each).
 * Each receiver is started fresh for each measured send, primed with a warm-up set of other
 * UIDs, and checked afterwards: every SOP Instance UID sent must be held (storescp: a file each;
 * MedVeil: an `ingest` event each in an audit log that verifies), so a fast failure never counts
 * as speed. Issue 4, acceptance 7: MedVeil at least 1.0x storescp.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MedVeilError } from '../src/errors.js';
import { formatIngestTable, type IngestResult } from './ingest/format-ingest-table.js';
import { ensureIngestCorpus, type IngestCorpus, type Workload, type WorkloadName } from './ingest/ingest-corpus.js';
import { processCpuSeconds } from './ingest/process-cpu.js';
import type { Receiver } from './ingest/receiver.js';
import { sendWithStorescu } from './ingest/send-with-storescu.js';
import { sliceByStudy } from './ingest/slice-by-study.js';
import { startMedveilReceiver } from './ingest/start-medveil-receiver.js';
import { startStorescp } from './ingest/start-storescp.js';

/** dist/bench/ingest.js → the repository root. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CALLING_AE = 'BENCHSCU';
const RECEIVERS = ['storescp', 'medveil'] as const;
type ReceiverKind = (typeof RECEIVERS)[number];
const WORKLOADS: readonly WorkloadName[] = ['cr-2048', 'cr-512', 'pydicom'];
/**
 * The workloads the goal is judged on. The pydicom part (a few dozen small files of many SOP
 * classes and encodings) is over in well under a second: it shows what each receiver takes,
 * not a rate worth comparing.
 */
const GOAL_WORKLOADS: ReadonlySet<WorkloadName> = new Set(['cr-2048', 'cr-512']);

interface Flags {
  readonly senders: number;
  readonly rounds: number;
  readonly workloads: readonly WorkloadName[];
  readonly only: ReadonlySet<ReceiverKind>;
  readonly profile: boolean;
  readonly keepOutputs: boolean;
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const flags = parseFlags(argv);
  const log = (line: string): void => void process.stderr.write(`bench ingest: ${line}\n`);
  requireTools();
  const medveilBin = join(ROOT, 'dist', 'src', 'cli', 'bin.js');
  if (!existsSync(medveilBin)) throw new MedVeilError('io', `${medveilBin} is missing`, { hint: 'run `npm run bench -- ingest`, which compiles first' });
  const work = join(ROOT, 'bench', '.work', 'ingest', `run-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const corpusRoot = join(ROOT, 'bench', '.corpus', 'ingest');
  const corpus = ensureIngestCorpus(corpusRoot, log);
  log('reading the corpus once, so that every receiver gets it from the page cache');
  for (const workload of [...corpus.workloads, corpus.warmUp]) for (const file of workload.files) readFileSync(join(corpusRoot, workload.folder, file));

  const loadAtStart = loadavg();
  const results: IngestResult[] = [];
  for (let round = 1; round <= flags.rounds; round++) {
    for (const workload of corpus.workloads.filter((w) => flags.workloads.includes(w.name))) {
      for (const senders of flags.senders === 1 ? [1] : [1, flags.senders]) {
        // Alternate which receiver goes first, so neither always gets the quieter minute.
        const order = round % 2 === 1 ? RECEIVERS : [...RECEIVERS].reverse();
        for (const kind of order.filter((k) => flags.only.has(k))) {
          const label = `r${round}-${workload.name}-${senders}x-${kind}`;
          try {
            results.push(await measure({ kind, workload, senders, corpus, corpusRoot, work, label, medveilBin, flags, round, log }));
          } catch (error) {
            // A receiver that cannot be started or primed is reported as such, never as a time.
            const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
            log(`${label}: not measured: ${reason}`);
            results.push(unavailableResult(kind, workload, senders, round, reason));
          }
        }
      }
    }
  }
  report(results, corpus, loadAtStart, flags);
  if (!flags.keepOutputs) rmSync(flags.profile ? join(work, 'runs') : work, { recursive: true, force: true });
}

interface MeasureContext {
  readonly kind: ReceiverKind;
  readonly workload: Workload;
  readonly senders: number;
  readonly corpus: IngestCorpus;
  readonly corpusRoot: string;
  readonly work: string;
  readonly label: string;
  readonly medveilBin: string;
  readonly flags: Flags;
  readonly round: number;
  readonly log: (line: string) => void;
}

async function measure(context: MeasureContext): Promise<IngestResult> {
  const { kind, workload, senders, corpus, corpusRoot, label, log } = context;
  const folder = join(context.work, 'runs', label);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const profileDir = join(context.work, 'profiles', label);
  const receiver: Receiver =
    kind === 'storescp'
      ? await startStorescp({ folder, fork: senders > 1, callingAe: CALLING_AE })
      : await startMedveilReceiver({
          folder,
          medveilBin: context.medveilBin,
          callingAe: CALLING_AE,
          ...(context.flags.profile ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir] } : {}),
        });
  let stopped = false;
  try {
    const send = (w: Workload, slices: string[][], part: string) =>
      sendWithStorescu({ port: receiver.port, calledAe: receiver.aeTitle, callingAe: CALLING_AE, root: join(corpusRoot, w.folder), slices, logFolder: folder, label: part });
    const warmUp = await send(corpus.warmUp, [[...corpus.warmUp.files]], 'warm-up');
    if (warmUp.failed > 0 || warmUp.succeeded !== corpus.warmUp.files.length) {
      throw new MedVeilError('dimse', `${receiver.name} did not take the warm-up set: ${warmUp.failures.join('; ')}`, { hint: `see the logs in ${folder}` });
    }
    // Write-back of the warm-up (and of the previous run) must not be charged to this send.
    spawnSync('sync');
    const load = loadavg()[0]!;
    const cpuBefore = processCpuSeconds(receiver.pid);
    const sent = await send(workload, sliceByStudy(workload.files, workload.studies, senders), 'send');
    const cpuAfter = processCpuSeconds(receiver.pid);
    await receiver.stop();
    stopped = true;
    const held = await receiver.storedInstances();
    const missing = workload.instances.filter((uid) => !held.instances.has(uid)).length;
    const result: IngestResult = {
      workload: workload.name,
      senders: sliceByStudy(workload.files, workload.studies, senders).length,
      receiver: receiver.name,
      kind,
      round: context.round,
      files: workload.files.length,
      bytes: workload.bytes,
      seconds: sent.seconds,
      cpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
      succeeded: sent.succeeded,
      failed: sent.failed,
      missing,
      verified: missing === 0 && sent.failed === 0 && held.trustworthy,
      notes: [...held.notes, ...sent.failures],
      load,
    };
    log(`${label}: ${sent.seconds.toFixed(2)} s, ${(workload.files.length / sent.seconds).toFixed(0)} files/s, ${sent.succeeded} stored, ${sent.failed} failed, ${missing} missing${held.notes.length > 0 ? ` (${held.notes.join('; ')})` : ''}`);
    return result;
  } finally {
    if (!stopped) await receiver.stop();
    // A receiver's folder holds up to a copy of the workload: gone before the next run starts.
    if (!context.flags.keepOutputs) rmSync(folder, { recursive: true, force: true });
  }
}

function unavailableResult(kind: ReceiverKind, workload: Workload, senders: number, round: number, reason: string): IngestResult {
  return {
    workload: workload.name, senders, receiver: kind === 'storescp' ? 'dcmtk storescp' : 'medveil serve', kind, round,
    files: workload.files.length, bytes: workload.bytes, seconds: NaN, cpuSeconds: undefined,
    succeeded: 0, failed: 0, missing: workload.files.length, verified: false, notes: [reason], load: loadavg()[0]!, unavailable: reason,
  };
}

function parseFlags(argv: readonly string[]): Flags {
  const usage = 'npm run bench -- ingest [--senders 4] [--rounds 1] [--workloads cr-2048,cr-512,pydicom] [--only storescp,medveil] [--profile] [--keep-outputs]';
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at < 0 ? undefined : argv[at + 1];
  };
  const known = new Set(['--senders', '--rounds', '--workloads', '--only', '--profile', '--keep-outputs']);
  for (let i = 0; i < argv.length; i++) {
    if (!known.has(argv[i]!)) throw new MedVeilError('usage', `unknown option ${argv[i]}`, { hint: usage });
    if (argv[i] !== '--profile' && argv[i] !== '--keep-outputs') i++;
  }
  const count = (name: string, fallback: number): number => {
    const text = value(name);
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new MedVeilError('usage', `${name} takes a whole number from 1 to 64`, { hint: usage });
    return n;
  };
  const list = <T extends string>(name: string, allowed: readonly T[]): T[] => {
    const text = value(name);
    if (text === undefined) return [...allowed];
    const named = text.split(',');
    const unknown = named.filter((item) => !(allowed as readonly string[]).includes(item));
    if (unknown.length > 0) throw new MedVeilError('usage', `${name}: unknown ${unknown.join(', ')}`, { hint: `choose from ${allowed.join(', ')}` });
    return named as T[];
  };
  return {
    senders: count('--senders', 4),
    rounds: count('--rounds', 1),
    workloads: list('--workloads', WORKLOADS),
    only: new Set(list('--only', RECEIVERS)),
    profile: argv.includes('--profile'),
    keepOutputs: argv.includes('--keep-outputs'),
  };
}

function requireTools(): void {
  for (const tool of ['storescu', 'storescp', 'echoscu']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      throw new MedVeilError('io', `${tool} is not installed`, { hint: 'apt-get install dcmtk' });
    }
  }
}

function report(results: readonly IngestResult[], corpus: IngestCorpus, loadAtStart: readonly number[], flags: Flags): void {
  const workloads = corpus.workloads.filter((w) => flags.workloads.includes(w.name));
  const lines = [
    '## ingest benchmark (C-STORE)',
    '',
    machineFacts(loadAtStart),
    '',
    ...workloads.map((w) => `- ${w.name}: ${w.files.length} files, ${(w.bytes / 1e6).toFixed(0)} MB; ${w.describes}`),
    `- pydicom samples left out: ${Object.entries(corpus.pydicomLeftOut).map(([reason, n]) => `${n} ${reason}`).join(', ') || 'none'}`,
    `- every dcmtk process ran with TCP_NODELAY=1; storescu -v -nh -R, one association per process; storescp +xa (with --fork when senders run at once); medveil serve with its defaults (fsync of every object and audit commit)`,
    '',
    formatIngestTable(results),
    '',
  ];
  const unverified = results.filter((r) => !r.verified && r.unavailable === undefined);
  const medveilMissing = results.some((r) => r.kind === 'medveil' && r.unavailable !== undefined);
  for (const r of unverified) lines.push(`- NOT VERIFIED: ${r.receiver}, ${r.workload}, ${r.senders} sender(s), round ${r.round}: ${r.notes.join('; ') || `${r.missing} instances missing`}`);
  const ratios = goalRatios(results);
  if (medveilMissing) lines.push('goal: NOT MEASURED: medveil serve could not receive (see the table)');
  else if (ratios.length > 0) {
    const worst = Math.min(...ratios.map((r) => r.ratio));
    lines.push(
      `goal: medveil >= 1.00x storescp files/s (median of rounds) for every CR workload and sender count: ` +
        `${ratios.map((r) => `${r.key} ${r.ratio.toFixed(2)}x`).join(', ')}; ` +
        `${worst >= 1 && unverified.length === 0 ? 'MET' : 'MISSED'}${unverified.length > 0 ? ' (a run did not verify)' : ''}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Per workload and sender count, medveil's files/s over storescp's, medians over rounds. */
function goalRatios(results: readonly IngestResult[]): { key: string; ratio: number }[] {
  const keys = [...new Set(results.filter((r) => GOAL_WORKLOADS.has(r.workload as WorkloadName)).map((r) => `${r.workload} ${r.senders}x`))];
  const out: { key: string; ratio: number }[] = [];
  for (const key of keys) {
    const of = (kind: ReceiverKind) => median(results.filter((r) => `${r.workload} ${r.senders}x` === key && r.kind === kind && r.verified).map((r) => r.files / r.seconds));
    const ratio = of('medveil') / of('storescp');
    if (Number.isFinite(ratio)) out.push({ key, ratio });
  }
  return out;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function machineFacts(loadAtStart: readonly number[]): string {
  const dcmtk = /v(\d+\.\d+\.\d+)/.exec(spawnSync('storescu', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(1)).join(' ');
  return `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, ` +
    `Node ${process.version}, dcmtk ${dcmtk}; load average ${load(loadAtStart)} at start, ${load(loadavg())} at end`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    const hint = error instanceof MedVeilError && error.hint ? `\n  ${error.hint}` : '';
    process.stderr.write(`bench ingest: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
    process.exitCode = 1;
  });
}
