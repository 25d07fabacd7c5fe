import { createHash } from 'node:crypto';
import type { CryptoSuite } from './suite.js';
import { sha256 } from './sha256.js';
import { sm3 } from './sm3.js';

/** A digest of data served or stored, named by algorithm so a verifier knows how to recompute it. */
export interface DataDigest {
  algorithm: 'sha256' | 'sm3';
  /** Lowercase hex. */
  value: string;
}

/**
 * The digests a suite records for `data`: SHA-256 always (so international verifiers can
 * check), and SM3 as well under `gm`.
 */
export function dataDigests(data: Uint8Array, suite: CryptoSuite): DataDigest[] {
  const digests: DataDigest[] = [{ algorithm: 'sha256', value: Buffer.from(sha256(data)).toString('hex') }];
  if (suite === 'gm') digests.push({ algorithm: 'sm3', value: Buffer.from(sm3(data)).toString('hex') });
  return digests;
}

/** The same digests as dataDigests, of data that arrives in pieces (a package as it is written). */
export interface DataDigester {
  update(chunk: Uint8Array): void;
  /** The digests of everything given so far; call once. */
  digests(): DataDigest[];
}

export function createDataDigester(suite: CryptoSuite): DataDigester {
  // Node's OpenSSL has both; the one-shot sm3() above uses sm-crypto-v2, and a test checks they agree.
  const hashes = [{ algorithm: 'sha256' as const, hash: createHash('sha256') }, ...(suite === 'gm' ? [{ algorithm: 'sm3' as const, hash: createHash('sm3') }] : [])];
  return {
    update: (chunk) => {
      for (const { hash } of hashes) hash.update(chunk);
    },
    digests: () => hashes.map(({ algorithm, hash }) => ({ algorithm, value: hash.digest('hex') })),
  };
}
