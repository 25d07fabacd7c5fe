import { MedVeilError } from '../../errors.js';
import type { AuditStore, StoredCheckpoint } from '../../storage/audit-store.js';
import { consistencyProof } from '../merkle/consistency-proof.js';
import { verifyConsistency } from '../merkle/verify.js';
import { parseCheckpoint, type Checkpoint } from '../note/checkpoint.js';
import { verifyCosignature } from '../note/cosignature.js';
import type { NoteVerifier } from '../note/note-key.js';
import { openNote } from '../note/open-note.js';
import { recomputeTree } from './recompute-tree.js';

export type LogProblemKind =
  | 'event-missing'
  | 'event-invalid'
  | 'leaf-hash'
  | 'node-hash'
  | 'hash-missing'
  | 'extra-hashes'
  | 'checkpoint-signature'
  | 'checkpoint-malformed'
  | 'checkpoint-origin'
  | 'checkpoint-root'
  | 'checkpoint-beyond-log'
  | 'checkpoint-consistency'
  | 'cosignature';

export interface LogProblem {
  kind: LogProblemKind;
  /** The first event index the problem concerns, when one can be named. */
  index?: number;
  /** The checkpoint the problem concerns. */
  checkpointSize?: number;
  message: string;
}

export interface LogVerification {
  ok: boolean;
  /** Events in the store (one more than the highest index). */
  size: number;
  /** The root recomputed from the stored events. */
  rootHash: Uint8Array;
  checkpointsChecked: number;
  cosignaturesChecked: number;
  /** The lowest event index that any problem names; undefined when none does. */
  firstBadIndex: number | undefined;
  problems: LogProblem[];
}

export interface VerifyLogOptions {
  /** The origin every checkpoint must carry; by default, that of the first checkpoint. */
  origin?: string;
  /** Witness cosignature keys; stored cosignatures by these witnesses must verify. */
  witnesses?: NoteVerifier[];
  /** Decode and validate every event (default true); off, only the tree is checked. */
  checkEvents?: boolean;
  /** Worker threads that hash and check chunks of events; 0 does all on this thread (default: one per core). */
  threads?: number;
  /** Events per chunk, a power of two (default 8192). */
  chunkSize?: number;
  /** Stop collecting after this many problems (default 100). */
  maxProblems?: number;
}

/**
 * Recomputes the whole log from its stored events and checks everything a court would:
 * indices are contiguous from 0; each event is valid canonical JSON; every stored tree hash
 * equals the one recomputed from the events; every checkpoint is signed by every key in
 * `verifiers` (the log's keys), names the right origin, and has the root recomputed at its
 * size — which makes consecutive checkpoints consistent with each other, and this is checked
 * again from stored hashes with RFC 6962 consistency proofs; no checkpoint is larger than the
 * log; stored cosignatures by known witnesses verify. Problems are collected, not thrown,
 * and `firstBadIndex` names the first event index any of them concerns.
 */
export async function verifyLog(store: AuditStore, verifiers: NoteVerifier[], options: VerifyLogOptions = {}): Promise<LogVerification> {
  if (verifiers.length === 0) throw new MedVeilError('usage', 'verifying a log needs its public key', { hint: 'pass --key <log public key file>' });
  const maxProblems = options.maxProblems ?? 100;
  const problems: LogProblem[] = [];
  const report = (problem: LogProblem): void => {
    if (problems.length < maxProblems) problems.push(problem);
  };
  const size = await store.size();
  const checkpoints = openCheckpoints(await store.checkpoints(), verifiers, options.origin, report);
  const { rootHash, roots } = await recomputeTree(
    store,
    size,
    checkpoints.map((c) => c.checkpoint.size),
    {
      checkEvents: options.checkEvents ?? true,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
    },
    report,
  );
  return finish(store, size, rootHash, checkpoints, problems, roots, options, report);
}

interface OpenedCheckpoint {
  stored: StoredCheckpoint;
  checkpoint: Checkpoint;
  body: string;
}

