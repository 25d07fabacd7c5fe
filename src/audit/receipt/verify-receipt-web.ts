import { encodeBase64Web, sameBytesWeb, textEncoder } from './web-bytes.js';
import { leafHashWeb, rootFromInclusionProofWeb } from './web-inclusion.js';
import { hex8, parseNoteWeb, parseVerifierKeyWeb, verifyNoteSignatureWeb, type WebSignatureCheck, type WebVerifierKey } from './web-note.js';
import { parseCheckpointWeb, parseReceiptWeb, type WebCheckpoint, type WebReceipt } from './web-receipt-text.js';

/**
 * Verifies an audit receipt in the browser (the console's "verify" action, issue 7): the same
 * checks as verify-receipt.ts, in WebCrypto, with nothing from Node. Where verifyReceipt stops
 * at the first failure and throws, this runs every check it can and reports each one, so the
 * page can show the leaf hash, the computed root, the inclusion proof and every log signature
 * and witness cosignature, each `ok` or failed with its reason. It never throws: bad input is a
 * failed result with a reason.
 */

export type WebCheckStatus = 'ok' | 'failed' | 'unverifiable';

export interface WebLogSignatureResult {
  readonly name: string;
  /** The key ID, 8 hex digits. */
  readonly keyId: string;
  readonly kind: 'ed25519' | 'sm2';
  /** `missing`: the checkpoint has no signature by this key; every log key given must have signed. */
  readonly status: WebCheckStatus | 'missing';
  readonly reason?: string;
}

export interface WebWitnessResult {
  readonly name: string;
  readonly keyId: string;
  /** `missing`: this witness did not cosign; fine as long as enough others did. */
  readonly status: WebCheckStatus | 'missing';
  /** When the witness cosigned, as it states it (POSIX seconds, and ISO 8601). */
  readonly timestamp?: number;
  readonly time?: string;
  readonly reason?: string;
}

export interface WebReceiptVerification {
  /** True only when every check passed: the event is at `index` of a checkpoint signed by every log key given and cosigned by enough witnesses. */
  readonly ok: boolean;
  /** The first failed check, in the order verify-receipt.ts checks; absent when `ok`. */
  readonly reason?: string;
  readonly index?: number;
  /** The logged event as JSON; authenticated only when `inclusion.status` is `ok`. */
  readonly event?: unknown;
  /** RFC 6962 leaf hash of the event, base64. */
  readonly leafHash?: string;
  readonly checkpoint?: { readonly origin: string; readonly size: number; readonly rootHash: string };
  /** The root the inclusion proof leads to, base64; equal to `checkpoint.rootHash` when the proof holds. */
  readonly computedRoot?: string;
  readonly inclusion: { readonly status: WebCheckStatus | 'not-checked'; readonly reason?: string };
  readonly logSignatures: readonly WebLogSignatureResult[];
  readonly witnesses: readonly WebWitnessResult[];
  /** Names on signature lines by keys that were not given: neither trusted nor counted. */
  readonly otherSigners: readonly string[];
}

export interface WebReceiptPolicy {
  /** The log's origin; by default the name of the first log key, as verify-receipt.ts does. */
  readonly origin?: string;
  /** Valid witness cosignatures needed; default 1 when a witness key is given, else 0. */
  readonly minWitnesses?: number;
}

/**
 * Checks `receiptText` (c2sp.org/tlog-proof@v1, as GET /api/audit/events/{index} returns it)
 * against `verifierKeys`: vkey texts of the log (Ed25519, and SM2 under `gm`) and of its
 * witnesses (cosignature/v1), one per entry or whole key files (blank and `#` lines skipped).
 */
