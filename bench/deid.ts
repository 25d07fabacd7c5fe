/**
 * `npm run bench -- deid [--small] [--keep-outputs] [--only <tools>]`: `medveil deid` against
 * `cp -r` and the de-identifiers people use (GDCM's gdcmanon, the dcmjs anonymizer) on one mixed
 * corpus, in one run: wall time, files/s, MB/s, the ratio to `cp`, peak memory, files written and
 * failed, and how many planted identifiers each leaves behind. Issue 2, acceptance 6: medveil at
 * least 0.8x the MB/s of `cp -r` on 2 cores, ahead of every peer while doing the whole profile,
 * and under 300 MB of peak memory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MedVeilError } from '../src/errors.js';
import { CORPUS_PLANS, corpusInput, ensureCorpus, type CorpusManifest } from './deid/build-corpus.js';
import { countSurvivingTokens } from './deid/count-surviving-tokens.js';
import { formatResultsTable, formatSurvivingPlaces, type PeerResult } from './deid/format-results.js';
import { listFiles } from './deid/list-files.js';
import { measureCommand } from './deid/measure-command.js';
import { GDCMANON_DRIVER, PEERS, type Peer, type PeerContext } from './deid/peers.js';

/** dist/bench/deid.js → the repository root. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Flags {
  readonly small: boolean;
  readonly keepOutputs: boolean;
  /** Tools to run (slugs such as `cp-r`, `medveil-deid`); all when undefined. */
  readonly only: ReadonlySet<string> | undefined;
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const flags = parseFlags(argv);
  const log = (line: string): void => void process.stderr.write(`bench deid: ${line}\n`);
  // One folder per run: two runs at once must not delete each other's outputs or key.
  const work = join(ROOT, 'bench', '.work', 'deid', `run-${process.pid}`);
  mkdirSync(work, { recursive: true });
  requireTools();

  const small = ensureCorpus(join(ROOT, 'bench', '.corpus', 'deid-small'), CORPUS_PLANS.small, log);
  const fullRoot = join(ROOT, 'bench', '.corpus', 'deid-full');
  const full = flags.small ? undefined : ensureCorpus(fullRoot, CORPUS_PLANS.full, log);
  const context = prepareContext(work);

  const smallInput = corpusInput(join(ROOT, 'bench', '.corpus', 'deid-small'));
  if (!full) {
    report(runAll(smallInput, small, work, context, 'small', flags), small, 'small');
    return;
  }
  // Every tool once on the small corpus's CR studies first: binaries and Node's code caches are
  // then as warm for the first measured tool as for the last. (Not on its pydicom part: dcmjs
  // takes minutes on three of those files.)
  log('warm-up: every tool once on the CR studies of the small corpus');
  runAll(join(smallInput, 'cr'), small, work, context, 'warm-up', flags);
  log('reading the full corpus once, so that every tool finds it in the page cache');
  readEverything(corpusInput(fullRoot));
  const results = runAll(corpusInput(fullRoot), full, work, context, 'full', flags);
  report(results, full, 'full');
  // The CR studies alone: 98% of the bytes, files every tool can read, no restarts of gdcmanon.
  const crFiles = listFiles(join(corpusInput(fullRoot), 'cr')).length;
  const crOnly: CorpusManifest = {
    ...full,
    files: crFiles,
    bytes: full.synthetic.bytes,
    pydicom: { sources: 0, copies: 0, files: 0, bytes: 0 },
    conversions: {},
  };
  report(runAll(join(corpusInput(fullRoot), 'cr'), crOnly, work, context, 'full-cr', flags), crOnly, 'CR studies of the full');
}

function parseFlags(argv: readonly string[]): Flags {
  const usage = 'npm run bench -- deid [--small] [--keep-outputs] [--only cp-r,medveil-deid,...]';
  let only: Set<string> | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--small' || arg === '--keep-outputs') continue;
    if (arg === '--only' && argv[i + 1] !== undefined) {
      only = new Set(argv[++i]!.split(','));
      const known = PEERS.map((peer) => slug(peer.name));
      const unknown = [...only].filter((name) => !known.includes(name));
      if (unknown.length > 0) throw new MedVeilError('usage', `unknown tool ${unknown.join(', ')}`, { hint: `choose from ${known.join(', ')}` });
      continue;
    }
    throw new MedVeilError('usage', `unknown option ${arg}`, { hint: usage });
  }
  return { small: argv.includes('--small'), keepOutputs: argv.includes('--keep-outputs'), only };
}

function requireTools(): void {
  const needs: [string, string][] = [
    ['gdcmanon', 'libgdcm-tools'],
    ['dcmconv', 'dcmtk'],
    ['openssl', 'openssl'],
    ['grep', 'grep'],
  ];
  for (const [tool, pkg] of needs) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      throw new MedVeilError('io', `${tool} is not installed`, { hint: `apt-get install ${pkg}` });
    }
  }
}

