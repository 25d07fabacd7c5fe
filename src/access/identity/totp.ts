import { generate, generateSecret, generateURI, verify } from 'otplib';
import { internalError } from '../../errors.js';

/**
 * TOTP as authenticator apps implement it (RFC 6238 with RFC 4226 HOTP): HMAC-SHA-1,
 * 6 digits, 30-second steps from the Unix epoch. Times are milliseconds, passed in.
 */
const period = 30;
const digits = 6;
/** One step either side of the current one (RFC 6238 5.2), for clock drift and typing time. */
const toleranceSeconds = period;

export const totpIssuer = 'MedVeil';

/** A new shared secret: 20 random bytes (160 bits, RFC 4226 4 R6) in RFC 4648 base32. */
export function generateTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/**
 * The `otpauth://totp/MedVeil:<account>?secret=...&issuer=MedVeil` URI an authenticator app
 * reads from a QR code. It holds the secret: show it once, never log it.
 */
export function totpEnrolmentUri(secret: string, accountName: string): string {
  return generateURI({ issuer: totpIssuer, label: accountName, secret, algorithm: 'sha1', digits, period });
}

/**
 * The code for the step that holds `now`. `algorithm` and `digits` exist for the RFC 6238
 * Appendix B vectors; accounts use the defaults.
 */
export async function totpCode(
  secret: string | Uint8Array,
  options: { now: number; algorithm?: 'sha1' | 'sha256' | 'sha512'; digits?: 6 | 8 },
): Promise<string> {
  return generate({
    secret,
    epoch: Math.floor(options.now / 1000),
    period,
    algorithm: options.algorithm ?? 'sha1',
    digits: options.digits ?? digits,
  });
}

/**
 * - `accepted`: store `timeStep` as the account's last accepted step.
 * - `wrong-code`: no step of the window has this code.
 * - `replayed`: the code belongs to the last accepted step or an earlier one (RFC 6238 5.2:
 *   a code is used at most once).
 * - `malformed`: not six digits.
 */
export type TotpVerification =
  | { outcome: 'accepted'; timeStep: number }
  | { outcome: 'wrong-code' | 'replayed' | 'malformed' };

/**
 * Checks `code` (spaces allowed, as apps show `123 456`) against the steps before, at and
 * after `now`. `lastAcceptedStep` is the step this account last logged in with.
 */
export async function verifyTotp(
  secret: string | Uint8Array,
  code: string,
  options: { now: number; lastAcceptedStep?: number },
): Promise<TotpVerification> {
  const token = code.replace(/\s+/g, '');
  if (!/^[0-9]{6}$/.test(token)) return { outcome: 'malformed' };
  let result: Awaited<ReturnType<typeof verify>>;
  try {
    result = await verify({
      secret,
      token,
      epoch: Math.floor(options.now / 1000),
      period,
      digits,
      algorithm: 'sha1',
      epochTolerance: toleranceSeconds,
    });
  } catch (cause) {
    throw internalError('a stored TOTP secret could not be used', cause);
  }
  if (!result.valid || !('timeStep' in result)) return { outcome: 'wrong-code' };
  if (options.lastAcceptedStep !== undefined && result.timeStep <= options.lastAcceptedStep) {
    return { outcome: 'replayed' };
  }
  return { outcome: 'accepted', timeStep: result.timeStep };
}
