/**
 * The results table of the WADO-RS benchmark, as Markdown (pasted into docs/benchmarks.md as
 * printed). The ratio compares each run with Orthanc's run of the same scenario and round.
 */
import { quantile, type LoadResult } from './drive-load.js';

export interface WadoResult {
  readonly scenario: string;
  readonly server: string;
  readonly kind: 'orthanc' | 'medveil';
  readonly round: number;
  readonly concurrency: number;
  readonly load: LoadResult;
  /** CPU seconds of the server process during the measured requests. */
  readonly serverCpuSeconds: number | undefined;
  /** CPU seconds of the load generator (this process) during them. */
  readonly clientCpuSeconds: number;
  /** One-minute load average just before the measured requests. */
  readonly loadAverage: number;
}

export function requestsPerSecond(r: WadoResult): number {
  return r.load.ok / r.load.seconds;
}

export function formatWadoTable(results: readonly WadoResult[]): string {
  const header = ['scenario', 'server', 'round', 'clients', 'requests', 'ok', 'failed', 'resent', 'wall s', 'req/s', 'MB/s', 'p50 ms', 'p99 ms', 'x Orthanc', 'server CPU ms/req', 'client CPU ms/req', 'load'];
  const rows = results.map((r) => {
    const baseline = results.find((b) => b.kind === 'orthanc' && b.scenario === r.scenario && b.round === r.round);
    const ratio = baseline === undefined ? NaN : requestsPerSecond(r) / requestsPerSecond(baseline);
    return [
      r.scenario,
      r.server,
      String(r.round),
      String(r.concurrency),
      String(r.load.requests),
      String(r.load.ok),
      String(r.load.failed),
      String(r.load.resent),
      r.load.seconds.toFixed(2),
      requestsPerSecond(r).toFixed(0),
      (r.load.bytes / 1e6 / r.load.seconds).toFixed(0),
      quantile(r.load.latenciesMs, 0.5).toFixed(1),
      quantile(r.load.latenciesMs, 0.99).toFixed(1),
      Number.isNaN(ratio) ? '-' : ratio.toFixed(2),
      r.serverCpuSeconds === undefined ? '-' : ((r.serverCpuSeconds * 1000) / r.load.requests).toFixed(2),
      ((r.clientCpuSeconds * 1000) / r.load.requests).toFixed(2),
      r.loadAverage.toFixed(1),
    ];
  });
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
