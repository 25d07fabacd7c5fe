import { MedVeilError } from '../errors.js';

/**
 * A crypto suite names the algorithms used together. `intl`: Ed25519 (RFC 8032) and SHA-256.
 * `gm`: the Chinese commercial cryptography standards, SM2 signatures (GB/T 32918.2, GM/T 0003.2)
 * with SM3 (GB/T 32905, GM/T 0004), in addition to the `intl` algorithms where an international
 * verifier must still be able to check our output (the RFC 6962 tree stays SHA-256).
 */
export type CryptoSuite = 'intl' | 'gm';

export const cryptoSuites: readonly CryptoSuite[] = ['intl', 'gm'];

export function parseCryptoSuite(text: string): CryptoSuite {
  if (text === 'intl' || text === 'gm') return text;
  throw new MedVeilError('usage', `unknown crypto suite "${text}"`, { hint: 'use --suite intl or --suite gm' });
}
