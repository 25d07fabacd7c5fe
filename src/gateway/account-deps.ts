import type { Clock } from '../audit/clock.js';
import type { PasswordHashParameters } from '../access/identity/password-hash.js';
import type { SessionSigningKey } from '../access/identity/session-token.js';
import type { WrappingMasterKey } from '../crypto/envelope.js';
import type { CryptoSuite } from '../crypto/suite.js';
import type { AccountStore } from '../storage/account-store.js';
import type { AuditAppender } from './audit-actor.js';

/** What every account use case works with. */
export interface AccountDeps {
  readonly accounts: AccountStore;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  /** argon2id cost; the production default (password-hash.ts) unless a test needs a cheaper one. */
  readonly passwordHashing?: PasswordHashParameters;
  /** Words of this deployment a password may not contain; `medveil` when left out. */
  readonly passwordContextWords?: readonly string[];
}

/** How sessions are issued (access/identity/session-token.ts). */
export interface SessionIssuing {
  readonly key: SessionSigningKey;
  readonly issuer: string;
  readonly lifetimeMs: number;
}

/** The keys that seal and open TOTP secrets at rest (sealed-totp-secret.ts). */
export interface SecretSealing {
  readonly master: WrappingMasterKey;
  readonly suite: CryptoSuite;
}
