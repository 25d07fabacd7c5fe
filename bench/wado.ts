/**
 * `npm run bench -- wado [--concurrency 16] [--requests 2000] [--rounds 1] [--only orthanc,medveil]
 * [--scenarios instance-512,frame-512,instance-2048] [--profile] [--keep-outputs]`: authorized WADO-RS retrieval under concurrent load, `medveil serve` against
 * Orthanc from Debian with its DICOMweb plugin, both holding the same CR images (the ingest
 * benchmark's corpus). A closed-loop load generator in this process runs `--concurrency`
 * clients for a fixed count of requests per scenario: whole instances and first frames of the
 * 512x512 images, whole instances of the 2048x2048 ones. MedVeil is asked as a radiologist with a
 * care relationship for every patient (decision `full`), with a session token; Orthanc as its
 * HTTP basic user. Every answer is checked to hold the object asked for. Issue 4, acceptance 7:
 * MedVeil at least 0.8x Orthanc.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MedVeilError } from '../src/errors.js';
import { ensureIngestCorpus, type WorkloadName } from './ingest/ingest-corpus.js';
import { processCpuSeconds } from './ingest/process-cpu.js';
import { driveLoad, type LoadRequest } from './wado/drive-load.js';
import { formatWadoTable, requestsPerSecond, type WadoResult } from './wado/format-wado-table.js';
import { postToOrthanc } from './wado/load-objects.js';
import { DicomwebMissing, startMedveilForWado } from './wado/start-medveil-dicomweb.js';
import { missingOrthanc, startOrthanc } from './wado/start-orthanc.js';
import { ACCEPT, type Resource, wadoObjects, type WadoObject, wadoRequest } from './wado/wado-resources.js';

/** dist/bench/wado.js → the repository root. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVERS = ['orthanc', 'medveil'] as const;
type ServerKind = (typeof SERVERS)[number];

interface Scenario {
  /** For --scenarios. */
  readonly slug: string;
  readonly name: string;
  readonly workload: WorkloadName;
  readonly resource: Resource;
  /** Share of `--requests` (the large objects take 16x the bytes each). */
  readonly requestShare: number;
}

const SCENARIOS: readonly Scenario[] = [
  { slug: 'instance-512', name: 'instance, 512x512 CR', workload: 'cr-512', resource: 'instance', requestShare: 1 },
  { slug: 'frame-512', name: 'frame 1, 512x512 CR', workload: 'cr-512', resource: 'frame', requestShare: 1 },
  { slug: 'instance-2048', name: 'instance, 2048x2048 CR', workload: 'cr-2048', resource: 'instance', requestShare: 0.1 },
];

interface Flags {
  readonly concurrency: number;
  readonly requests: number;
  readonly rounds: number;
  readonly only: ReadonlySet<ServerKind>;
  readonly scenarios: readonly Scenario[];
  readonly profile: boolean;
  /** Keep both servers' data folders and logs (about 1 GB each) after the run. */
  readonly keepOutputs: boolean;
}

