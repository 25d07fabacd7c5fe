import { createHash, timingSafeEqual } from 'node:crypto';
import { MedVeilError } from '../../errors.js';
import { EMPTY_ROOT } from '../merkle/hash.js';
import { verifyConsistency } from '../merkle/verify.js';
import { parseCheckpoint, type Checkpoint } from '../note/checkpoint.js';
import { cosign } from '../note/cosignature.js';
import type { NoteSigner, NoteVerifier } from '../note/note-key.js';
import { openNote } from '../note/open-note.js';
import { parseNote } from '../note/parse-note.js';
import { parseAddCheckpointRequest } from './add-checkpoint-request.js';
import type { WitnessStateStore } from './witness-state.js';

/** A witness: its cosigning key(s), the logs it follows with their keys, and its state. */
export interface WitnessConfig {
  cosigners: (NoteSigner & { kind?: string })[];
  /** Trusted log keys by checkpoint origin. */
  logs: ReadonlyMap<string, NoteVerifier[]>;
  store: WitnessStateStore;
  /** Told of every refused but validly signed checkpoint: possible evidence of log misbehaviour. */
  onRefusal?: (refusal: { origin: string; status: number; reason: string; checkpoint: string }) => void;
}

/** An HTTP answer, independent of any server framework. */
export interface WitnessResponse {
  status: number;
  contentType: string;
  body: string;
}

const text = (status: number, body: string): WitnessResponse => ({ status, contentType: 'text/plain; charset=utf-8', body: `${body}\n` });

/**
 * The tlog-witness `add-checkpoint` decision (c2sp.org/tlog-witness): 400 malformed or old size
 * above the checkpoint size, 404 unknown origin, 403 no valid signature from a trusted log key,
 * 409 (`text/x.tlog.size`, the recorded size) when the old size is not the size last cosigned,
 * 422 when the checkpoint is not consistent with it, 200 and cosignature lines otherwise. The
 * body is attacker-controlled bytes.
 */
export async function addCheckpoint(witness: WitnessConfig, body: Uint8Array): Promise<WitnessResponse> {
  let requestText: string;
  try {
    requestText = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return text(400, 'request is not UTF-8');
  }
  const request = parseAddCheckpointRequest(requestText);
  if (typeof request === 'string') return text(400, request);

  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(parseNote(request.checkpoint).body);
  } catch (error) {
    return text(400, error instanceof MedVeilError ? error.message : 'malformed checkpoint');
  }
  const verifiers = witness.logs.get(checkpoint.origin);
  if (verifiers === undefined) return text(404, 'unknown log origin');
  let logSignatures: string[];
  try {
    logSignatures = openNote(request.checkpoint, verifiers).verifiedSignatures.map((s) => s.line);
  } catch (error) {
    return text(403, error instanceof MedVeilError ? error.message : 'checkpoint signature not verified');
  }

  const refuse = (status: number, reason: string): WitnessResponse => {
    witness.onRefusal?.({ origin: checkpoint.origin, status, reason, checkpoint: request.checkpoint });
    return text(status, reason);
  };
  if (request.oldSize > checkpoint.size) return refuse(400, `old size ${request.oldSize} is above the checkpoint size ${checkpoint.size}`);
  const latest = await witness.store.latest(checkpoint.origin);
  const latestSize = latest?.size ?? 0;
  if (request.oldSize !== latestSize) return conflict(refuse, latestSize);
  if (checkpoint.size === 0 && !sameHash(checkpoint.rootHash, EMPTY_ROOT)) return refuse(422, 'a checkpoint of size 0 must carry the empty tree hash');
  if (request.oldSize === 0) {
    if (request.consistencyProof.length > 0) return refuse(422, 'a consistency proof from size 0 must be empty');
  } else {
    try {
      verifyConsistency(request.oldSize, checkpoint.size, request.consistencyProof, latest!.rootHash, checkpoint.rootHash);
    } catch (error) {
      const why = error instanceof MedVeilError ? error.message : 'consistency proof failed';
      return refuse(422, `not consistent with the checkpoint of size ${latestSize} cosigned earlier: ${why}`);
    }
  }

  const noteBody = parseNote(request.checkpoint).body;
  const cosignatures = witness.cosigners.map((cosigner) => cosign(noteBody, cosigner));
  const stored = await witness.store.compareAndSet(checkpoint.origin, request.oldSize, {
    size: checkpoint.size,
    rootHash: checkpoint.rootHash,
    note: `${noteBody}\n${logSignatures.join('')}${cosignatures.join('')}`,
  });
  if (!stored.ok) return conflict(refuse, stored.latestSize);
  return { status: 200, contentType: 'text/plain; charset=utf-8', body: cosignatures.join('') };
}

/** The monitoring endpoint's path segment for a log: lowercase hex SHA-256 of the origin. */
export function originHash(origin: string): string {
  return createHash('sha256').update(origin, 'utf8').digest('hex');
}

function conflict(refuse: (status: number, reason: string) => WitnessResponse, latestSize: number): WitnessResponse {
  refuse(409, `old size does not match the latest cosigned size ${latestSize}`);
  return { status: 409, contentType: 'text/x.tlog.size', body: `${latestSize}\n` };
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
