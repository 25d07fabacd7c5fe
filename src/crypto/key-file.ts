/**
 * The de-identification key file: the hospital's secret behind every keyed pseudonym and date
 * offset. There is no built-in default key; without a key file nothing is pseudonymised.
 *
 * Format (version 1), a small UTF-8 JSON object:
 *
 *     { "kind": "medveil-deid-key", "version": 1, "created": "<ISO 8601 time>", "key": "<base64 of 32 bytes>" }
 *
 * The file is created with mode 0600 and never overwritten: replacing the key silently would
 * give every patient new pseudonyms and break the linkage researchers rely on.
 *
 * Reading refuses a file that other users may read or write (like OpenSSH does for private
 * keys): a readable key lets anyone confirm a guessed identity behind a pseudonym, a writable
 * one lets them swap it. Access by the owner's group only is reported as a warning, because a
 * service group sharing the key is a legitimate deployment. Mode bits are not checked on
 * Windows, where they do not describe access.
 *
 * The master key of encryption at rest uses the same format and discipline under its own
 * "kind" (master-key-file.ts); `KeyFileKind` carries what differs.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { MedVeilError } from '../errors.js';

export const KEY_FILE_KIND = 'medveil-deid-key';
export const KEY_FILE_VERSION = 1;
export const KEY_BYTES = 32;
/** Where `medveil keygen` writes when not told otherwise, relative to the working directory. */
export const DEFAULT_KEY_FILE = '.medveil/deid.key';

/** A key file is a few hundred bytes; anything far larger is not one, and is not read whole. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

/**
 * What differs between the kinds of secret key file that share this format and its discipline
 * (the de-identification key here, the master key of encryption at rest in master-key-file.ts):
 * the JSON "kind", the words of the messages, and what the user should do next.
 */
export interface KeyFileKind {
  /** The JSON "kind" field. */
  readonly kind: string;
  /** How messages name such a file: "key file", "master key file". */
  readonly noun: string;
  /** Completes "<path> is not a MedVeil ...": "de-identification key file". */
  readonly title: string;
  readonly hints: {
    /** The file is absent. */
    readonly missing: (path: string) => string;
    /** The path names something that is not such a file. */
    readonly locate: string;
    /** Other users may read or write it. */
    readonly exposed: (path: string) => string;
    /** A file is already there and must not be replaced. */
    readonly overwrite: string;
    /** The file is ours but its key is unusable. */
    readonly damaged: string;
  };
}

const KEY_PATH_HINT = 'check the path of the key file; if you have none yet, create one with `medveil keygen --out <file>`';

export const DEID_KEY_FILE: KeyFileKind = {
  kind: KEY_FILE_KIND,
  noun: 'key file',
  title: 'de-identification key file',
  hints: {
    missing: (path) => `run \`medveil keygen --out ${path}\` to create one (or point to your existing key file)`,
    locate: KEY_PATH_HINT,
    exposed: (path) => `run \`chmod 600 ${path}\`; if others may have read it, create a new key with \`medveil keygen --out <file>\``,
    overwrite:
      'a new key gives every patient new pseudonyms; choose another path with `medveil keygen --out <file>`, or move the old file away first if you really mean to replace it',
    damaged: 'restore it from your backup; a new key from `medveil keygen --out <file>` would give every patient new pseudonyms',
  },
};

export interface DeidKey {
  readonly key: Uint8Array;
  /** The `created` field as written, if it is a valid time. */
  readonly created: string | undefined;
  /** Problems that do not stop the key from being used, for the caller to show. */
  readonly warnings: readonly string[];
}

export interface KeyFileSource {
  now?: () => Date;
  random?: (size: number) => Uint8Array;
}

/** The text of a new key file with a fresh random key. */
export function createKeyFileText(source: KeyFileSource = {}, kind: KeyFileKind = DEID_KEY_FILE): string {
  const key = (source.random ?? randomBytes)(KEY_BYTES);
  if (key.length !== KEY_BYTES) throw new MedVeilError('internal', `random source gave ${key.length} bytes instead of ${KEY_BYTES}`);
  const file = {
    kind: kind.kind,
    version: KEY_FILE_VERSION,
    created: (source.now ?? (() => new Date()))().toISOString(),
    key: Buffer.from(key).toString('base64'),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Creates a key file at `path` (and its missing parent folders, mode 0700). Throws
 * MedVeilError('key') if the file exists, MedVeilError('io') if it cannot be written.
 */
export function writeKeyFile(path: string, source: KeyFileSource = {}, kind: KeyFileKind = DEID_KEY_FILE): void {
  const text = createKeyFileText(source, kind);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw ioError(`cannot create the folder for ${kind.noun} ${path}`, error);
  }
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') {
      throw new MedVeilError('key', `refusing to overwrite the existing ${kind.noun} ${path}`, { hint: kind.hints.overwrite });
    }
    throw ioError(`cannot create ${kind.noun} ${path}`, error);
  }
  try {
    // The umask may have narrowed the mode to something the owner cannot read; set it exactly.
    if (process.platform !== 'win32') fchmodSync(fd, 0o600);
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw ioError(`cannot write ${kind.noun} ${path}`, error);
  }
  closeSync(fd);
}

