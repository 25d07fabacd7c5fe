/**
 * The C-STORE sub-operations of a C-GET or C-MOVE (PS3.4 C.4.2.3, C.4.3.3): one per match,
 * in order, counted as completed, warning or failed; stopped by a C-CANCEL. The final status
 * follows PS3.4 C.4.2.1.5 and C.4.3.1.4: Success when every sub-operation succeeded, Cancel
 * when cancelled, 0xA702 when all failed, else 0xB000 (one or more failures or warnings).
 */
import type { RetrieveMatch, RetrievePlan } from './dimse-handlers.js';
import { DimseStatus, statusCategory } from './dimse-status.js';

export interface SubOperationCounts {
  readonly remaining: number;
  readonly completed: number;
  readonly failed: number;
  readonly warning: number;
}

export interface RetrieveOutcome {
  readonly status: number;
  readonly counts: SubOperationCounts;
  /** For the Failed SOP Instance UID List (0008,0058): failed, and on cancel also never attempted. */
  readonly failedSopInstanceUids: readonly string[];
}

export interface SubOperationRunner {
  readonly signal: AbortSignal;
  /** Sends one instance; resolves with the peer's C-STORE status. A throw counts as a failure. */
  store(match: RetrieveMatch, dataSet: readonly Uint8Array[]): Promise<number>;
  /** Called after each sub-operation but the last, for a Pending response. */
  progress(counts: SubOperationCounts): Promise<void>;
  /** Receives the error of a failed sub-operation, for logs. */
  failed?(match: RetrieveMatch, error: unknown): void;
}

export async function runSubOperations(plan: RetrievePlan, runner: SubOperationRunner): Promise<RetrieveOutcome> {
  const total = plan.matches.length;
  let completed = 0;
  let failed = 0;
  let warning = 0;
  const failedUids: string[] = [];
  let index = 0;
  for (; index < total; index++) {
    if (runner.signal.aborted) break;
    const match = plan.matches[index]!;
    try {
      const bytes = await plan.read(match);
      const status = await runner.store(match, bytes instanceof Uint8Array ? [bytes] : bytes);
      const category = statusCategory(status);
      if (category === 'success') completed++;
      else if (category === 'warning') warning++;
      else {
        failed++;
        failedUids.push(match.sopInstanceUid);
      }
    } catch (error) {
      failed++;
      failedUids.push(match.sopInstanceUid);
      runner.failed?.(match, error);
    }
    const remaining = total - index - 1;
    if (remaining > 0 && !runner.signal.aborted) await runner.progress({ remaining, completed, failed, warning });
  }
  const remaining = total - index;
  if (remaining > 0) {
    for (const match of plan.matches.slice(index)) failedUids.push(match.sopInstanceUid);
    return { status: DimseStatus.Cancel, counts: { remaining, completed, failed, warning }, failedSopInstanceUids: failedUids };
  }
  let status: number = DimseStatus.Success;
  if (failed > 0 && completed === 0 && warning === 0) status = DimseStatus.RefusedOutOfResourcesUnableToPerformSubOperations;
  else if (failed > 0 || warning > 0) status = DimseStatus.WarningSubOperationsCompleteOneOrMoreFailures;
  return { status, counts: { remaining: 0, completed, failed, warning }, failedSopInstanceUids: failedUids };
}
