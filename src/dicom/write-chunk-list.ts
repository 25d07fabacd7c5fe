/**
 * The writer's output: a list of byte chunks for `writev`, most of them views of the input
 * buffer (element `source`, pixel values), so bulk data is never copied on its way out.
 * Adjacent views of one buffer are merged as they arrive, so an unchanged run of elements
 * becomes one chunk without a view per element.
 */
export class ChunkList {
  private readonly done: Uint8Array[] = [];
  /** The open run: bytes [runStart, runEnd) of runBase's buffer. */
  private runBase: Uint8Array | undefined;
  private runBuffer: ArrayBufferLike | undefined;
  private runStart = 0;
  private runEnd = 0;
  byteLength = 0;
  /** Whether some bytes were newly encoded rather than copied from what was read. */
  encoded = false;

  /** Bytes read from the input (a `source` or a value view). */
  pushSource(chunk: Uint8Array): void {
    const length = chunk.length;
    if (length === 0) return;
    this.byteLength += length;
    const buffer = chunk.buffer;
    if (buffer === this.runBuffer && chunk.byteOffset === this.runEnd) {
      this.runEnd += length;
      return;
    }
    this.closeRun();
    this.runBase = chunk;
    this.runBuffer = buffer;
    this.runStart = chunk.byteOffset;
    this.runEnd = chunk.byteOffset + length;
  }

  /** Bytes this writer produced (headers, swapped or padded values, rebuilt meta). */
  pushEncoded(chunk: Uint8Array): void {
    this.encoded = true;
    this.pushSource(chunk);
  }

  append(other: ChunkList): void {
    for (const chunk of other.chunks) this.pushSource(chunk);
    this.encoded ||= other.encoded;
  }

  /** A slot whose bytes are known only later (a group length); filled with `fill`. */
  reserve(): number {
    this.closeRun();
    this.done.push(EMPTY);
    return this.done.length - 1;
  }

  fill(slot: number, chunk: Uint8Array, encoded: boolean): void {
    this.done[slot] = chunk;
    this.byteLength += chunk.length;
    this.encoded ||= encoded;
  }

  /** The chunks so far, in order (empty slots included until filled). */
  get chunks(): Uint8Array[] {
    this.closeRun();
    return this.done;
  }

  /** The chunks with neighbours that are adjacent views of one buffer merged (no bytes copied). */
  coalesced(): Uint8Array[] {
    const merged = new ChunkList();
    for (const chunk of this.chunks) merged.pushSource(chunk);
    return merged.chunks;
  }

  private closeRun(): void {
    const base = this.runBase;
    if (base === undefined) return;
    const whole = this.runStart === base.byteOffset && this.runEnd === base.byteOffset + base.length;
    this.done.push(whole ? base : new Uint8Array(base.buffer, this.runStart, this.runEnd - this.runStart));
    this.runBase = undefined;
    this.runBuffer = undefined;
  }
}

const EMPTY = new Uint8Array(0);
