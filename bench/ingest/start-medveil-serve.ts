/**
 * `medveil serve` as a user runs it: its own process, a config file written for the run, a fresh
 * data folder, its output to a log file. The benchmark reads the HTTP address and the one-time
 * bootstrap code from that output, as docs/server.md tells an administrator to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MedVeilError } from '../../src/errors.js';
import { freePort } from './free-port.js';

export interface DimsePeerConfig {
  readonly aeTitle: string;
  readonly user: string;
}

export interface MedveilServeOptions {
  /** Folder of the run: the config, the data folder and the log go in it. */
  readonly folder: string;
  /** The compiled `medveil` entry point. */
  readonly medveilBin: string;
  /** DIMSE peers (`dimse.peers`): calling AE titles and the accounts they act as. */
  readonly dimsePeers?: readonly DimsePeerConfig[];
  /** Extra options for node, such as `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** Working directory of the server (where `--cpu-prof` writes its profile). */
  readonly cwd?: string;
}

export interface MedveilServe {
  readonly url: string;
  readonly dimsePort: number;
  readonly dimseAeTitle: string;
  readonly dataDir: string;
  readonly pid: number;
  /** The bootstrap code printed at first start. */
  readonly bootstrapCode: string;
  readonly logFile: string;
  /** SIGTERM, then the exit status once the server has signed its last checkpoint and stopped. */
  stop(): Promise<number>;
}

export const MEDVEIL_AE_TITLE = 'MEDVEIL';

/** Start-up guard: a server that prints no address within this time is reported, not waited for. */
const START_GUARD_MS = 120_000;

export async function startMedveilServe(options: MedveilServeOptions): Promise<MedveilServe> {
  mkdirSync(options.folder, { recursive: true });
  const dimsePort = await freePort();
  const config = {
    dataDir: './data',
    http: { host: '127.0.0.1', port: 0 },
    dimse: {
      host: '127.0.0.1',
      port: dimsePort,
      aeTitle: MEDVEIL_AE_TITLE,
      ...(options.dimsePeers === undefined ? {} : { peers: options.dimsePeers }),
    },
    // Long enough that no session of the benchmark's users expires during a run.
    sessions: { lifetimeMinutes: 120 },
    audit: { origin: 'bench.medveil.test/audit' },
  };
  const configFile = join(options.folder, 'gateway.json');
  writeFileSync(configFile, `${JSON.stringify(config, null, 1)}\n`);
  const logFile = join(options.folder, 'serve.log');
  const log = openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.medveilBin, 'serve', '--config', configFile], {
      stdio: ['ignore', log, log],
      cwd: options.cwd ?? options.folder,
    });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code) => resolve(code ?? -1));
    child.once('error', () => resolve(-1));
  });
  const stop = async (): Promise<number> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  try {
    const output = await waitForOutput(logFile, /^ {4}([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})$/m, () => child.exitCode !== null);
    const url = /listening on (http:\/\/\S+) /.exec(output)?.[1];
    if (url === undefined) throw new MedVeilError('io', `medveil serve printed a bootstrap code but no address; see ${logFile}`);
    return {
      url,
      dimsePort,
      dimseAeTitle: MEDVEIL_AE_TITLE,
      dataDir: join(options.folder, 'data'),
      pid: child.pid!,
      bootstrapCode: /^ {4}([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})$/m.exec(output)![1]!,
      logFile,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The log's text once `pattern` appears in it; fails when the server exits first or hangs. */
async function waitForOutput(logFile: string, pattern: RegExp, exited: () => boolean): Promise<string> {
  const deadline = performance.now() + START_GUARD_MS;
  for (;;) {
    const text = readFileSync(logFile, 'utf8');
    if (pattern.test(text)) return text;
    if (exited()) {
      const said = text.trim().split('\n').filter((line) => line.trim() !== '').slice(-3).join(' / ');
      throw new MedVeilError('io', `medveil serve stopped during start-up: ${said}`);
    }
    if (performance.now() > deadline) throw new MedVeilError('io', `medveil serve printed no bootstrap code within ${START_GUARD_MS / 1000} s; see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
