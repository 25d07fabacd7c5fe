/**
 * Which planted identifiers of the synthetic part survive in a tool's output: in any output
 * file's bytes, or in any output path (PACS exports put names and IDs in folder names). The
 * byte search is GNU grep's fixed-string matcher (many patterns at once, any bytes under
 * LC_ALL=C), which reads a gigabyte in seconds.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MedVeilError } from '../../src/errors.js';
import type { PlantedTokenRecord } from './build-corpus.js';
import { listFiles } from './list-files.js';

export interface SurvivingTokens {
  /** Distinct planted tokens searched for. */
  readonly planted: number;
  readonly inBytes: number;
  readonly inPaths: number;
  /** Distinct tokens found in bytes or paths. */
  readonly total: number;
  /** Places (as the generator names them, with the patient and image stripped) of surviving tokens, with counts. */
  readonly places: ReadonlyMap<string, number>;
}

const DIGITS_ONLY = /^[0-9]+$/;

export function countSurvivingTokens(outputRoot: string, tokens: readonly PlantedTokenRecord[], scratch: string): SurvivingTokens {
  const byLatin1 = new Map(tokens.map((t) => [Buffer.from(t.hex, 'hex').toString('latin1'), t]));
  const found = new Set<PlantedTokenRecord>();
  let inBytes = 0;
  for (const token of bytesMatches(outputRoot, byLatin1, scratch)) {
    if (!found.has(token)) inBytes++;
    found.add(token);
  }
  const paths = listFiles(outputRoot).join('\n');
  let inPaths = 0;
  for (const token of tokens) {
    if (!paths.includes(Buffer.from(token.hex, 'hex').toString('latin1'))) continue;
    inPaths++;
    found.add(token);
  }
  const places = new Map<string, number>();
  for (const token of found) {
    const place = token.place.replace(/^patient\d+\//, '').replace(/^(image\d+|sr|\d+|report)\//, '');
    places.set(place, (places.get(place) ?? 0) + 1);
  }
  return { planted: tokens.length, inBytes, inPaths, total: found.size, places };
}

/**
 * Tokens found in file bytes. A token of digits only (a planted date) is not counted when the
 * byte before it is a digit or a dot: there it is a chance substring of a longer number, such as
 * a new 2.25 UID, not the planted value.
 */
function bytesMatches(root: string, byLatin1: ReadonlyMap<string, PlantedTokenRecord>, scratch: string): PlantedTokenRecord[] {
  if (!existsSync(root)) return [];
  const patterns = join(scratch, 'tokens.grep');
  writeFileSync(patterns, Buffer.from([...byLatin1.keys()].join('\n'), 'latin1'));
  const run = spawnSync('grep', ['-r', '-o', '-a', '-b', '-F', '-f', patterns, '.'], {
    cwd: root,
    env: { ...process.env, LC_ALL: 'C' },
    maxBuffer: 1 << 30,
  });
  if (run.error) throw new MedVeilError('io', `cannot run grep: ${run.error.message}`);
  // grep exits 1 when nothing matched, 2 on trouble.
  if (run.status !== 0 && run.status !== 1) throw new MedVeilError('io', `grep failed: ${run.stderr.toString()}`);
  const found: PlantedTokenRecord[] = [];
  for (const line of run.stdout.toString('latin1').split('\n')) {
    if (line === '') continue;
    // "<path>:<byte offset>:<match>"; our paths hold no colon.
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    const path = line.slice(0, first);
    const offset = Number(line.slice(first + 1, second));
    const token = byLatin1.get(line.slice(second + 1));
    if (token === undefined) continue;
    if (DIGITS_ONLY.test(line.slice(second + 1)) && insideLongerNumber(join(root, path), offset)) continue;
    found.push(token);
  }
  return found;
}

function insideLongerNumber(path: string, offset: number): boolean {
  if (offset === 0) return false;
  const fd = openSync(path, 'r');
  try {
    const before = Buffer.alloc(1);
    readSync(fd, before, 0, 1, offset - 1);
    return (before[0]! >= 0x30 && before[0]! <= 0x39) || before[0] === 0x2e;
  } finally {
    closeSync(fd);
  }
}
