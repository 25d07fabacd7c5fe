import { createHash } from 'node:crypto';
import type { Session } from './session-token.js';

export interface VerifiedSessionCacheOptions {
  /** How long a verification is reused at most, in milliseconds; default 30 s. */
  readonly maxAgeMs?: number;
  /** How many tokens are kept at most (least recently verified dropped first); default 10,000. */
  readonly maxEntries?: number;
}

interface Entry {
  readonly session: Session;
  readonly verifiedAt: number;
  readonly usableUntil: number;
}

/**
 * Session tokens whose signature and claims verified (session-token.ts), so that the next
 * request with the same token skips the Ed25519 verification, the largest cost of answering a
 * small request. Only that part is reused: revocation and the account (deleted, disabled,
 * sessions voided by a password change) are the caller's to check on every request, so logout
 * and locking still act on the very next request.
 *
 * An entry answers until the token's own expiry or `maxAgeMs` after it verified, whichever is
 * first, and never for a clock earlier than when it verified (so a token is never accepted
 * before its `nbf`). The price of reuse is that a signing key removed from the trusted set is
 * still honoured for tokens verified less than `maxAgeMs` ago. Entries are keyed by SHA-256 of
 * the token, so the cache holds no bearer credential.
 */
export class VerifiedSessionCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;

  constructor(options: VerifiedSessionCacheOptions = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? 30_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /** The session of `token` if it verified recently enough and has not expired at `now`. */
  lookup(token: string, now: number): Session | undefined {
    const key = tokenKey(token);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (now < entry.verifiedAt || now >= entry.usableUntil) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.session;
  }

  /** Records that `token` verified at `now` as `session`. */
  remember(token: string, session: Session, now: number): void {
    if (this.#maxEntries < 1) return;
    const key = tokenKey(token);
    this.#entries.delete(key);
    const frozen = Object.freeze({ ...session, methods: Object.freeze([...session.methods]) }) as Session;
    this.#entries.set(key, { session: frozen, verifiedAt: now, usableUntil: Math.min(session.expiresAt, now + this.#maxAgeMs) });
    while (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('base64');
}
