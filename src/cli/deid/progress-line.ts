import type { DeidSummary } from './deid-summary.js';

const WIDTH = 24;

/** One self-overwriting line on a terminal: a bar, files done of the total, files/s, MB/s. Silent when not a terminal. */
export class ProgressLine {
  private lastDraw = 0;
  /** Files found by a first walk of the input; 0 until known. */
  total = 0;

  constructor(
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WritableStream,
  ) {}

  get active(): boolean {
    return this.enabled;
  }

  update(summary: DeidSummary): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.draw(summary);
  }

  finish(summary: DeidSummary): void {
    if (!this.enabled) return;
    this.draw(summary);
    this.stream.write('\n');
  }

  private draw(summary: DeidSummary): void {
    const seconds = Math.max(summary.seconds, 1e-6);
    const filled = this.total > 0 ? Math.min(WIDTH, Math.round((summary.files / this.total) * WIDTH)) : 0;
    const bar = '#'.repeat(filled).padEnd(WIDTH, '.');
    const count = this.total > 0 ? `${summary.files}/${this.total}` : `${summary.files}`;
    this.stream.write(
      `\r[${bar}] ${count} files, ${(summary.files / seconds).toFixed(1)} files/s, ` +
        `${(summary.bytesIn / 1e6 / seconds).toFixed(1)} MB/s, ${summary.quarantined} quarantined `,
    );
  }
}
