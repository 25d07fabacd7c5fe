/**
 * dcmtk's `storescp`, the baseline receiver: every transfer syntax it knows accepted (`+xa`),
 * files written to a fresh folder in its default (normal) mode, with TCP_NODELAY=1. With
 * `fork`, one child process per association (`--fork`): a plain storescp serves one association
 * at a time, so concurrent senders would queue behind each other.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { exitOf, spawnDcmtk, waitForEcho } from './dcmtk-process.js';
import type { Receiver } from './receiver.js';
import { listFiles } from '../deid/list-files.js';

export const STORESCP_AE_TITLE = 'STORESCP';

export async function startStorescp(options: { folder: string; fork: boolean; callingAe: string }): Promise<Receiver> {
  const outputDir = join(options.folder, 'received');
  mkdirSync(outputDir, { recursive: true });
  const port = await freePort();
  const args = ['-aet', STORESCP_AE_TITLE, '-od', outputDir, '+xa', ...(options.fork ? ['--fork'] : []), String(port)];
  const child = spawnDcmtk('storescp', args, join(options.folder, 'storescp.log'));
  const exited = exitOf(child, 'storescp');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited.catch(() => undefined);
  };
  try {
    await waitForEcho({ port, calledAe: STORESCP_AE_TITLE, callingAe: options.callingAe, logFile: join(options.folder, 'echoscu.log'), stillRunning: () => child.exitCode === null });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name: options.fork ? 'dcmtk storescp --fork' : 'dcmtk storescp',
    aeTitle: STORESCP_AE_TITLE,
    port,
    pid: child.pid!,
    stop,
    // storescp names each file <modality or SOP class abbreviation>.<SOP Instance UID>.
    storedInstances: async () => ({ instances: new Set(listFiles(outputDir).map((name) => name.slice(name.indexOf('.') + 1))), notes: [], trustworthy: true }),
  };
}
