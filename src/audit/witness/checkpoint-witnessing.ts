import type { CheckpointWitnessing } from '../log/audit-log.js';
import type { AuditStore } from '../../storage/audit-store.js';
import { lastCosignedSizes } from './last-cosigned-sizes.js';
import { witnessCheckpoint, type WitnessEndpoint } from './witness-client.js';

/**
 * How a running log has its checkpoints cosigned (`audit.witnesses`, docs/audit.md): each new
 * checkpoint goes to every witness, starting from the size that witness last cosigned, as
 * `medveil audit checkpoint --witness` does it by hand.
 */
export function checkpointWitnessing(store: Pick<AuditStore, 'checkpoints' | 'cosignatures'>, witnesses: readonly WitnessEndpoint[]): CheckpointWitnessing {
  return async (request) => witnessCheckpoint({ ...request, witnesses: [...witnesses], knownSizes: await lastCosignedSizes(store, witnesses) });
}
