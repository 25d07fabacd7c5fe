import type { DeidSummary } from './deid-summary.js';

const WIDTH = 24;

/** One self-overwriting line on a terminal: files done, files/s, MB/s. Silent when not a terminal. */
export class ProgressLine {
  private lastDraw = 0;

  constructor(
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WritableStream,
  ) {}

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
    const spin = '#'.repeat(summary.files % (WIDTH + 1)).padEnd(WIDTH, '.');
    this.stream.write(
      `\r[${spin}] ${summary.files} files, ${(summary.files / seconds).toFixed(1)} files/s, ` +
        `${(summary.bytesIn / 1e6 / seconds).toFixed(1)} MB/s, ${summary.quarantined} quarantined `,
    );
  }
}
