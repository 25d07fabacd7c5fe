/**
 * `medveil serve` as a C-STORE receiver: a fresh data folder, storescu's calling AE title
 * registered in `dimse.peers` and mapped to a technician account of the radiology department,
 * made through the API after bootstrap. What it stored is read back from its audit log after it
 * has stopped.
 */
import { join } from 'node:path';
import { waitForEcho } from './dcmtk-process.js';
import { apiClient, provisionAccounts } from './provision-accounts.js';
import { readIngestEvents } from './read-ingest-events.js';
import type { Receiver } from './receiver.js';
import { startMedveilServe } from './start-medveil-serve.js';

export const MODALITY_ACCOUNT = 'bench-modality';

export async function startMedveilReceiver(options: { folder: string; medveilBin: string; callingAe: string; nodeArgs?: readonly string[] }): Promise<Receiver> {
  const server = await startMedveilServe({
    folder: options.folder,
    medveilBin: options.medveilBin,
    dimsePeers: [{ aeTitle: options.callingAe, user: MODALITY_ACCOUNT }],
    ...(options.nodeArgs === undefined ? {} : { nodeArgs: options.nodeArgs }),
  });
  try {
    await provisionAccounts(apiClient(server.url), {
      bootstrapCode: server.bootstrapCode,
      departments: ['radiology'],
      users: [{ userName: MODALITY_ACCOUNT, roles: ['technician'], departments: ['radiology'] }],
    });
    await waitForEcho({ port: server.dimsePort, calledAe: server.dimseAeTitle, callingAe: options.callingAe, logFile: join(options.folder, 'echoscu.log'), stillRunning: () => true, attempts: 50 });
  } catch (error) {
    await server.stop();
    throw error;
  }
  let exitStatus: number | undefined;
  return {
    name: 'medveil serve',
    aeTitle: server.dimseAeTitle,
    port: server.dimsePort,
    pid: server.pid,
    stop: async () => void (exitStatus = await server.stop()),
    storedInstances: async () => {
      const record = readIngestEvents(options.medveilBin, server.dataDir, 'c-store');
      const notes = [
        `audit log ${record.logVerifies ? 'verifies' : 'DOES NOT VERIFY'} with its public key`,
        ...(record.refused > 0 ? [`${record.refused} ingests refused`] : []),
        ...(record.unchanged > 0 ? [`${record.unchanged} re-sends found unchanged`] : []),
        ...(exitStatus !== 0 ? [`serve exited with ${exitStatus}`] : []),
      ];
      return { instances: record.stored, notes, trustworthy: record.logVerifies && exitStatus === 0 };
    },
  };
}
