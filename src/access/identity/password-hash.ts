import { randomBytes } from 'node:crypto';
import { hash, parseOptions, verify, type Options } from '@node-rs/argon2';
import { internalError } from '../../errors.js';
import { normalizePassword } from './normalize-password.js';
import { maximumPasswordLength } from './password-policy.js';

/** Argon2id cost parameters (RFC 9106 3.1): memory in KiB, passes over it, and lanes. */
export interface PasswordHashParameters {
  memoryKiB: number;
  passes: number;
  lanes: number;
}

/**
 * 64 MiB, 3 passes, 1 lane: RFC 9106 section 4's second recommended option (64 MiB, t=3)
 * and more than three times the memory of OWASP's floor (19 MiB, t=2, p=1). One lane, not
 * RFC 9106's four, because lanes only speed up a defender with idle cores, and a gateway of
 * two cores should not give them to one login; an attacker's cost is the same either way.
 * About 80 ms per hash on the two-core reference machine (docs/accounts.md).
 */
export const passwordHashParameters: Readonly<PasswordHashParameters> = Object.freeze({
  memoryKiB: 65_536,
  passes: 3,
  lanes: 1,
});

// Argon2id and version 0x13 (RFC 9106 3.1), as the numeric values of @node-rs/argon2's
// const enums `Algorithm.Argon2id` and `Version.V0x13`.
const argon2id = 2;
const version0x13 = 1;
const tagBytes = 32;
const saltBytes = 16;

function argon2Options(parameters: PasswordHashParameters): Options {
  return {
    algorithm: argon2id,
    version: version0x13,
    memoryCost: parameters.memoryKiB,
    timeCost: parameters.passes,
    parallelism: parameters.lanes,
    outputLen: tagBytes,
  };
}

/**
 * The PHC string (`$argon2id$v=19$m=65536,t=3,p=1$<salt>$<tag>`) of the NFKC form of
 * `password`, with a fresh 16-byte salt. Store it whole; it carries its own parameters.
 */
export async function hashPassword(
  password: string,
  parameters: PasswordHashParameters = passwordHashParameters,
): Promise<string> {
  return hash(normalizePassword(password), argon2Options(parameters));
}

let dummyHash: Promise<string> | undefined;

/**
 * Whether `password` matches `storedHash`. Pass `undefined` for an unknown account: the
 * password is then checked against a throw-away hash of the current parameters, so that
 * the time taken does not tell an unknown user name from a wrong password.
 */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  // No accepted password is this long (password-policy.ts); do not spend argon2 on it.
  if (password.length > maximumPasswordLength * 4) return false;
  if (storedHash === undefined) {
    dummyHash ??= hashPassword(randomBytes(18).toString('base64url'));
    await verify(await dummyHash, normalizePassword(password));
    return false;
  }
  try {
    return await verify(storedHash, normalizePassword(password));
  } catch (cause) {
    throw internalError('a stored password hash is not an argon2 PHC string', cause);
  }
}

/**
 * Whether `storedHash` should be replaced by a fresh hash at the next successful login:
 * it is not Argon2id version 0x13, or its memory, passes, lanes, tag or salt length differ
 * from `parameters`, or it cannot be read at all.
 */
export function needsRehash(storedHash: string, parameters: PasswordHashParameters = passwordHashParameters): boolean {
  let stored: ReturnType<typeof parseOptions>;
  try {
    stored = parseOptions(storedHash);
  } catch {
    return true;
  }
  return (
    stored.algorithm !== argon2id ||
    stored.version !== version0x13 ||
    stored.memoryCost !== parameters.memoryKiB ||
    stored.timeCost !== parameters.passes ||
    stored.parallelism !== parameters.lanes ||
    stored.outputLen !== tagBytes ||
    stored.saltLen < saltBytes
  );
}
