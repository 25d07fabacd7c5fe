import { MedVeilError } from '../../errors.js';
import { decodeBase64Strict, encodeBase64 } from '../note/strict-base64.js';

/**
 * A receipt: everything needed to prove offline that one event is in the log, in the text
 * format of c2sp.org/tlog-proof@v1. The `extra` line carries the leaf itself (the event's
 * canonical JSON), which the inclusion proof then binds to the signed checkpoint, so the
 * receipt needs no other data and the extra line is authenticated by the proof, not trusted.
 *
 *     c2sp.org/tlog-proof@v1
 *     extra <base64 leaf bytes>
 *     index <leaf index>
 *     <base64 hash> (one per line, leaf's sibling first, RFC 6962 2.1.1)
 *     <empty line>
 *     <checkpoint note with log signatures and witness cosignatures>
 */
export interface Receipt {
  leaf: Uint8Array;
  index: number;
  inclusionProof: Uint8Array[];
  /** The signed checkpoint, verbatim. */
  checkpoint: string;
}

const header = 'c2sp.org/tlog-proof@v1';

/** Recommended file extension (tlog-proof). */
export const receiptExtension = '.tlog-proof';

export function formatReceipt(receipt: Receipt): string {
  const proof = receipt.inclusionProof.map((hash) => `${encodeBase64(hash)}\n`).join('');
  return `${header}\nextra ${encodeBase64(receipt.leaf)}\nindex ${receipt.index}\n${proof}\n${receipt.checkpoint}`;
}

/** Reads a receipt's syntax; throws MedVeilError('audit-verify'). Signatures and proof are checked by verifyReceipt. */
export function parseReceipt(text: string): Receipt {
  const malformed = (why: string) => new MedVeilError('audit-verify', `malformed receipt: ${why}`, {
    hint: 'a receipt is the .tlog-proof file written by `medveil audit prove <index>`',
  });
  const end = text.indexOf('\n\n');
  if (end < 0) throw malformed('no empty line before the checkpoint');
  const lines = text.slice(0, end).split('\n');
  if (lines[0] !== header) throw malformed(`the first line must be ${header}`);
  const extra = /^extra (\S+)$/.exec(lines[1] ?? '');
  const leaf = extra === null ? undefined : decodeBase64Strict(extra[1]!);
  if (leaf === undefined) throw malformed('the second line must be "extra <base64 of the event>"');
  const index = /^index (0|[1-9][0-9]{0,15})$/.exec(lines[2] ?? '');
  if (index === null || !Number.isSafeInteger(Number(index[1]))) throw malformed('the third line must be "index <n>"');
  const proofLines = lines.slice(3);
  if (proofLines.length > 63) throw malformed('more than 63 inclusion proof hashes');
  const inclusionProof = proofLines.map((line) => {
    const hash = decodeBase64Strict(line);
    if (hash === undefined || hash.length !== 32) throw malformed('an inclusion proof line is not base64 of a 32-byte hash');
    return hash;
  });
  return { leaf, index: Number(index[1]), inclusionProof, checkpoint: text.slice(end + 2) };
}