interface Target {
  readonly kind: ServerKind;
  readonly name: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly pid: number;
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const flags = parseFlags(argv);
  const log = (line: string): void => void process.stderr.write(`bench wado: ${line}\n`);
  const install = missingOrthanc();
  if (install !== undefined && flags.only.has('orthanc')) {
    throw new MedVeilError('io', 'the WADO-RS benchmark compares with Orthanc from Debian, which is not installed', { hint: `install it: ${install}` });
  }
  const medveilBin = join(ROOT, 'dist', 'src', 'cli', 'bin.js');
  const work = join(ROOT, 'bench', '.work', 'wado', `run-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const corpusRoot = join(ROOT, 'bench', '.corpus', 'ingest');
  const corpus = ensureIngestCorpus(corpusRoot, log);
  const objects = new Map<WorkloadName, WadoObject[]>();
  for (const name of new Set(flags.scenarios.map((s) => s.workload))) objects.set(name, wadoObjects(corpusRoot, corpus.workloads.find((w) => w.name === name)!));
  const all = [...objects.values()].flat();
  log(`${all.length} images to serve (${(all.reduce((sum, o) => sum + o.size, 0) / 1e6).toFixed(0)} MB)`);

  const targets: Target[] = [];
  const stops: (() => Promise<unknown>)[] = [];
  let medveilMissing: string | undefined;
  try {
    if (flags.only.has('orthanc')) {
      const orthanc = await startOrthanc(join(work, 'orthanc'));
      stops.push(orthanc.stop);
      log(`${orthanc.version}: loading through POST /instances`);
      await postToOrthanc({ url: orthanc.url, authorization: orthanc.authorization, corpusRoot, files: all.map((o) => o.file) });
      targets.push({ kind: 'orthanc', name: orthanc.version, url: orthanc.url, headers: { authorization: orthanc.authorization }, pid: orthanc.pid });
    }
    if (flags.only.has('medveil')) {
      try {
        log('medveil serve: loading through STOW-RS as a technician');
        const medveil = await startMedveilForWado({
          folder: join(work, 'medveil'),
          medveilBin,
          corpusRoot,
          files: all.map((o) => o.file),
          instances: all.map((o) => o.sopInstanceUid),
          ...(flags.profile ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', join(work, 'profiles')] } : {}),
        });
        stops.push(medveil.stop);
        targets.push({ kind: 'medveil', name: 'medveil serve', url: medveil.url, headers: { authorization: medveil.authorization }, pid: medveil.pid });
      } catch (error) {
        if (!(error instanceof DicomwebMissing)) throw error;
        medveilMissing = error.message;
        log(error.message);
      }
    }
    const loadAtStart = loadavg();
    const results: WadoResult[] = [];
    for (let round = 1; round <= flags.rounds; round++) {
      for (const scenario of flags.scenarios) {
        const order = round % 2 === 1 ? targets : [...targets].reverse();
        for (const target of order) {
          results.push(await measure(target, scenario, objects.get(scenario.workload)!, round, flags, log));
        }
      }
    }
    report(results, loadAtStart, flags, medveilMissing);
  } finally {
    for (const stop of stops) await stop();
    if (!flags.keepOutputs) {
      for (const server of SERVERS) rmSync(join(work, server), { recursive: true, force: true });
      if (!flags.profile) rmSync(work, { recursive: true, force: true });
    }
  }
}

async function measure(target: Target, scenario: Scenario, objects: readonly WadoObject[], round: number, flags: Flags, log: (line: string) => void): Promise<WadoResult> {
  const requests: LoadRequest[] = objects.map((o) => wadoRequest('/dicom-web', o, scenario.resource));
  const headers = { ...target.headers, accept: ACCEPT[scenario.resource] };
  // Warm-up: every object once, so both servers have read each at least once before timing.
  const warm = await driveLoad({ baseUrl: target.url, headers, requests, total: requests.length, concurrency: flags.concurrency });
  if (warm.failed > 0) log(`${target.kind}, ${scenario.name}: ${warm.failed} warm-up answers wrong, first: ${warm.firstFailure}`);
  const total = Math.max(requests.length, Math.round(flags.requests * scenario.requestShare));
  const loadAverage = loadavg()[0]!;
  const serverBefore = processCpuSeconds(target.pid);
  const clientBefore = process.cpuUsage();
  const load = await driveLoad({ baseUrl: target.url, headers, requests, total, concurrency: flags.concurrency });
  const client = process.cpuUsage(clientBefore);
  const serverAfter = processCpuSeconds(target.pid);
  const result: WadoResult = {
    scenario: scenario.name,
    server: target.name,
    kind: target.kind,
    round,
    concurrency: flags.concurrency,
    load,
    serverCpuSeconds: serverBefore === undefined || serverAfter === undefined ? undefined : serverAfter - serverBefore,
    clientCpuSeconds: (client.user + client.system) / 1e6,
    loadAverage,
  };
  log(`r${round} ${target.kind}, ${scenario.name}: ${requestsPerSecond(result).toFixed(0)} req/s, ${load.failed} failed${load.firstFailure === undefined ? '' : ` (first: ${load.firstFailure.slice(0, 160)})`}`);
  return result;
}

function parseFlags(argv: readonly string[]): Flags {
  const usage = 'npm run bench -- wado [--concurrency 16] [--requests 2000] [--rounds 1] [--only orthanc,medveil] [--scenarios instance-512,frame-512,instance-2048] [--profile] [--keep-outputs]';
  const known = new Set(['--concurrency', '--requests', '--rounds', '--only', '--scenarios', '--profile', '--keep-outputs']);
  for (let i = 0; i < argv.length; i++) {
    if (!known.has(argv[i]!)) throw new MedVeilError('usage', `unknown option ${argv[i]}`, { hint: usage });
    if (argv[i] !== '--profile' && argv[i] !== '--keep-outputs') i++;
  }
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at < 0 ? undefined : argv[at + 1];
  };
  const count = (name: string, fallback: number, max: number): number => {
    const text = value(name);
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new MedVeilError('usage', `${name} takes a whole number from 1 to ${max}`, { hint: usage });
    return n;
  };
  const onlyText = value('--only');
  const only = onlyText === undefined ? [...SERVERS] : onlyText.split(',');
  const unknown = only.filter((name) => !(SERVERS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new MedVeilError('usage', `--only: unknown ${unknown.join(', ')}`, { hint: `choose from ${SERVERS.join(', ')}` });
  const scenarioText = value('--scenarios');
  const scenarios = scenarioText === undefined ? SCENARIOS : scenarioText.split(',').map((slug) => {
    const found = SCENARIOS.find((scenario) => scenario.slug === slug);
    if (found === undefined) throw new MedVeilError('usage', `--scenarios: unknown ${slug}`, { hint: `choose from ${SCENARIOS.map((s) => s.slug).join(', ')}` });
    return found;
  });
  return {
    concurrency: count('--concurrency', 16, 256),
    requests: count('--requests', 2000, 1_000_000),
    rounds: count('--rounds', 1, 20),
    only: new Set(only as ServerKind[]),
    scenarios,
    profile: argv.includes('--profile'),
    keepOutputs: argv.includes('--keep-outputs'),
  };
}

function report(results: readonly WadoResult[], loadAtStart: readonly number[], flags: Flags, medveilMissing: string | undefined): void {
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(1)).join(' ');
  const lines = [
    '## WADO-RS benchmark',
    '',
    `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}; ` +
      `load average ${load(loadAtStart)} at start, ${load(loadavg())} at end; the load generator runs on the same cores as the server`,
    '',
    `- ${flags.concurrency} concurrent clients (keep-alive), closed loop; each scenario's requests cycle over its images; every object fetched once as a warm-up first`,
    `- Accept: instances \`${ACCEPT.instance}\` (the stored bytes), frames \`${ACCEPT.frame}\``,
    '- medveil: a radiologist with a care relationship for every patient (session token, decision full); Orthanc: HTTP basic user',
    '',
    formatWadoTable(results),
    '',
  ];
  if (medveilMissing !== undefined) lines.push(medveilMissing, 'goal: NOT MEASURED');
  else {
    const ratios = flags.scenarios.map((scenario) => {
      const of = (kind: ServerKind) => median(results.filter((r) => r.scenario === scenario.name && r.kind === kind && r.load.failed === 0).map(requestsPerSecond));
      return { name: scenario.name, ratio: of('medveil') / of('orthanc') };
    }).filter((r) => Number.isFinite(r.ratio));
    const failures = results.filter((r) => r.load.failed > 0);
    for (const r of failures) lines.push(`- ${r.server}, ${r.scenario}, round ${r.round}: ${r.load.failed} answers wrong; first: ${r.load.firstFailure}`);
    if (ratios.length > 0) {
      const met = ratios.every((r) => r.ratio >= 0.8) && failures.length === 0;
      const verdict = ratios.length < SCENARIOS.length ? 'not judged (every scenario must run)' : met ? 'MET' : 'MISSED';
      lines.push(`goal: medveil >= 0.80x Orthanc req/s (median of rounds) in every scenario: ${ratios.map((r) => `${r.name} ${r.ratio.toFixed(2)}x`).join(', ')}; ${verdict}`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    const hint = error instanceof MedVeilError && error.hint ? `\n  ${error.hint}` : '';
    process.stderr.write(`bench wado: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
    process.exitCode = 1;
  });
}