/** A pseudonym key and a throwaway certificate, both made for this run only. */
function prepareContext(work: string): PeerContext {
  const medveilBin = join(ROOT, 'dist', 'src', 'cli', 'bin.js');
  const dcmjsScript = join(ROOT, 'dist', 'bench', 'deid', 'dcmjs-anonymize.js');
  for (const path of [medveilBin, dcmjsScript]) {
    if (!existsSync(path)) throw new MedVeilError('io', `${path} is missing`, { hint: 'run `npm run bench -- deid`, which compiles first' });
  }
  const keyFile = join(work, 'bench.key');
  rmSync(keyFile, { force: true });
  const keygen = spawnSync(process.execPath, [medveilBin, 'keygen', '--out', keyFile], { encoding: 'utf8' });
  if (keygen.status !== 0) throw new MedVeilError('key', `medveil keygen failed: ${keygen.stderr}`);
  const certificate = join(work, 'gdcmanon-cert.pem');
  const cert = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=medveil-bench',
    '-keyout', join(work, 'gdcmanon-key.pem'), '-out', certificate,
  ], { encoding: 'utf8' });
  if (cert.status !== 0) throw new MedVeilError('crypto', `openssl could not make the bench certificate: ${cert.stderr}`);
  const gdcmanonDriver = join(work, 'gdcmanon-driver.sh');
  writeFileSync(gdcmanonDriver, GDCMANON_DRIVER);
  return { medveilBin, keyFile, certificate, dcmjsScript, gdcmanonDriver };
}

function runAll(input: string, corpus: CorpusManifest, work: string, context: PeerContext, label: string, flags: Flags): PeerResult[] {
  const logs = join(work, 'logs');
  mkdirSync(logs, { recursive: true });
  return PEERS.filter((peer) => !flags.only || flags.only.has(slug(peer.name))).map((peer) =>
    runPeer(peer, input, corpus, work, context, `${label}-${slug(peer.name)}`, flags),
  );
}

function runPeer(peer: Peer, input: string, corpus: CorpusManifest, work: string, context: PeerContext, label: string, flags: Flags): PeerResult {
  const output = join(work, 'out', label);
  removeOutput(output);
  mkdirSync(dirname(output), { recursive: true });
  // Write-back of the previous tool's output must not be charged to this one.
  spawnSync('sync');
  const { command, args } = peer.command(input, output, context);
  const run = measureCommand(command, args, join(work, 'logs'), label);
  const outputFiles = listFiles(output).length;
  const surviving = countSurvivingTokens(output, corpus.tokens, work);
  const result: PeerResult = {
    name: peer.name,
    does: peer.does,
    seconds: run.seconds,
    peakRssBytes: run.peakRssBytes,
    exitStatus: run.status,
    claimedWritten: peer.claimedWritten?.(run),
    outputFiles,
    failed: peer.failures(run),
    surviving,
    summary: peer.summary?.(run) ?? [],
  };
  process.stderr.write(`bench deid: ${label}: ${run.seconds.toFixed(2)} s, ${(run.peakRssBytes / 1e6).toFixed(0)} MB peak, ${outputFiles} files out, exit ${run.status}\n`);
  if (!flags.keepOutputs) removeOutput(output);
  return result;
}

function removeOutput(output: string): void {
  rmSync(output, { recursive: true, force: true });
  rmSync(`${output}.quarantine`, { recursive: true, force: true });
}

function readEverything(root: string): void {
  for (const path of listFiles(root)) readFileSync(join(root, path));
}

function report(results: readonly PeerResult[], corpus: CorpusManifest, label: string): void {
  const medveil = results.find((r) => r.name === 'medveil deid');
  const cp = results.find((r) => r.name === 'cp -r');
  const lines = [
    `## deid benchmark (${label} corpus)`,
    '',
    machineFacts(),
    '',
    `corpus: ${corpus.files} files, ${(corpus.bytes / 1e9).toFixed(3)} GB; synthetic CR/SR ${corpus.synthetic.files} files ` +
      `(${(corpus.synthetic.bytes / 1e9).toFixed(3)} GB, ${corpus.tokens.length} distinct planted identifiers); ` +
      `pydicom ${corpus.pydicom.sources} sources, ${corpus.pydicom.copies} copies, ${corpus.pydicom.files} files; ` +
      `dcmconv rewrites ${Object.entries(corpus.conversions).map(([s, c]) => `${s} ${c.made} made / ${c.refused} refused`).join(', ') || 'none'}`,
    '',
    formatResultsTable(results, corpus),
    '',
    'planted identifiers left, by place:',
    formatSurvivingPlaces(results),
    '',
    ...results.map((r) => `- ${r.name}: ${r.does}`),
    '',
    ...results.filter((r) => r.summary.length > 0).flatMap((r) => [`${r.name} says:`, '```', ...r.summary, '```']),
  ];
  if (medveil && cp) {
    const ratio = cp.seconds / medveil.seconds;
    const peers = results.filter((r) => r !== medveil && r !== cp);
    const slowerPeers = peers.filter((r) => r.seconds < medveil.seconds).map((r) => r.name);
    lines.push(
      '',
      `goal: medveil >= 0.80x cp MB/s: ${ratio.toFixed(2)}x ${ratio >= 0.8 ? 'MET' : 'MISSED'}; ` +
        `ahead of every peer: ${slowerPeers.length === 0 ? 'MET' : `MISSED (faster: ${slowerPeers.join(', ')})`}; ` +
        `peak memory < 300 MB: ${(medveil.peakRssBytes / 1e6).toFixed(0)} MB ${medveil.peakRssBytes < 300e6 ? 'MET' : 'MISSED'}; ` +
        `planted identifiers left: ${medveil.surviving.total}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function machineFacts(): string {
  const gdcm = spawnSync('gdcmanon', ['--version'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  const dcmjs = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'dcmjs', 'package.json'), 'utf8')) as { version: string }).version;
  return `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, ` +
    `Node ${process.version}; ${gdcm}; dcmjs ${dcmjs}`;
}

function slug(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    const hint = error instanceof MedVeilError && error.hint ? `\n  ${error.hint}` : '';
    process.stderr.write(`bench deid: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
    process.exitCode = 1;
  });
}
