import { HASH_SIZE } from '../merkle/hash.js';
import { leafHashLatin1, nodeHashLatin1 } from './latin1-tree-hash.js';
import { storedEventProblem } from './stored-event-problem.js';
import type { Subtree } from './tree-border.js';

/**
 * A chunk of the log for `verifyChunk`: events [start, start + lengths.length), where `start`
 * is a multiple of the chunk size (a power of two) and no chunk is larger, so that every
 * subtree completed inside the chunk lies inside it, except those completed by its last
 * leaf that reach further left.
 */
export interface ChunkToVerify {
  start: number;
  /** The events end to end; event start + i is lengths[i] bytes. */
  events: Uint8Array;
  lengths: Uint32Array;
  /** The stored hashes storedHashCount(start) .. storedHashCount(end) - 1, 32 bytes each. */
  hashes: Uint8Array;
  /** Sizes in (start, end] at which the border inside the chunk is wanted, ascending (checkpoint sizes). */
  wantedSizes: number[];
  checkEvents: boolean;
}

export interface EventProblem {
  index: number;
  message: string;
}

/**
 * `matches: false` when a stored hash inside the chunk differs from the recomputed one; the
 * caller then goes through the chunk event by event to name what is wrong. Otherwise the
 * chunk as subtrees, the stored hashes it did not check (those of subtrees reaching left of
 * the chunk, completed by its last leaf, lowest first), and the events it found invalid.
 */
export type ChunkVerdict =
  | { matches: false }
  | {
      matches: true;
      /** The complete subtrees covering the chunk, largest first: one when the chunk is full. */
      border: Subtree[];
      /** For each wanted size, the subtrees covering [start, size), largest first. */
      bordersAt: Subtree[][];
      storedAbove: Uint8Array;
      eventProblems: EventProblem[];
    };

/**
 * Recomputes the leaf and node hashes of one chunk and compares each with the stored one
 * (RFC 6962 2.1, stored in the order of stored-hash-index.ts), and checks every event as
 * `decodeAuditEvent` would. Pure; runs on a worker thread or inline.
 */
export function verifyChunk(chunk: ChunkToVerify): ChunkVerdict {
  // Hashes are compared as latin1 strings, one character per byte (see latin1-tree-hash.ts).
  const stored = Buffer.from(chunk.hashes.buffer, chunk.hashes.byteOffset, chunk.hashes.byteLength).toString('latin1');
  const levels: number[] = [];
  const hashes: string[] = [];
  const bordersAt: Subtree[][] = [];
  const eventProblems: EventProblem[] = [];
  let wanted = 0;
  let at = 0;
  let offset = 0;
  const matchesNext = (hash: string): boolean => {
    const ok = stored.startsWith(hash, at);
    at += HASH_SIZE;
    return ok;
  };
  for (let i = 0; i < chunk.lengths.length; i++) {
    const length = chunk.lengths[i]!;
    const event = chunk.events.subarray(offset, offset + length);
    offset += length;
    let hash = leafHashLatin1(event);
    if (!matchesNext(hash)) return { matches: false };
    let level = 0;
    while (levels.length > 0 && levels[levels.length - 1] === level) {
      levels.pop();
      hash = nodeHashLatin1(hashes.pop()!, hash);
      level++;
      if (!matchesNext(hash)) return { matches: false };
    }
    levels.push(level);
    hashes.push(hash);
    if (chunk.wantedSizes[wanted] === chunk.start + i + 1) {
      bordersAt.push(subtrees(levels, hashes));
      wanted++;
    }
    if (chunk.checkEvents) {
      const message = storedEventProblem(event);
      if (message !== undefined) eventProblems.push({ index: chunk.start + i, message });
    }
  }
  const storedAbove = new Uint8Array(chunk.hashes.subarray(at));
  return { matches: true, border: subtrees(levels, hashes), bordersAt, storedAbove, eventProblems };
}

function subtrees(levels: number[], hashes: string[]): Subtree[] {
  return levels.map((level, i) => ({ level, hash: Uint8Array.from(Buffer.from(hashes[i]!, 'latin1')) }));
}
