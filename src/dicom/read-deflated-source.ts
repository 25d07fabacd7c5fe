import type { Dataset } from './dataset.js';

/**
 * The compressed bytes a deflated data set (PS3.5 A.5) was inflated from, so that writing it
 * back unchanged can emit them as they were: deflate output depends on the compressor and
 * its settings, so re-deflating would change the file. Kept beside the Dataset rather than
 * in it, and dropped with it.
 */
interface DeflatedSource {
  readonly inflated: Uint8Array;
  readonly deflated: Uint8Array;
}

const SOURCES = new WeakMap<Dataset, DeflatedSource>();

export function rememberDeflatedSource(dataset: Dataset, inflated: Uint8Array, deflated: Uint8Array): void {
  SOURCES.set(dataset, { inflated, deflated });
}

/** The original deflated bytes when `encoded` (the writer's explicit VR LE data set) is exactly what was inflated. */
export function deflatedSourceFor(dataset: Dataset, encoded: readonly Uint8Array[]): Uint8Array | undefined {
  const source = SOURCES.get(dataset);
  if (source === undefined || encoded.length !== 1) return undefined;
  const only = encoded[0]!;
  const { inflated } = source;
  const same = only.buffer === inflated.buffer && only.byteOffset === inflated.byteOffset && only.length === inflated.length;
  return same ? source.deflated : undefined;
}
