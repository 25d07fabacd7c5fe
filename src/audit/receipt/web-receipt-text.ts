import { MedVeilError } from '../../errors.js';
import { decodeBase64StrictWeb } from './web-bytes.js';

/**
 * The syntax of a receipt (c2sp.org/tlog-proof@v1) and of a checkpoint's note text
 * (c2sp.org/tlog-checkpoint), without Node built-ins, so the browser and the server read both
 * with one parser (receipt.ts and note/checkpoint.ts call these). Throws MedVeilError('audit-verify').
 */

const HEADER = 'c2sp.org/tlog-proof@v1';

export interface WebReceipt {
  readonly leaf: Uint8Array;
  readonly index: number;
  readonly inclusionProof: Uint8Array[];
  readonly checkpoint: string;
}

export interface WebCheckpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions?: string[];
}

export function parseReceiptWeb(text: string): WebReceipt {
  const malformed = (why: string) => new MedVeilError('audit-verify', `malformed receipt: ${why}`, {
    hint: 'a receipt is the c2sp.org/tlog-proof text of GET /api/audit/events/{index} or `medveil audit prove <index>`',
  });
  const end = text.indexOf('\n\n');
  if (end < 0) throw malformed('no empty line before the checkpoint');
  const lines = text.slice(0, end).split('\n');
  if (lines[0] !== HEADER) throw malformed(`the first line must be ${HEADER}`);
  const extra = /^extra (\S+)$/.exec(lines[1] ?? '');
  const leaf = extra === null ? undefined : decodeBase64StrictWeb(extra[1]!);
  if (leaf === undefined) throw malformed('the second line must be "extra <base64 of the event>"');
  const index = /^index (0|[1-9][0-9]{0,15})$/.exec(lines[2] ?? '');
  if (index === null || !Number.isSafeInteger(Number(index[1]))) throw malformed('the third line must be "index <n>"');
  const proofLines = lines.slice(3);
  if (proofLines.length > 63) throw malformed('more than 63 inclusion proof hashes');
  const inclusionProof = proofLines.map((line) => {
    const hash = decodeBase64StrictWeb(line);
    if (hash === undefined || hash.length !== 32) throw malformed('an inclusion proof line is not base64 of a 32-byte hash');
    return hash;
  });
  return { leaf, index: Number(index[1]), inclusionProof, checkpoint: text.slice(end + 2) };
}

/** `<origin>\n<size>\n<base64 root>\n` and any extension lines. */
export function parseCheckpointWeb(body: string): WebCheckpoint {
  const malformed = (why: string) => new MedVeilError('audit-verify', `malformed checkpoint: ${why}`);
  if (!body.endsWith('\n')) throw malformed('the text must end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw malformed('fewer than three lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw malformed('empty origin');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) throw malformed(`bad tree size "${sizeText.slice(0, 30)}"`);
  const rootHash = decodeBase64StrictWeb(rootText);
  if (rootHash === undefined || rootHash.length !== 32) throw malformed('the root hash is not base64 of 32 bytes');
  if (extensions.some((line) => line.length === 0)) throw malformed('empty extension line');
  return extensions.length > 0 ? { origin, size: Number(sizeText), rootHash, extensions } : { origin, size: Number(sizeText), rootHash };
}
