/**
 * Envelope encryption: every scope (a study, or anything else purged as one, such as an export
 * package) has its own random data key; stored objects are sealed under it (envelope-object.ts,
 * envelope-stream.ts); the data key is kept only wrapped by the master key (master-key-file.ts).
 * Destroying a scope's wrapped data key makes its objects unreadable wherever their bytes
 * remain (backups, snapshots, disks), which is how a purge destroys data; moving to a new
 * master key rewraps the small data keys, not the objects.
 *
 * A wrapped data key (version 1) is:
 *
 *     offset  size  field
 *     0       4     magic "MVWK"
 *     4       1     format version, 1
 *     5       1     suite of the data key: 1 = intl, 2 = gm (envelope-format.ts)
 *     6       16    data key id
 *     22      16    master key id (master-key-file.ts)
 *     38      12    nonce, random
 *     50      ...   the 32-byte data key sealed with the suite's AEAD (aead.ts): ciphertext || tag
 *
 * sealed under the wrapping key HKDF(SHA-256 or SM3; IKM = master key, salt = empty,
 * info = "MedVeil key wrapping v1", L = 32), with associated data = bytes 0..49 || UTF-8 of the
 * scope the key belongs to. So a wrapped key cannot be moved to another scope, given another
 * id, suite or master key id, without failing its tag.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { MedVeilError } from '../errors.js';
import { aeadFor, aeadTagBytes } from './aead.js';
import { DATA_KEY_ID_BYTES, integrityError, isDataKeyId, suiteCode, suiteDigest, suiteFromCode } from './envelope-format.js';
import type { CryptoSuite } from './suite.js';

export const DATA_KEY_BYTES = 32;
const WRAPPED_MAGIC = Uint8Array.of(0x4d, 0x56, 0x57, 0x4b);
const WRAPPED_VERSION = 1;
const WRAPPED_HEADER_BYTES = 50;
const WRAPPING_KEY_INFO = new TextEncoder().encode('MedVeil key wrapping v1');

export type RandomSource = (size: number) => Uint8Array;

export interface DataKey {
  /** 32 lowercase hex digits, random; written into every object sealed under the key. */
  readonly id: string;
  readonly suite: CryptoSuite;
  readonly key: Uint8Array;
}

/** The part of a master key that wrapping needs (a MasterKey from master-key-file.ts fits). */
export interface WrappingMasterKey {
  readonly id: string;
  readonly key: Uint8Array;
}

export interface WrappedKeyHeader {
  readonly dataKeyId: string;
  readonly suite: CryptoSuite;
  readonly masterKeyId: string;
}

export function generateDataKey(suite: CryptoSuite, random: RandomSource = randomBytes): DataKey {
  const id = exactRandom(random, DATA_KEY_ID_BYTES);
  return { id: Buffer.from(id).toString('hex'), suite, key: exactRandom(random, DATA_KEY_BYTES) };
}

/** `dataKey` sealed under `master` for `scope`, which unwrapping must name again. */
export function wrapDataKey(dataKey: DataKey, master: WrappingMasterKey, scope: string, options: { readonly random?: RandomSource } = {}): Uint8Array {
  const random = options.random ?? randomBytes;
  if (!isDataKeyId(dataKey.id) || dataKey.key.length !== DATA_KEY_BYTES) throw new MedVeilError('internal', 'not a data key of ours');
  if (!/^[0-9a-f]{32}$/.test(master.id)) throw new MedVeilError('internal', 'a master key id is 32 lowercase hex digits');
  const header = new Uint8Array(WRAPPED_HEADER_BYTES);
  header.set(WRAPPED_MAGIC, 0);
  header[4] = WRAPPED_VERSION;
  header[5] = suiteCode(dataKey.suite);
  header.set(Buffer.from(dataKey.id, 'hex'), 6);
  header.set(Buffer.from(master.id, 'hex'), 22);
  const nonce = exactRandom(random, 12);
  header.set(nonce, 38);
  const { ciphertext, tag } = wrappingAead(dataKey.suite, master).seal(nonce, dataKey.key, associatedData(header, scope));
  return Buffer.concat([header, ciphertext, tag]);
}

