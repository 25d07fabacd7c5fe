/**
 * The writer's output: a list of byte chunks for `writev`, most of them views of the input
 * buffer (element `source`, pixel values), so bulk data is never copied on its way out.
 */
export class ChunkList {
  readonly chunks: Uint8Array[] = [];
  byteLength = 0;
  /** Whether some bytes were newly encoded rather than copied from what was read. */
  encoded = false;

  /** Bytes read from the input (a `source` or a value view). */
  pushSource(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.byteLength += chunk.length;
  }

  /** Bytes this writer produced (headers, swapped or padded values, rebuilt meta). */
  pushEncoded(chunk: Uint8Array): void {
    this.encoded = true;
    this.pushSource(chunk);
  }

  append(other: ChunkList): void {
    for (const chunk of other.chunks) this.chunks.push(chunk);
    this.byteLength += other.byteLength;
    this.encoded ||= other.encoded;
  }

  /** A slot whose bytes are known only later (a group length); filled with `fill`. */
  reserve(): number {
    this.chunks.push(EMPTY);
    return this.chunks.length - 1;
  }

  fill(slot: number, chunk: Uint8Array, encoded: boolean): void {
    this.chunks[slot] = chunk;
    this.byteLength += chunk.length;
    this.encoded ||= encoded;
  }

  /** The chunks with neighbours that are adjacent views of one buffer merged (no bytes copied). */
  coalesced(): Uint8Array[] {
    const out: Uint8Array[] = [];
    let last: Uint8Array | undefined;
    for (const chunk of this.chunks) {
      if (chunk.length === 0) continue;
      if (last !== undefined && last.buffer === chunk.buffer && last.byteOffset + last.length === chunk.byteOffset) {
        last = new Uint8Array(last.buffer, last.byteOffset, last.length + chunk.length);
        out[out.length - 1] = last;
      } else {
        out.push(chunk);
        last = chunk;
      }
    }
    return out;
  }
}

const EMPTY = new Uint8Array(0);
