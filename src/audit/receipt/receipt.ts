import { MedVeilError } from '../../errors.js';
import { encodeBase64 } from '../note/strict-base64.js';
import { parseReceiptWeb } from './web-receipt-text.js';

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
  const { leaf, index, inclusionProof, checkpoint } = parseReceiptWeb(text);
  return { leaf, index, inclusionProof, checkpoint };
}