/** Reads the clear part of a wrapped key (attacker-controlled); throws an integrity error. */
export function readWrappedKeyHeader(wrapped: Uint8Array): WrappedKeyHeader {
  if (wrapped.length < WRAPPED_HEADER_BYTES || !WRAPPED_MAGIC.every((byte, i) => wrapped[i] === byte)) {
    throw integrityError('not a wrapped data key');
  }
  if (wrapped[4] !== WRAPPED_VERSION) throw integrityError(`wrapped data key version ${wrapped[4]} is not ${WRAPPED_VERSION}`);
  const suite = suiteFromCode(wrapped[5]!);
  if (suite === undefined) throw integrityError(`wrapped data key suite code ${wrapped[5]} is unknown`);
  if (wrapped.length !== WRAPPED_HEADER_BYTES + DATA_KEY_BYTES + aeadTagBytes(suite)) throw integrityError('the wrapped data key has the wrong length');
  return {
    suite,
    dataKeyId: Buffer.from(wrapped.subarray(6, 22)).toString('hex'),
    masterKeyId: Buffer.from(wrapped.subarray(22, 38)).toString('hex'),
  };
}

/**
 * The data key inside `wrapped`, which must belong to `scope`. Throws MedVeilError('key') when
 * it was wrapped by another master key than `master`, an integrity error when it does not verify.
 */
export function unwrapDataKey(wrapped: Uint8Array, master: WrappingMasterKey, scope: string): DataKey {
  const header = readWrappedKeyHeader(wrapped);
  if (header.masterKeyId !== master.id) {
    throw new MedVeilError('key', `data key ${header.dataKeyId} is wrapped by master key ${header.masterKeyId}, not by the loaded master key ${master.id}`, {
      hint: 'load the master key file the data keys were wrapped with; after moving to a new master key, rewrap the data keys under it',
    });
  }
  const nonce = wrapped.subarray(38, 50);
  const sealed = wrapped.subarray(WRAPPED_HEADER_BYTES);
  const key = wrappingAead(header.suite, master).open(
    nonce,
    sealed.subarray(0, DATA_KEY_BYTES),
    sealed.subarray(DATA_KEY_BYTES),
    associatedData(wrapped.subarray(0, WRAPPED_HEADER_BYTES), scope),
  );
  if (key === undefined) throw integrityError(`wrapped data key ${header.dataKeyId} does not verify under master key ${master.id} for its scope`);
  return { id: header.dataKeyId, suite: header.suite, key };
}

/** `wrapped` re-sealed under `to`; the data key, its id and its suite stay the same. */
export function rewrapDataKey(
  wrapped: Uint8Array,
  { scope, from, to, random = randomBytes }: { readonly scope: string; readonly from: WrappingMasterKey; readonly to: WrappingMasterKey; readonly random?: RandomSource },
): Uint8Array {
  const dataKey = unwrapDataKey(wrapped, from, scope);
  try {
    return wrapDataKey(dataKey, to, scope, { random });
  } finally {
    dataKey.key.fill(0);
  }
}

function wrappingAead(suite: CryptoSuite, master: WrappingMasterKey) {
  if (master.key.length !== 32) throw new MedVeilError('internal', 'a master key has 32 bytes');
  return aeadFor(suite, new Uint8Array(hkdfSync(suiteDigest(suite), master.key, new Uint8Array(0), WRAPPING_KEY_INFO, 32)));
}

function associatedData(header: Uint8Array, scope: string): Uint8Array {
  return Buffer.concat([header, Buffer.from(scope, 'utf8')]);
}

function exactRandom(random: RandomSource, size: number): Uint8Array {
  const bytes = random(size);
  if (bytes.length !== size) throw new MedVeilError('internal', `random source gave ${bytes.length} bytes instead of ${size}`);
  return new Uint8Array(bytes);
}
