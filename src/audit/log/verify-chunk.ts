import { HASH_SIZE, leafHash, nodeHash } from '../merkle/hash.js';
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
  const stored = Buffer.from(chunk.hashes.buffer, chunk.hashes.byteOffset, chunk.hashes.byteLength);
  const levels: number[] = [];
  const hashes: Uint8Array[] = [];
  const bordersAt: Subtree[][] = [];
  let wanted = 0;
  let at = 0;
  let offset = 0;
  const matchesNext = (hash: Uint8Array): boolean => {
    const ok = at + HASH_SIZE <= stored.length && stored.compare(hash, 0, HASH_SIZE, at, at + HASH_SIZE) === 0;
    at += HASH_SIZE;
    return ok;
  };
  for (let i = 0; i < chunk.lengths.length; i++) {
    const length = chunk.lengths[i]!;
    let hash = leafHash(chunk.events.subarray(offset, offset + length));
    offset += length;
    if (!matchesNext(hash)) return { matches: false };
    let level = 0;
    while (levels.length > 0 && levels[levels.length - 1] === level) {
      levels.pop();
      hash = nodeHash(hashes.pop()!, hash);
      level++;
      if (!matchesNext(hash)) return { matches: false };
    }
    levels.push(level);
    hashes.push(hash);
    if (chunk.wantedSizes[wanted] === chunk.start + i + 1) {
      bordersAt.push(subtrees(levels, hashes));
      wanted++;
    }
  }
  const eventProblems: EventProblem[] = [];
  if (chunk.checkEvents) {
    offset = 0;
    for (let i = 0; i < chunk.lengths.length; i++) {
      const length = chunk.lengths[i]!;
      const message = storedEventProblem(chunk.events.subarray(offset, offset + length));
      if (message !== undefined) eventProblems.push({ index: chunk.start + i, message });
      offset += length;
    }
  }
  return { matches: true, border: subtrees(levels, hashes), bordersAt, storedAbove: new Uint8Array(stored.subarray(at)), eventProblems };
}

// Copies: a hash may be a view into a larger pooled buffer, all of which a message would carry.
function subtrees(levels: number[], hashes: Uint8Array[]): Subtree[] {
  return levels.map((level, i) => ({ level, hash: new Uint8Array(hashes[i]!) }));
}
