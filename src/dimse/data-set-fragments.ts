/**
 * The data set of one DIMSE message as its fragments arrive (PS3.8 E.2), for a handler that
 * works on it while the rest is still on the way: a C-STORE SCP hashes and encrypts an image
 * during the receive instead of after it. Fragments are the received views, never copied.
 * One consumer reads it; the association pushes, ends or fails it.
 */
import { MedVeilError } from '../errors.js';

export class DataSetFragments implements AsyncIterable<Uint8Array> {
  readonly #queue: Uint8Array[] = [];
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #received = 0;

  /** Bytes received so far (all of them once ended). */
  get received(): number {
    return this.#received;
  }

  get ended(): boolean {
    return this.#ended;
  }

  push(fragment: Uint8Array): void {
    if (this.#ended || this.#error !== undefined) throw new MedVeilError('internal', 'a fragment after the end of its data set');
    this.#received += fragment.length;
    if (fragment.length > 0) this.#queue.push(fragment);
    this.#signal();
  }

  /** The last fragment arrived. */
  end(): void {
    this.#ended = true;
    this.#signal();
  }

  /** The data set will never be whole (the association ended or broke the protocol mid-way). */
  fail(error: Error): void {
    if (this.#ended) return;
    this.#error = error;
    this.#signal();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const next = this.#queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /**
   * Drops what a consumer left unread, up to the end: a response answers the whole request
   * (PS3.7 9.3.1), so a refusal before the end still waits for it. False when the data set
   * failed instead of ending.
   */
  async drain(): Promise<boolean> {
    for (;;) {
      this.#queue.length = 0;
      if (this.#error !== undefined) return false;
      if (this.#ended) return true;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
