import { decodeBase64Strict, encodeBase64 } from '../note/strict-base64.js';

/** The body of a tlog-witness `add-checkpoint` request. */
export interface AddCheckpointRequest {
  oldSize: number;
  consistencyProof: Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
}

/** tlog-witness: a client MUST NOT send more than 63 consistency proof lines. */
export const maxProofLines = 63;

/**
 * `old <size>\n`, one base64 hash per line, an empty line, then the checkpoint
 * (c2sp.org/tlog-witness, add-checkpoint).
 */
export function formatAddCheckpointRequest(request: AddCheckpointRequest): string {
  const proof = request.consistencyProof.map((hash) => `${encodeBase64(hash)}\n`).join('');
  return `old ${request.oldSize}\n${proof}\n${request.checkpoint}`;
}

/** Parses a request body; returns a reason string instead of throwing, for a 400 answer. */
export function parseAddCheckpointRequest(text: string): AddCheckpointRequest | string {
  const end = text.indexOf('\n\n');
  if (end < 0) return 'missing the empty line before the checkpoint';
  const lines = text.slice(0, end).split('\n');
  const oldMatch = /^old (0|[1-9][0-9]{0,15})$/.exec(lines[0]!);
  if (oldMatch === null || !Number.isSafeInteger(Number(oldMatch[1]))) return 'the first line must be "old <size>"';
  const proofLines = lines.slice(1);
  if (proofLines.length > maxProofLines) return `more than ${maxProofLines} consistency proof lines`;
  const consistencyProof: Uint8Array[] = [];
  for (const line of proofLines) {
    const hash = decodeBase64Strict(line);
    if (hash === undefined || hash.length !== 32) return 'a consistency proof line is not base64 of a 32-byte hash';
    consistencyProof.push(hash);
  }
  return { oldSize: Number(oldMatch[1]), consistencyProof, checkpoint: text.slice(end + 2) };
}
