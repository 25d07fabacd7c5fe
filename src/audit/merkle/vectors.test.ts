import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { MedVeilError } from '../../errors.js';
import {
  verifyConsistency,
  verifyInclusion,
  verifySubtreeConsistency,
  verifySubtreeInclusion,
  type TreeCount,
} from './verify.js';
import { repoRoot } from '../../../test/support/repo-root.js';


const vectorRoot = join(repoRoot(), '..', 'shared', 'specs', 'merkle-testdata');

function listJson(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return listJson(path);
      return name.endsWith('.json') ? [path] : [];
    });
}

type Vector = Record<string, unknown> & { wantErr: boolean; desc: string };

// Indexes up to 2^64 - 1 appear; JSON.parse would round them, so they are read as text.
function readVector(path: string): Vector {
  const text = readFileSync(path, 'utf8').replace(/:\s*(\d{16,})/g, ': "$1"');
  return JSON.parse(text) as Vector;
}

function count(value: unknown): TreeCount {
  if (typeof value === 'string') return BigInt(value);
  assert.equal(typeof value, 'number');
  return value as number;
}

function bytes(value: unknown): Uint8Array {
  assert.equal(typeof value, 'string');
  return new Uint8Array(Buffer.from(value as string, 'base64'));
}

function hashes(value: unknown): Uint8Array[] {
  if (value === null || value === undefined) return [];
  return (value as string[]).map(bytes);
}

const families: Record<string, (v: Vector) => void> = {
  inclusion: (v) => verifyInclusion(bytes(v.leafHash), count(v.leafIdx), count(v.treeSize), hashes(v.proof), bytes(v.root)),
  consistency: (v) => verifyConsistency(count(v.size1), count(v.size2), hashes(v.proof), bytes(v.root1), bytes(v.root2)),
  subtreeinclusion: (v) =>
    verifySubtreeInclusion(bytes(v.leafHash), count(v.leafIdx), { start: count(v.start), end: count(v.end) }, hashes(v.proof), bytes(v.root)),
  subtreeconsistency: (v) =>
    verifySubtreeConsistency({ start: count(v.start), end: count(v.end) }, count(v.size), hashes(v.proof), bytes(v.root1), bytes(v.root2)),
};

test('all 518 shared Merkle proof vectors are accepted or rejected as labelled (wantErr)', () => {
  const failures: string[] = [];
  let total = 0;
  let rejected = 0;
  for (const [family, verify] of Object.entries(families)) {
    for (const path of listJson(join(vectorRoot, family))) {
      const vector = readVector(path);
      total++;
      let error: unknown;
      try {
        verify(vector);
      } catch (caught) {
        error = caught;
      }
      if (error !== undefined) {
        rejected++;
        if (!(error instanceof MedVeilError) || error.code !== 'audit-verify') {
          failures.push(`${relative(vectorRoot, path)}: threw a non-verification error: ${String(error)}`);
          continue;
        }
      }
      if ((error !== undefined) !== vector.wantErr) {
        const outcome = error === undefined ? 'accepted' : `rejected (${(error as Error).message})`;
        failures.push(`${relative(vectorRoot, path)} "${vector.desc}": ${outcome}, wantErr ${vector.wantErr}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(total, 518);
  assert.ok(rejected > 0 && rejected < total);
});
