import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CROCKFORD_ALPHABET, encodeCrockford } from '../../crypto/crockford-base32.js';

/**
 * The one-time code that creates the first administrator: printed by the server on a first
 * start with no users, typed once, and then useless. 80 random bits in Crockford's base32
 * (no I, L, O, U), as four groups of four, `7K2M-Q9XD-4HNB-WT3R`. Times are milliseconds.
 */
const codeBytes = 10;
const codeLength = 16;

export const bootstrapCodeLifetimeMs = 15 * 60_000;
/** Wrong codes after which this code is void and the server must print a new one. */
export const bootstrapCodeMaximumFailures = 5;

export interface BootstrapCodeRecord {
  /** SHA-256 of the canonical 16 characters, lowercase hex. */
  digest: string;
  expiresAt: number;
  usedAt?: number;
  failures: number;
}

export type BootstrapRedemption =
  | { outcome: 'accepted'; record: BootstrapCodeRecord }
  | { outcome: 'wrong' | 'malformed' | 'expired' | 'used' | 'exhausted'; record: BootstrapCodeRecord };

/** A new code to print, and the record to keep instead of it. */
export function createBootstrapCode(options: {
  now: number;
  lifetimeMs?: number;
  random?: (size: number) => Uint8Array;
}): { code: string; record: BootstrapCodeRecord } {
  const canonical = encodeCrockford((options.random ?? randomBytes)(codeBytes));
  return {
    code: canonical.match(/.{4}/g)!.join('-'),
    record: {
      digest: digestOf(canonical),
      expiresAt: options.now + (options.lifetimeMs ?? bootstrapCodeLifetimeMs),
      failures: 0,
    },
  };
}

/**
 * Checks a typed code. Case, spaces and dashes do not matter, and O, I and L are read as
 * 0, 1 and 1 (Crockford's rules). A wrong code counts towards exhaustion; a malformed one
 * does not, since it cannot be a guess.
 */
export function redeemBootstrapCode(
  record: BootstrapCodeRecord,
  attempt: { code: string; now: number },
): BootstrapRedemption {
  if (record.usedAt !== undefined) return { outcome: 'used', record };
  if (attempt.now >= record.expiresAt) return { outcome: 'expired', record };
  if (record.failures >= bootstrapCodeMaximumFailures) return { outcome: 'exhausted', record };
  const canonical = canonicalCode(attempt.code);
  if (canonical === undefined) return { outcome: 'malformed', record };
  const expected = Buffer.from(record.digest, 'hex');
  const actual = Buffer.from(digestOf(canonical), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return { outcome: 'wrong', record: { ...record, failures: record.failures + 1 } };
  }
  return { outcome: 'accepted', record: { ...record, usedAt: attempt.now } };
}

function canonicalCode(typed: string): string | undefined {
  const canonical = typed
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (canonical.length !== codeLength) return undefined;
  for (const char of canonical) if (!CROCKFORD_ALPHABET.includes(char)) return undefined;
  return canonical;
}

function digestOf(canonical: string): string {
  return createHash('sha256').update(canonical, 'ascii').digest('hex');
}
