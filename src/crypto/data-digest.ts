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