/** Reads and checks a key file. Every refusal is a MedVeilError('key') whose hint names the next step. */
export function readKeyFile(path: string, kind: KeyFileKind = DEID_KEY_FILE): DeidKey {
  let text: string;
  const warnings: string[] = [];
  let fd: number;
  try {
    // Checked before opening too: opening a FIFO for reading would block until a writer appears.
    if (!statSync(path).isFile()) throw new MedVeilError('key', `${kind.noun} ${path} is not a regular file`, { hint: kind.hints.locate });
    fd = openSync(path, 'r');
  } catch (error) {
    if (error instanceof MedVeilError) throw error;
    if (errorCode(error) === 'ENOENT') throw new MedVeilError('key', `no ${kind.noun} at ${path}`, { hint: kind.hints.missing(path) });
    throw new MedVeilError('key', `cannot open ${kind.noun} ${path}`, { cause: error, hint: 'check that the file is readable by the user running MedVeil' });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new MedVeilError('key', `${kind.noun} ${path} is not a regular file`, { hint: kind.hints.locate });
    if (stat.size > MAX_KEY_FILE_BYTES) throw notAKeyFile(kind, path, `it is ${stat.size} bytes long`);
    if (process.platform !== 'win32') {
      const mode = stat.mode & 0o777;
      if ((mode & 0o007) !== 0) {
        throw new MedVeilError('key', `${kind.noun} ${path} is accessible to other users (mode ${mode.toString(8).padStart(4, '0')})`, {
          hint: kind.hints.exposed(path),
        });
      }
      if ((mode & 0o070) !== 0) warnings.push(`${kind.noun} ${path} is accessible to its group (mode ${mode.toString(8).padStart(4, '0')}); \`chmod 600 ${path}\` limits it to its owner`);
    }
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const parsed = parseKeyFile(text, path, kind);
  return { ...parsed, warnings: [...warnings, ...parsed.warnings] };
}

/** Checks the text of a key file; `source` names it in messages. The key never appears in a message. */
export function parseKeyFile(text: string, source: string, kind: KeyFileKind = DEID_KEY_FILE): DeidKey {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw notAKeyFile(kind, source, 'it is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw notAKeyFile(kind, source, 'it is not a JSON object');
  const file = json as Record<string, unknown>;
  if (file.kind !== kind.kind) throw notAKeyFile(kind, source, `its "kind" is not "${kind.kind}"`);
  if (file.version !== KEY_FILE_VERSION) {
    throw new MedVeilError('key', `${kind.noun} ${source} has version ${JSON.stringify(file.version)}; this MedVeil reads version ${KEY_FILE_VERSION}`, {
      hint: 'use the MedVeil release that wrote this key file, or upgrade MedVeil',
    });
  }
  const key = typeof file.key === 'string' ? decodeBase64Strict(file.key) : undefined;
  if (key === undefined) throw damaged(kind, source, '"key" is not standard base64');
  if (key.length !== KEY_BYTES) throw damaged(kind, source, `"key" holds ${key.length} bytes instead of ${KEY_BYTES}`);
  if (key.every((byte) => byte === key[0])) throw damaged(kind, source, '"key" is one repeated byte, not a random secret');

  const warnings: string[] = [];
  let created: string | undefined;
  if (typeof file.created === 'string' && !Number.isNaN(Date.parse(file.created))) created = file.created;
  else warnings.push(`${kind.noun} ${source} has no valid "created" time`);
  const unknown = Object.keys(file).filter((name) => !['kind', 'version', 'created', 'key'].includes(name));
  if (unknown.length > 0) warnings.push(`${kind.noun} ${source} has fields this version ignores: ${unknown.join(', ')}`);
  return { key, created, warnings };
}

/** RFC 4648 section 4 base64 with padding and nothing else: Node's decoder would skip stray characters. */
function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
}

function notAKeyFile(kind: KeyFileKind, source: string, why: string): MedVeilError {
  return new MedVeilError('key', `${source} is not a MedVeil ${kind.title}: ${why}`, { hint: kind.hints.locate });
}

function damaged(kind: KeyFileKind, source: string, why: string): MedVeilError {
  return new MedVeilError('key', `${kind.noun} ${source} is damaged: ${why}`, { hint: kind.hints.damaged });
}

function ioError(message: string, cause: unknown): MedVeilError {
  const code = errorCode(cause);
  return new MedVeilError('io', code ? `${message} (${code})` : message, { cause, hint: 'check the path and the permissions of its folder' });
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
