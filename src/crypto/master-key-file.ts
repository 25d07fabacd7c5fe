/**
 * The master key file of encryption at rest: the key that wraps every study's data key
 * (envelope.ts). Same format and discipline as the de-identification key file (key-file.ts):
 *
 *     { "kind": "medveil-master-key", "version": 1, "created": "<ISO 8601 time>", "key": "<base64 of 32 bytes>" }
 *
 * created with mode 0600 and never overwritten (a replaced master key cannot unwrap the data
 * keys, so every stored object would be lost), refused when other users may read or write it.
 *
 * The key id is derived from the key, so a file cannot claim another key's id: the first 16
 * bytes of SHA-256("MedVeil master key id v1" || 0x00 || key), in hex. Wrapped data keys carry
 * it, which lets a reader say "wrong master key" instead of "damaged".
 */
import { createHash } from 'node:crypto';
import { readKeyFile, writeKeyFile, parseKeyFile, type KeyFileKind, type KeyFileSource } from './key-file.js';

export const MASTER_KEY_FILE_KIND = 'medveil-master-key';

const LOCATE_HINT = 'check the path of the master key file: without the master key the deployment set up with, no stored object can be read';

export const MASTER_KEY_FILE: KeyFileKind = {
  kind: MASTER_KEY_FILE_KIND,
  noun: 'master key file',
  title: 'master key file',
  hints: {
    missing: () => `${LOCATE_HINT}; restore it from your backup, or for a new installation with no stored objects create a new one`,
    locate: LOCATE_HINT,
    exposed: (path) => `run \`chmod 600 ${path}\`; if others may have read it, rewrap the data keys under a new master key and retire this one`,
    overwrite: 'a new master key cannot unwrap the data keys wrapped by the existing one; write it to another path and rewrap the data keys under it',
    damaged: 'restore it from your backup; a new master key cannot unwrap the data keys wrapped by the old one',
  },
};

export interface MasterKey {
  readonly id: string;
  readonly key: Uint8Array;
  /** The `created` field as written, if it is a valid time. */
  readonly created: string | undefined;
  /** Problems that do not stop the key from being used, for the caller to show. */
  readonly warnings: readonly string[];
}

const ID_LABEL = new TextEncoder().encode('MedVeil master key id v1\0');

export function masterKeyId(key: Uint8Array): string {
  return createHash('sha256').update(ID_LABEL).update(key).digest().subarray(0, 16).toString('hex');
}

/** A master key held in memory (tests, a key from a secret manager): same id rule as a file's. */
export function masterKeyFromBytes(key: Uint8Array): MasterKey {
  return { id: masterKeyId(key), key, created: undefined, warnings: [] };
}

/**
 * Creates a master key file at `path` (and missing parent folders, mode 0700). Throws
 * MedVeilError('key') if the file exists, MedVeilError('io') if it cannot be written.
 */
export function writeMasterKeyFile(path: string, source: KeyFileSource = {}): void {
  writeKeyFile(path, source, MASTER_KEY_FILE);
}

/** Reads and checks a master key file; every refusal is a MedVeilError('key') with a hint. */
export function readMasterKeyFile(path: string): MasterKey {
  return withId(readKeyFile(path, MASTER_KEY_FILE));
}

/** Checks the text of a master key file; `source` names it in messages, which never hold the key. */
export function parseMasterKeyFile(text: string, source: string): MasterKey {
  return withId(parseKeyFile(text, source, MASTER_KEY_FILE));
}

function withId(file: { key: Uint8Array; created: string | undefined; warnings: readonly string[] }): MasterKey {
  return { id: masterKeyId(file.key), key: file.key, created: file.created, warnings: file.warnings };
}
