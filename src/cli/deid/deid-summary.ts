import { DEID_ACTIONS, type DeidAction } from '../../deid/deid-report.js';
import type { DeidOutcome } from './deid-task.js';

/** One JSON line per quarantined file in the quarantine folder: `{ file, input, reason }`. */
export const QUARANTINE_REASONS = 'reasons.jsonl';

/** Running totals of a `medveil deid` run; carries counts and reasons, never a value read from a file. */
export class DeidSummary {
  written = 0;
  quarantined = 0;
  skipped = 0;
  bytesIn = 0;
  bytesOut = 0;
  warnings = 0;
  readonly actions = new Map<DeidAction, number>();
  readonly quarantineReasons = new Map<string, number>();
  readonly skipReasons = new Map<string, number>();
  /** action → keyword → files in which that attribute got that action. */
  readonly explained = new Map<DeidAction, Map<string, number>>();
  private readonly started = performance.now();

  add(outcome: DeidOutcome): void {
    this.bytesIn += outcome.bytesIn;
    if (outcome.kind === 'written') {
      this.written++;
      this.bytesOut += outcome.bytesOut;
      this.warnings += outcome.warnings;
      for (const [action, count] of Object.entries(outcome.actions) as [DeidAction, number][]) {
        this.actions.set(action, (this.actions.get(action) ?? 0) + count);
      }
      for (const [keyword, action] of outcome.keywords) {
        if (!this.explained.has(action)) this.explained.set(action, new Map());
        bump(this.explained.get(action)!, keyword);
      }
    } else if (outcome.kind === 'quarantined') {
      this.quarantined++;
      bump(this.quarantineReasons, reasonKind(outcome.reason));
    } else {
      this.skip(outcome.reason);
    }
  }

  skip(reason: string): void {
    this.skipped++;
    bump(this.skipReasons, reason);
  }

  get files(): number {
    return this.written + this.quarantined + this.skipped;
  }

  get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  format(where: { outputRoot: string; quarantineRoot: string }): string {
    const seconds = Math.max(this.seconds, 1e-6);
    const lines = [
      `de-identified ${this.written} file(s) into ${where.outputRoot} in ${seconds.toFixed(1)} s ` +
        `(${(this.files / seconds).toFixed(1)} files/s, ${(this.bytesIn / 1e6 / seconds).toFixed(1)} MB/s)`,
    ];
    if (this.actions.size > 0) {
      const parts = [...this.actions].sort(([a], [b]) => (a < b ? -1 : 1)).map(([action, count]) => `${action} ${count}`);
      lines.push(`  elements: ${parts.join(', ')}`);
    }
    for (const action of DEID_ACTIONS) {
      const keywords = this.explained.get(action);
      if (!keywords || action === 'kept') continue;
      lines.push(`  ${action} (${keywords.size} attributes): ${[...keywords.keys()].sort().join(', ')}`);
    }
    if (this.warnings > 0) lines.push(`  warnings: ${this.warnings} (see --report for each file)`);
    for (const [reason, count] of this.skipReasons) lines.push(`  skipped ${count}: ${reason}`);
    if (this.quarantined > 0) {
      lines.push(`quarantined ${this.quarantined} file(s) in ${where.quarantineRoot} (why: ${QUARANTINE_REASONS} there):`);
      for (const [reason, count] of [...this.quarantineReasons].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
        lines.push(`  ${count} × ${reason}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}

/** Groups reasons that differ only in offsets, lengths and byte dumps (the quarantine's reasons file has each one whole). */
function reasonKind(reason: string): string {
  return reason
    .replace(/at byte \d+/g, 'at byte N')
    .replace(/\d+ bytes/g, 'N bytes')
    .replace(/only \d+ remain/g, 'only N remain')
    .replace(/\([0-9a-f]{16}\)/g, '(…)');
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
