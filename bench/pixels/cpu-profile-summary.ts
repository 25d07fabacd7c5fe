/**
 * The functions that took the most CPU in V8 profiles (`node --cpu-prof`, one `.cpuprofile` per
 * thread: nodes with a call frame, samples naming a node, and the microseconds before each
 * sample), by self time summed over every profile in a folder. Idle time is left out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfile {
  readonly nodes: readonly { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  /** `function file:line`, the file as its last two path segments. */
  readonly where: string;
  readonly ms: number;
  /** Share of the busy (not idle) time, 0..1. */
  readonly share: number;
}

export function topSelfTime(folder: string, count: number): ProfileLine[] {
  const self = new Map<string, number>();
  let busy = 0;
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(folder, name), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id);
      if (frame === undefined || frame.functionName === '(idle)') return;
      const where = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
      const us = profile.timeDeltas[i] ?? 0;
      self.set(where, (self.get(where) ?? 0) + us);
      busy += us;
    });
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, count).map(([where, us]) => ({ where, ms: us / 1000, share: busy === 0 ? 0 : us / busy }));
}
