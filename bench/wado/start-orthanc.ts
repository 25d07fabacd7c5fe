/**
 * Orthanc from Debian (`orthanc`, `orthanc-dicomweb`) as this benchmark's own process: a config
 * written for the run (its own HTTP and DICOM ports on loopback, storage and index in the run's
 * folder, the DICOMweb plugin, HTTP basic authentication with one user), otherwise Orthanc's own
 * defaults (keep-alive, 50 HTTP threads, its storage cache). Nothing is installed here: a
 * missing package is reported with the command that installs it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MedVeilError } from '../../src/errors.js';
import { freePort } from '../ingest/free-port.js';

/** A file a Debian package installed whose name ends with `suffix`, as `dpkg -L` lists it; undefined when the package is not installed. */
function packageFile(pkg: string, suffix: string): string | undefined {
  const listed = spawnSync('dpkg', ['-L', pkg], { encoding: 'utf8' });
  if (listed.status !== 0) return undefined;
  return listed.stdout.split('\n').find((line) => line.endsWith(suffix) && existsSync(line));
}

/** Orthanc's server binary (Debian `orthanc`) and its DICOMweb plugin (Debian `orthanc-dicomweb`). */
const orthancFiles = (): { binary: string | undefined; plugin: string | undefined } => ({
  binary: packageFile('orthanc', '/Orthanc'),
  plugin: packageFile('orthanc-dicomweb', '/libOrthancDicomWeb.so'),
});

export interface RunningOrthanc {
  readonly url: string;
  /** `Authorization` header value of the run's user. */
  readonly authorization: string;
  readonly pid: number;
  readonly version: string;
  stop(): Promise<void>;
}

/** The Debian packages when missing, as the command to run; undefined when both are there. */
export function missingOrthanc(): string | undefined {
  const files = orthancFiles();
  const missing = [
    ...(files.binary === undefined ? ['orthanc'] : []),
    ...(files.plugin === undefined ? ['orthanc-dicomweb'] : []),
  ];
  return missing.length === 0 ? undefined : `apt-get install ${missing.join(' ')}`;
}

export async function startOrthanc(folder: string): Promise<RunningOrthanc> {
  const install = missingOrthanc();
  if (install !== undefined) throw new MedVeilError('io', 'Orthanc or its DICOMweb plugin is not installed', { hint: install });
  const files = orthancFiles();
  mkdirSync(folder, { recursive: true });
  const [httpPort, dicomPort] = [await freePort(), await freePort()];
  const password = randomBytes(18).toString('base64url');
  const config = {
    Name: 'MEDVEIL-BENCH',
    StorageDirectory: join(folder, 'storage'),
    IndexDirectory: join(folder, 'index'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: 'ORTHANC',
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { bench: password },
    KeepAlive: true,
    Plugins: [files.plugin!],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: true },
  };
  const configFile = join(folder, 'orthanc.json');
  writeFileSync(configFile, JSON.stringify(config, null, 1));
  const logFile = join(folder, 'orthanc.log');
  const log = openSync(logFile, 'w');
  const child = (() => {
    try {
      return spawn(files.binary!, [configFile], { stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
  })();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const url = `http://127.0.0.1:${httpPort}`;
  const authorization = `Basic ${Buffer.from(`bench:${password}`).toString('base64')}`;
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/system`, { headers: { authorization } });
      if (response.ok) {
        const system = (await response.json()) as { Version?: string };
        const plugins = (await (await fetch(`${url}/plugins`, { headers: { authorization } })).json()) as string[];
        if (!plugins.includes('dicom-web')) throw new MedVeilError('io', `Orthanc started without its DICOMweb plugin; see ${logFile}`);
        return { url, authorization, pid: child.pid!, version: `Orthanc ${system.Version ?? '?'}, DICOMweb plugin ${pluginVersion()}`, stop };
      }
    } catch (error) {
      if (error instanceof MedVeilError) {
        await stop();
        throw error;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new MedVeilError('io', `Orthanc did not start: ${readFileSync(logFile, 'utf8').slice(-1500)}`);
}

function pluginVersion(): string {
  const query = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'orthanc-dicomweb'], { encoding: 'utf8' });
  return query.status === 0 ? query.stdout.trim() : 'unknown';
}
