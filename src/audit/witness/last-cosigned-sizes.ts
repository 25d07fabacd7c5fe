import type { AuditStore } from '../../storage/audit-store.js';
import type { WitnessEndpoint } from './witness-client.js';

/**
 * The size each witness last cosigned, from the cosignatures stored with our checkpoints, to send
 * as `old` and save the 409 round trip; a witness that moved on still answers 409 with its size.
 */
export async function lastCosignedSizes(store: Pick<AuditStore, 'checkpoints' | 'cosignatures'>, witnesses: readonly WitnessEndpoint[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const checkpoints = (await store.checkpoints()).reverse();
  for (const witness of witnesses) {
    for (const checkpoint of checkpoints) {
      if ((await store.cosignatures(checkpoint.size)).some((c) => c.witness === witness.verifier.name)) {
        sizes.set(witness.url, checkpoint.size);
        break;
      }
    }
  }
  return sizes;
}
