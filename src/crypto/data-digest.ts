import { createHash } from 'node:crypto';
import type { CryptoSuite } from './suite.js';

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
  const digester = createDataDigester(suite);
  digester.update(data);
  return digester.digests();
}

/** The same digests as dataDigests, of data that arrives in pieces (a package as it is written). */
export interface DataDigester {
  update(chunk: Uint8Array): void;
  /** The digests of everything given so far; call once. */
  digests(): DataDigest[];
}

export function createDataDigester(suite: CryptoSuite): DataDigester {
  // Node's OpenSSL has both; a test checks its SM3 against sm-crypto-v2's (sm3.ts), which the signatures use.
  const hashes = [{ algorithm: 'sha256' as const, hash: createHash('sha256') }, ...(suite === 'gm' ? [{ algorithm: 'sm3' as const, hash: createHash('sm3') }] : [])];
  return {
    update: (chunk) => {
      for (const { hash } of hashes) hash.update(chunk);
    },
    digests: () => hashes.map(({ algorithm, hash }) => ({ algorithm, value: hash.digest('hex') })),
  };
}
