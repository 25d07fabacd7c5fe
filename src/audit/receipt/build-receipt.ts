import { MedVeilError } from '../../errors.js';
import type { HashReader } from '../merkle/hash-reader.js';
import { inclusionProof } from '../merkle/inclusion-proof.js';
import { parseCheckpoint } from '../note/checkpoint.js';
import { parseNote } from '../note/parse-note.js';
import { formatReceipt } from './receipt.js';

/**
 * The receipt for leaf `index` against a signed (and ideally cosigned) checkpoint, reading the
 * O(log n) proof hashes through `reader`. The checkpoint must already cover the index.
 */
export async function buildReceipt(options: { index: number; leaf: Uint8Array; checkpoint: string; reader: HashReader }): Promise<string> {
  const { size } = parseCheckpoint(parseNote(options.checkpoint).body);
  if (!Number.isSafeInteger(options.index) || options.index < 0 || options.index >= size) {
    throw new MedVeilError('audit', `event ${options.index} is not covered by the latest checkpoint (size ${size})`, {
      hint: 'wait for the next checkpoint, or issue one with `medveil audit checkpoint`',
    });
  }
  const proof = await inclusionProof(options.index, size, options.reader);
  return formatReceipt({ leaf: options.leaf, index: options.index, inclusionProof: proof, checkpoint: options.checkpoint });
}