export async function verifyReceiptWeb(receiptText: string, verifierKeys: readonly string[], policy: WebReceiptPolicy = {}): Promise<WebReceiptVerification> {
  const empty = { inclusion: { status: 'not-checked' as const }, logSignatures: [], witnesses: [], otherSigners: [] };
  let receipt: WebReceipt;
  let keys: WebVerifierKey[];
  try {
    receipt = parseReceiptWeb(receiptText);
    keys = await Promise.all(keyLines(verifierKeys).map(parseVerifierKeyWeb));
  } catch (error) {
    return { ok: false, reason: messageOf(error), ...empty };
  }
  const logKeys = keys.filter((key) => key.kind !== 'cosignature/v1');
  const witnessKeys = keys.filter((key) => key.kind === 'cosignature/v1');
  if (logKeys.length === 0) return { ok: false, reason: 'no log key given: a receipt cannot be checked against witnesses alone', ...empty };

  const leafHash = await leafHashWeb(receipt.leaf);
  const event = readEvent(receipt.leaf);
  const found: Partial<WebReceiptVerification> & { index: number; leafHash: string } = { index: receipt.index, leafHash: encodeBase64Web(leafHash), ...('event' in event ? { event: event.event } : {}) };
  let note: ReturnType<typeof parseNoteWeb>;
  let checkpoint: WebCheckpoint;
  try {
    note = parseNoteWeb(receipt.checkpoint);
    checkpoint = parseCheckpointWeb(note.body);
  } catch (error) {
    return { ok: false, reason: messageOf(error), ...empty, ...found };
  }

  const checks = await checkSignatures(note, keys);
  const logSignatures = logKeys.map((key): WebLogSignatureResult => {
    const check = checks.get(key);
    return { name: key.name, keyId: hex8(key.keyId), kind: key.kind as 'ed25519' | 'sm2', ...(check ?? { status: 'missing', reason: `checkpoint lacks a signature by log key ${key.vkey}` }) };
  });
  const witnesses = witnessKeys.map((key): WebWitnessResult => {
    const check = checks.get(key);
    if (check === undefined) return { name: key.name, keyId: hex8(key.keyId), status: 'missing' };
    const { timestamp, ...rest } = check;
    return { name: key.name, keyId: hex8(key.keyId), ...rest, ...(timestamp === undefined ? {} : { timestamp, time: new Date(timestamp * 1000).toISOString() }) };
  });
  const known = new Set(keys.map((key) => `${key.name}\n${key.keyId}`));
  const otherSigners = [...new Set(note.signatures.filter((s) => !known.has(`${s.name}\n${s.keyId}`)).map((s) => s.name))];

  const computed = receipt.index >= checkpoint.size
    ? { reason: `index ${receipt.index} is outside the checkpointed tree of ${checkpoint.size} events` }
    : await rootFromInclusionProofWeb(leafHash, receipt.index, checkpoint.size, receipt.inclusionProof);
  const inclusion = 'reason' in computed
    ? { status: 'failed' as const, reason: computed.reason }
    : sameBytesWeb(computed.root, checkpoint.rootHash)
      ? { status: 'ok' as const }
      : { status: 'failed' as const, reason: "inclusion proof: the calculated root does not match the checkpoint's root" };

  const needed = policy.minWitnesses ?? (witnessKeys.length > 0 ? 1 : 0);
  const origin = policy.origin ?? logKeys[0]!.name;
  const reason = firstFailure([
    [...logSignatures, ...witnesses].find((s) => s.status === 'failed' || s.status === 'unverifiable')?.reason,
    [...logSignatures, ...witnesses].some((s) => s.status === 'ok') ? undefined : 'signed note has no signature from a trusted key',
    checkpoint.origin === origin ? undefined : `checkpoint is from log "${checkpoint.origin}", expected "${origin}"`,
    logSignatures.find((s) => s.status === 'missing')?.reason,
    witnesses.filter((w) => w.status === 'ok').length >= needed ? undefined : `checkpoint has ${witnesses.filter((w) => w.status === 'ok').length} valid witness cosignature(s), policy needs ${needed}`,
    inclusion.reason,
    'reason' in event ? event.reason : undefined,
  ]);
  return {
    ok: reason === undefined,
    ...(reason === undefined ? {} : { reason }),
    ...found,
    checkpoint: { origin: checkpoint.origin, size: checkpoint.size, rootHash: encodeBase64Web(checkpoint.rootHash) },
    ...('root' in computed ? { computedRoot: encodeBase64Web(computed.root) } : {}),
    inclusion,
    logSignatures,
    witnesses,
    otherSigners,
  };
}

/**
 * Each given key's signature on the note, as open-note.ts reads them: a line whose key name
 * and ID match a key must verify; a second line by the same key is ignored.
 */
async function checkSignatures(note: ReturnType<typeof parseNoteWeb>, keys: readonly WebVerifierKey[]): Promise<Map<WebVerifierKey, WebSignatureCheck>> {
  const byId = new Map(keys.map((key) => [`${key.name}\n${key.keyId}`, key]));
  const body = textEncoder.encode(note.body);
  const checks = new Map<WebVerifierKey, WebSignatureCheck>();
  for (const signature of note.signatures) {
    const key = byId.get(`${signature.name}\n${signature.keyId}`);
    if (key === undefined || checks.has(key)) continue;
    checks.set(key, await verifyNoteSignatureWeb(key, body, signature.signature));
  }
  return checks;
}

/**
 * The leaf as JSON, and whether it is in the canonical form (RFC 8785) every audit event is
 * logged in. The schema itself is checked by the server's verifier (validate-audit-event.ts);
 * the browser only shows the event, which the inclusion proof authenticates byte for byte.
 */
function readEvent(leaf: Uint8Array): { event: unknown } | { reason: string } | { event: unknown; reason: string } {
  const bad = 'the logged leaf is not a canonical audit event';
  let text: string;
  let event: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(leaf);
    event = JSON.parse(text);
  } catch {
    return { reason: bad };
  }
  const shaped = typeof event === 'object' && event !== null && (event as { v?: unknown }).v === 1 && typeof (event as { time?: unknown }).time === 'string';
  return shaped && JSON.stringify(sortedCopy(event)) === text ? { event } : { event, reason: bad };
}

function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(record).sort().map((name) => [name, sortedCopy(record[name])]));
}

function keyLines(texts: readonly string[]): string[] {
  return texts.flatMap((text) => text.split('\n')).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

function firstFailure(reasons: readonly (string | undefined)[]): string | undefined {
  return reasons.find((reason) => reason !== undefined);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
