import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * A file that receives one line at a time for the whole run (the quarantine's reasons, the
 * per-file report): opened once, on the first line, owner-only, appending.
 */
export class LineFile {
  private fd: number | undefined;

  constructor(private readonly path: string) {}

  write(line: string): void {
    this.fd ??= openSync(this.path, 'a', 0o600);
    writeSync(this.fd, `${line}\n`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
