/**
 * The results table of the de-identification benchmark, as Markdown (it is pasted into
 * docs/benchmarks.md as printed).
 */
import type { SurvivingTokens } from './count-surviving-tokens.js';
import { TIMED_OUT_STATUS } from './measure-command.js';

export interface PeerResult {
  readonly name: string;
  readonly does: string;
  readonly seconds: number;
  readonly peakRssBytes: number;
  readonly exitStatus: number;
  /** Files the tool says it wrote (undefined when it does not say). */
  readonly claimedWritten: number | undefined;
  readonly outputFiles: number;
  readonly failed: number;
  readonly surviving: SurvivingTokens;
  readonly summary: readonly string[];
}

export interface CorpusFacts {
  readonly files: number;
  readonly bytes: number;
}

export function formatResultsTable(results: readonly PeerResult[], corpus: CorpusFacts): string {
  const baseline = results.find((r) => r.name === 'cp -r');
  const header = ['tool', 'wall s', 'files/s', 'MB/s', 'x cp', 'peak RSS MB', 'written', 'files out', 'failed', 'exit', 'planted ids left (bytes / paths / any)'];
  const rows = results.map((r) => {
    const mbps = corpus.bytes / 1e6 / r.seconds;
    const ratio = baseline ? baseline.seconds / r.seconds : NaN;
    return [
      r.name,
      r.seconds.toFixed(2),
      (corpus.files / r.seconds).toFixed(0),
      mbps.toFixed(0),
      ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2),
      (r.peakRssBytes / 1e6).toFixed(0),
      r.claimedWritten === undefined ? '-' : String(r.claimedWritten),
      String(r.outputFiles),
      Number.isNaN(r.failed) ? '?' : String(r.failed),
      r.exitStatus === TIMED_OUT_STATUS ? 'timed out' : String(r.exitStatus),
      `${r.surviving.inBytes} / ${r.surviving.inPaths} / ${r.surviving.total} of ${r.surviving.planted}`,
    ];
  });
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Where each tool's surviving identifiers were planted, most frequent first. */
export function formatSurvivingPlaces(results: readonly PeerResult[], limit = 12): string {
  const lines: string[] = [];
  for (const r of results) {
    const places = [...r.surviving.places].sort((a, b) => b[1] - a[1]);
    if (places.length === 0) {
      lines.push(`- ${r.name}: none`);
      continue;
    }
    const shown = places.slice(0, limit).map(([place, count]) => `${place} (${count})`);
    const more = places.length > limit ? `, and ${places.length - limit} more places` : '';
    lines.push(`- ${r.name}: ${shown.join(', ')}${more}`);
  }
  return lines.join('\n');
}
