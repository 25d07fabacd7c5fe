import { MedVeilError } from '../../errors.js';
import { decodeAuditEvent } from '../event/encode-audit-event.js';
import type { AuditEvent } from '../event/audit-event.js';
import { leafHash } from '../merkle/hash.js';
import { verifyInclusion } from '../merkle/verify.js';
import { parseCheckpoint, type Checkpoint } from '../note/checkpoint.js';
import { cosignatureTimestamp } from '../note/cosignature.js';
import type { NoteVerifier } from '../note/note-key.js';
import { openNote } from '../note/open-note.js';
import { parseReceipt } from './receipt.js';

export interface ReceiptPolicy {
  /**
   * Trusted keys: log keys (Ed25519, SM2) and witness keys (cosignature/v1), told apart by kind.
   * Every log key given must have signed the checkpoint, so a `gm` auditor who passes both the
   * Ed25519 and the SM2 key checks both lines.
   */
  keys: NoteVerifier[];
  /** The log's origin; by default the name of the first log key (tlog-checkpoint: they SHOULD match). */
  origin?: string;
  /** Valid cosignatures needed from the witness keys given; default 1 when any is given, else 0. */
  minWitnesses?: number;
}

export interface VerifiedReceipt {
  index: number;
  event: AuditEvent;
  checkpoint: Checkpoint;
  logKeys: string[];
  witnesses: { name: string; timestamp: number }[];
}

/**
 * Verifies a receipt offline with public keys only (c2sp.org/tlog-proof, Verifying): the
 * checkpoint is signed by the log keys, cosigned by enough witnesses, and the leaf (the event) is
 * at `index` of the checkpointed tree. Throws MedVeilError('audit-verify') naming the failed step.
 */
export function verifyReceipt(text: string, policy: ReceiptPolicy): VerifiedReceipt {
  const receipt = parseReceipt(text);
  const logKeys = policy.keys.filter((k) => k.kind !== 'cosignature/v1');
  const witnessKeys = policy.keys.filter((k) => k.kind === 'cosignature/v1');
  if (logKeys.length === 0) {
    throw new MedVeilError('usage', 'no log key given: a receipt cannot be checked against witnesses alone', {
      hint: 'pass the log\'s public key file with --key',
    });
  }
  const opened = openNote(receipt.checkpoint, policy.keys);
  const checkpoint = parseCheckpoint(opened.body);
  const origin = policy.origin ?? logKeys[0]!.name;
  if (checkpoint.origin !== origin) throw new MedVeilError('audit-verify', `checkpoint is from log "${checkpoint.origin}", expected "${origin}"`);
  const signedBy = new Set(opened.verified);
  const missing = logKeys.filter((k) => !signedBy.has(k));
  if (missing.length > 0) throw new MedVeilError('audit-verify', `checkpoint lacks a valid signature by log key ${missing.map((k) => k.vkey).join(', ')}`);
  const witnesses = opened.verifiedSignatures
    .filter((s) => s.verifier.kind === 'cosignature/v1')
    .map((s) => ({ name: s.verifier.name, timestamp: cosignatureTimestamp(s.signature) }));
  const needed = policy.minWitnesses ?? (witnessKeys.length > 0 ? 1 : 0);
  if (witnesses.length < needed) {
    throw new MedVeilError('audit-verify', `checkpoint has ${witnesses.length} valid witness cosignature(s), policy needs ${needed}`);
  }
  if (receipt.index >= checkpoint.size) throw new MedVeilError('audit-verify', `index ${receipt.index} is outside the checkpointed tree of ${checkpoint.size} events`);
  verifyInclusion(leafHash(receipt.leaf), receipt.index, checkpoint.size, receipt.inclusionProof, checkpoint.rootHash);
  let event: AuditEvent;
  try {
    event = decodeAuditEvent(receipt.leaf);
  } catch (cause) {
    throw new MedVeilError('audit-verify', 'the logged leaf is not a canonical audit event', { cause });
  }
  return { index: receipt.index, event, checkpoint, logKeys: logKeys.map((k) => k.vkey), witnesses };
}
