import { generateDataKey, unwrapDataKey, wrapDataKey, type WrappingMasterKey } from '../crypto/envelope.js';
import { openObject, sealObject } from '../crypto/envelope-object.js';
import type { CryptoSuite } from '../crypto/suite.js';
import type { SealedSecret } from '../storage/account-store.js';

/**
 * A TOTP secret at rest: sealed under its own data key, which is wrapped by the master key
 * (crypto/envelope.ts), both bound to the account by name. A copy of the account database
 * alone yields no secret, and a sealed secret moved to another account's row does not open.
 */
function scopeOf(userName: string): string {
  return `totp:${userName}`;
}

export function sealTotpSecret(secret: string, userName: string, keys: { master: WrappingMasterKey; suite: CryptoSuite }): SealedSecret {
  const dataKey = generateDataKey(keys.suite);
  try {
    return {
      wrappedKey: wrapDataKey(dataKey, keys.master, scopeOf(userName)),
      sealed: sealObject(Buffer.from(secret, 'utf8'), { dataKey, identity: scopeOf(userName) }),
    };
  } finally {
    dataKey.key.fill(0);
  }
}

/** The base32 secret, or MedVeilError('crypto'/'key') when the sealed bytes or the master key are wrong. */
export function openTotpSecret(sealed: SealedSecret, userName: string, master: WrappingMasterKey): string {
  const dataKey = unwrapDataKey(sealed.wrappedKey, master, scopeOf(userName));
  try {
    return openObject(sealed.sealed, { dataKey, identity: scopeOf(userName) }).toString('utf8');
  } finally {
    dataKey.key.fill(0);
  }
}
