import { MedVeilError } from '../../errors.js';
import type { NoteVerifier } from '../note/note-key.js';
import { openNote } from '../note/open-note.js';
import { parseNote } from '../note/parse-note.js';
import { formatAddCheckpointRequest } from './add-checkpoint-request.js';

/** A witness the log submits to: where it listens and the cosignature key we trust. */
export interface WitnessEndpoint {
  /** Submission prefix, e.g. `http://127.0.0.1:7380`; `/add-checkpoint` is appended. */
  url: string;
  verifier: NoteVerifier;
}

export type SubmitResult =
  | { outcome: 'cosigned'; lines: string[] }
  | { outcome: 'conflict'; latestSize: number }
  | { outcome: 'refused'; status: number; message: string };

/**
 * One `add-checkpoint` round trip. Only the cosignature lines of `witness.verifier` that verify
 * over the checkpoint are returned; anything else in the answer is dropped (tlog-witness: the
 * client MUST ignore cosignatures from unknown keys). Network failures are a refusal with
 * status 0, so one unreachable witness never stops the log.
 */
export async function submitCheckpoint(
  witness: WitnessEndpoint,
  request: { oldSize: number; consistencyProof: Uint8Array[]; checkpoint: string },
  options: { timeoutMs?: number } = {},
): Promise<SubmitResult> {
  let response: Response;
  try {
    response = await fetch(new URL('add-checkpoint', withSlash(witness.url)), {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: formatAddCheckpointRequest(request),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    return { outcome: 'refused', status: 0, message: `witness ${witness.url} unreachable: ${(error as Error).message}` };
  }
  const body = await response.text();
  if (response.status === 409) {
    const match = /^(0|[1-9][0-9]{0,15})\n$/.exec(body);
    if (match !== null && response.headers.get('content-type')?.startsWith('text/x.tlog.size')) {
      return { outcome: 'conflict', latestSize: Number(match[1]) };
    }
    return { outcome: 'refused', status: 409, message: 'witness answered 409 without a text/x.tlog.size body' };
  }
  if (response.status !== 200) return { outcome: 'refused', status: response.status, message: body.trim().slice(0, 500) };
  try {
    const checkpointBody = parseNote(request.checkpoint).body;
    const opened = openNote(`${checkpointBody}\n${body}`, [witness.verifier]);
    return { outcome: 'cosigned', lines: opened.verifiedSignatures.map((s) => s.line) };
  } catch (error) {
    return { outcome: 'refused', status: 200, message: `witness answer has no valid cosignature: ${(error as Error).message}` };
  }
}

export interface WitnessingResult {
  /** The checkpoint with every cosignature obtained appended. */
  note: string;
  cosignatures: { witness: string; line: string }[];
  refusals: { witness: string; status: number; message: string }[];
  /** The size each witness recorded last, to send as `old` next time. */
  witnessSizes: Map<string, number>;
}

/**
 * Submits a signed checkpoint of `size` leaves to every witness. The old size sent is what we
 * last learned of that witness (`knownSizes`, 0 when unknown); on 409 we learn the witness's
 * recorded size and retry once with a consistency proof from it, which `proofFrom` computes. A
 * witness that recorded a size above ours, or refuses, is reported in `refusals`: a log that sees
 * that has been forked or rolled back, or a witness is lying.
 */
export async function witnessCheckpoint(options: {
  checkpoint: string;
  size: number;
  witnesses: WitnessEndpoint[];
  knownSizes?: ReadonlyMap<string, number>;
  proofFrom: (oldSize: number) => Promise<Uint8Array[]> | Uint8Array[];
  timeoutMs?: number;
}): Promise<WitnessingResult> {
  const result: WitnessingResult = { note: options.checkpoint, cosignatures: [], refusals: [], witnessSizes: new Map() };
  const perWitness = options.witnesses.map(() => [] as { witness: string; line: string }[]);
  await Promise.all(
    options.witnesses.map(async (witness, position) => {
      let oldSize = Math.min(options.knownSizes?.get(witness.url) ?? 0, options.size);
      for (let attempt = 0; attempt < 2; attempt++) {
        const proof = oldSize === 0 || oldSize === options.size ? [] : await options.proofFrom(oldSize);
        const answer = await submitCheckpoint(witness, { oldSize, consistencyProof: proof, checkpoint: options.checkpoint }, options);
        if (answer.outcome === 'cosigned') {
          result.witnessSizes.set(witness.url, options.size);
          for (const line of answer.lines) perWitness[position]!.push({ witness: witness.verifier.name, line });
          return;
        }
        if (answer.outcome === 'conflict') {
          result.witnessSizes.set(witness.url, answer.latestSize);
          if (answer.latestSize > options.size) {
            result.refusals.push({
              witness: witness.verifier.name,
              status: 409,
              message: `witness has cosigned size ${answer.latestSize}, beyond this checkpoint's ${options.size}: the log was rolled back or forked`,
            });
            return;
          }
          oldSize = answer.latestSize;
          continue;
        }
        result.refusals.push({ witness: witness.verifier.name, status: answer.status, message: answer.message });
        return;
      }
      result.refusals.push({ witness: witness.verifier.name, status: 409, message: 'witness size kept changing; gave up after one retry' });
    }),
  );
  result.cosignatures = perWitness.flat();
  result.note = options.checkpoint + result.cosignatures.map((c) => c.line).join('');
  return result;
}

function withSlash(url: string): string {
  if (!/^https?:\/\//.test(url)) throw new MedVeilError('usage', `witness URL "${url}" must start with http:// or https://`);
  return url.endsWith('/') ? url : `${url}/`;
}
