import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface QuarantineReason {
  /** The quarantined copy's name inside the quarantine folder. */
  readonly file: string;
  /** The input's path relative to the input root. */
  readonly input: string;
  readonly reason: string;
}

/** The lines of a `medveil deid` quarantine's `reasons.jsonl`; none when there is no quarantine. */
export function readQuarantineReasons(quarantine: string): QuarantineReason[] {
  const path = join(quarantine, 'reasons.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as QuarantineReason);
}
