import { MedVeilError } from '../../errors.js';
import { parseCheckpointWeb } from '../receipt/web-receipt-text.js';
import { encodeBase64 } from './strict-base64.js';

/** The note text of a checkpoint (c2sp.org/tlog-checkpoint, Note text). */
export interface Checkpoint {
  origin: string;
  size: number;
  /** RFC 6962 Merkle tree hash, 32 bytes. */
  rootHash: Uint8Array;
  extensions?: string[];
}

/** `<origin>\n<size>\n<base64 root>\n` then any extension lines, each newline-terminated. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (origin.length === 0 || origin.includes('\n')) throw new MedVeilError('internal', 'internal error (a MedVeil bug): a checkpoint origin is one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0) throw new MedVeilError('internal', `internal error (a MedVeil bug): checkpoint size ${size}`);
  if (rootHash.length !== 32) throw new MedVeilError('internal', 'internal error (a MedVeil bug): a root hash is 32 bytes');
  for (const line of extensions) {
    if (line.length === 0 || line.includes('\n')) throw new MedVeilError('internal', 'internal error (a MedVeil bug): extension lines are non-empty single lines');
  }
  return [origin, String(size), encodeBase64(rootHash), ...extensions].map((line) => `${line}\n`).join('');
}

/**
 * Reads a checkpoint's note text (the body returned by openNote, not the signed note).
 * Throws MedVeilError('audit-verify') on anything but the exact format: sizes are decimal without
 * leading zeroes and at most 2^53 - 1 (beyond any log we will hold), the root is 32 bytes.
 */
export function parseCheckpoint(body: string): Checkpoint {
  const { origin, size, rootHash, extensions } = parseCheckpointWeb(body);
  return extensions === undefined ? { origin, size, rootHash } : { origin, size, rootHash, extensions };
}