function openCheckpoints(
  stored: StoredCheckpoint[],
  verifiers: NoteVerifier[],
  origin: string | undefined,
  report: (problem: LogProblem) => void,
): OpenedCheckpoint[] {
  const opened: OpenedCheckpoint[] = [];
  let expectedOrigin = origin;
  for (const entry of stored) {
    let body: string;
    try {
      const note = openNote(entry.note, verifiers);
      const missing = verifiers.filter((v) => !note.verified.includes(v));
      if (missing.length > 0) throw new MedVeilError('audit-verify', `not signed by ${missing.map((v) => `${v.name} (${v.kind})`).join(', ')}`);
      body = note.body;
    } catch (error) {
      report({ kind: 'checkpoint-signature', checkpointSize: entry.size, message: `checkpoint of size ${entry.size}: ${(error as Error).message}` });
      continue;
    }
    let checkpoint: Checkpoint;
    try {
      checkpoint = parseCheckpoint(body);
    } catch (error) {
      report({ kind: 'checkpoint-malformed', checkpointSize: entry.size, message: `checkpoint of size ${entry.size}: ${(error as Error).message}` });
      continue;
    }
    if (checkpoint.size !== entry.size) {
      report({ kind: 'checkpoint-malformed', checkpointSize: entry.size, message: `checkpoint stored as size ${entry.size} says size ${checkpoint.size}` });
      continue;
    }
    expectedOrigin ??= checkpoint.origin;
    if (checkpoint.origin !== expectedOrigin) {
      report({ kind: 'checkpoint-origin', checkpointSize: entry.size, message: `checkpoint of size ${entry.size} is for log "${checkpoint.origin}", not "${expectedOrigin}"` });
      continue;
    }
    opened.push({ stored: entry, checkpoint, body });
  }
  return opened;
}

async function finish(
  store: AuditStore,
  size: number,
  rootHash: Uint8Array,
  checkpoints: OpenedCheckpoint[],
  problems: LogProblem[],
  roots: Map<number, Uint8Array>,
  options: VerifyLogOptions,
  report: (problem: LogProblem) => void,
): Promise<LogVerification> {
  let previous: OpenedCheckpoint | undefined;
  let cosignaturesChecked = 0;
  for (const current of checkpoints) {
    const { checkpoint } = current;
    const recomputed = roots.get(checkpoint.size);
    if (checkpoint.size > size) {
      report({
        kind: 'checkpoint-beyond-log',
        index: size,
        checkpointSize: checkpoint.size,
        message: `checkpoint of size ${checkpoint.size} was signed but the store holds ${size} events: events from ${size} on were removed`,
      });
    } else if (recomputed !== undefined && !sameHash(recomputed, checkpoint.rootHash)) {
      const from = previous?.checkpoint.size ?? 0;
      // When the stored hashes were rewritten along with the events, only the signed root
      // shows the change, and it bounds the first bad index from below; a problem already
      // naming an index in that range is more precise.
      const explained = problems.some((p) => p.index !== undefined && p.index >= from && p.index < checkpoint.size);
      report({
        kind: 'checkpoint-root',
        ...(explained ? {} : { index: from }),
        checkpointSize: checkpoint.size,
        message: `the events do not reproduce the root of checkpoint ${checkpoint.size}: an event in ${from}..${checkpoint.size - 1} was changed`,
      });
    }
    if (previous !== undefined && previous.checkpoint.size > 0 && checkpoint.size <= size) {
      try {
        const proof = await consistencyProof(previous.checkpoint.size, checkpoint.size, store);
        verifyConsistency(previous.checkpoint.size, checkpoint.size, proof, previous.checkpoint.rootHash, checkpoint.rootHash);
      } catch (error) {
        report({
          kind: 'checkpoint-consistency',
          index: previous.checkpoint.size,
          checkpointSize: checkpoint.size,
          message: `checkpoint ${checkpoint.size} is not proved consistent with checkpoint ${previous.checkpoint.size}: ${(error as Error).message}`,
        });
      }
    }
    cosignaturesChecked += await checkCosignatures(store, current, options.witnesses ?? [], report);
    previous = current;
  }
  const indexed = problems.filter((p) => p.index !== undefined).map((p) => p.index!);
  return {
    ok: problems.length === 0,
    size,
    rootHash,
    checkpointsChecked: checkpoints.length,
    cosignaturesChecked,
    firstBadIndex: indexed.length > 0 ? Math.min(...indexed) : undefined,
    problems,
  };
}

async function checkCosignatures(
  store: AuditStore,
  current: OpenedCheckpoint,
  witnesses: NoteVerifier[],
  report: (problem: LogProblem) => void,
): Promise<number> {
  let checked = 0;
  for (const cosignature of await store.cosignatures(current.checkpoint.size)) {
    const witness = witnesses.find((w) => w.name === cosignature.witness);
    if (witness === undefined) continue;
    try {
      verifyCosignature(current.body, cosignature.line, witness);
      checked++;
    } catch (error) {
      report({
        kind: 'cosignature',
        checkpointSize: current.checkpoint.size,
        message: `cosignature of checkpoint ${current.checkpoint.size} by ${cosignature.witness}: ${(error as Error).message}`,
      });
    }
  }
  return checked;
}

// Nothing here is secret (every hash is public), so a plain comparison is safe; Buffer.compare is native.
function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
