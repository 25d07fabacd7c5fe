import { rewrapDataKey, readWrappedKeyHeader, type WrappingMasterKey } from '../crypto/envelope.js';

/**
 * Durable storage of wrapped data keys (src/crypto/envelope.ts), one live key per scope. A
 * scope is whatever is destroyed as one: a study, or an export package with its own expiry
 * (issue 6, retention). Destroying a key erases its wrapped bytes and leaves a tombstone, so
 * reading one of its objects can say "destroyed" rather than "unknown".
 */
export interface StoredDataKey {
  /** 32 lowercase hex digits, as in the wrapped key and in every object sealed under it. */
  readonly id: string;
  readonly scope: string;
  readonly wrapped: Uint8Array;
  /** Milliseconds since the Unix epoch. */
  readonly createdAt: number;
}

export type DataKeyRecord =
  | { readonly state: 'live'; readonly key: StoredDataKey }
  | { readonly state: 'destroyed'; readonly id: string; readonly destroyedAt: number };

export interface DataKeyStore {
  /** The live key of `scope`, if it has one. */
  forScope(scope: string): Promise<StoredDataKey | undefined>;
  /** A key by id, live or destroyed; undefined if this store never held it. */
  lookup(id: string): Promise<DataKeyRecord | undefined>;
  /**
   * Adds `key` unless its scope already has a live key, and returns the scope's live key:
   * the one given, or the one that was there (two writers racing for a new scope agree).
   * Refuses, with MedVeilError('storage'), an id that is or was in use.
   */
  addIfAbsent(key: { readonly id: string; readonly scope: string; readonly wrapped: Uint8Array }): Promise<StoredDataKey>;
  /** Replaces the wrapped bytes of a live key if they still equal `expected` (rewrapping); false otherwise. */
  replaceWrapped(id: string, change: { readonly expected: Uint8Array; readonly wrapped: Uint8Array }): Promise<boolean>;
  /** Ids of all live keys. */
  liveIds(): Promise<string[]>;
  /**
   * Erases a live key's wrapped bytes for good and records when; false if it was not live.
   * Resolves only when no copy is left in the store's files; repeating it is harmless.
   */
  destroy(id: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface RewrapReport {
  readonly rewrapped: number;
  /** Keys already under `to`, or destroyed or changed while the rewrap ran. */
  readonly skipped: number;
}

/**
 * Rewraps every live key wrapped by `from` under `to` (moving to a new master key). Safe to run
 * again after an interruption: keys already under `to` are skipped. A key that fails to unwrap
 * stops the run with that error, before anything else changes.
 */
export async function rewrapDataKeys(store: DataKeyStore, from: WrappingMasterKey, to: WrappingMasterKey): Promise<RewrapReport> {
  let rewrapped = 0;
  let skipped = 0;
  for (const id of await store.liveIds()) {
    const record = await store.lookup(id);
    if (record?.state !== 'live' || readWrappedKeyHeader(record.key.wrapped).masterKeyId === to.id) {
      skipped++;
      continue;
    }
    const wrapped = rewrapDataKey(record.key.wrapped, { scope: record.key.scope, from, to });
    if (await store.replaceWrapped(id, { expected: record.key.wrapped, wrapped })) rewrapped++;
    else skipped++;
  }
  return { rewrapped, skipped };
}
