import type { CheckpointWitnessing } from '../log/audit-log.js';
import type { AuditStore } from '../../storage/audit-store.js';
import { lastCosignedSizes } from './last-cosigned-sizes.js';
import { witnessCheckpoint, type WitnessEndpoint } from './witness-client.js';

/**
 * How a running log has its checkpoints cosigned (`audit.witnesses`, docs/audit.md): each new
 * checkpoint goes to every witness, starting from the size that witness last cosigned, as
 * `medveil audit checkpoint --witness` does it by hand. The sizes are read from the stored
 * cosignatures once, at the first submission, and then kept from what each submission learns,
 * rather than scanning every stored checkpoint again every few minutes.
 */
export function checkpointWitnessing(store: Pick<AuditStore, 'checkpoints' | 'cosignatures'>, witnesses: readonly WitnessEndpoint[]): CheckpointWitnessing {
  let knownSizes: Map<string, number> | undefined;
  return async (request) => {
    knownSizes ??= await lastCosignedSizes(store, witnesses);
    const result = await witnessCheckpoint({ ...request, witnesses: [...witnesses], knownSizes });
    for (const [url, size] of result.witnessSizes) knownSizes.set(url, size);
    return result;
  };
}
