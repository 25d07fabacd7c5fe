/**
 * The results table of the ingest benchmark, as Markdown (pasted into docs/benchmarks.md as
 * printed). The ratio compares each run with the storescp run of the same workload, sender
 * count and round.
 */
export interface IngestResult {
  readonly workload: string;
  readonly senders: number;
  readonly receiver: string;
  readonly kind: 'storescp' | 'medveil';
  readonly round: number;
  readonly files: number;
  readonly bytes: number;
  readonly seconds: number;
  /** CPU seconds of the receiver process during the send (with waited-for children). */
  readonly cpuSeconds: number | undefined;
  /** Stores storescu reports as successful and as failed. */
  readonly succeeded: number;
  readonly failed: number;
  /** Instances sent that the receiver does not hold afterwards. */
  readonly missing: number;
  /** Every file stored, held afterwards, and the receiver's record is sound. */
  readonly verified: boolean;
  readonly notes: readonly string[];
  /** One-minute load average just before the send. */
  readonly load: number;
  /** Why the receiver could not be measured at all. */
  readonly unavailable?: string;
}

export function formatIngestTable(results: readonly IngestResult[]): string {
  const header = ['workload', 'senders', 'receiver', 'round', 'wall s', 'files/s', 'MB/s', 'x storescp', 'receiver CPU s', 'CPU ms/file', 'stored / sent', 'verified', 'load'];
  const rows = results.map((r) => {
    if (r.unavailable !== undefined) {
      return [r.workload, String(r.senders), r.receiver, String(r.round), '-', '-', '-', '-', '-', '-', '-', `not available: ${r.unavailable}`, '-'];
    }
    const baseline = results.find((b) => b.kind === 'storescp' && b.workload === r.workload && b.senders === r.senders && b.round === r.round && b.unavailable === undefined);
    const ratio = baseline === undefined ? NaN : baseline.seconds / r.seconds;
    return [
      r.workload,
      String(r.senders),
      r.receiver,
      String(r.round),
      r.seconds.toFixed(2),
      (r.files / r.seconds).toFixed(0),
      (r.bytes / 1e6 / r.seconds).toFixed(0),
      Number.isNaN(ratio) ? '-' : ratio.toFixed(2),
      r.cpuSeconds === undefined ? '-' : r.cpuSeconds.toFixed(2),
      r.cpuSeconds === undefined ? '-' : ((r.cpuSeconds * 1000) / r.files).toFixed(2),
      `${r.files - r.missing} / ${r.files}`,
      r.verified ? 'yes' : 'NO',
      r.load.toFixed(1),
    ];
  });
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
