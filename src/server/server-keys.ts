/**
 * The keys `medveil serve` needs, created on the first start and read on every later one, all
 * in `<dataDir>/keys/` (mode 0700, files 0600):
 *
 * - `master.key`: the master key of encryption at rest (crypto/master-key-file.ts); it also
 *   seals the TOTP secrets of the accounts.
 * - `session-signing.key`: the Ed25519 seed that signs session tokens, in the key file format of
 *   crypto/key-file.ts under its own kind. Replacing it only signs everyone out.
 * - `audit-log.key` and `audit-log.pub`: the checkpoint signing keys of the audit log, in the
 *   note key format of `medveil audit keygen` (audit/note/log-keys.ts); the .pub file is what
 *   auditors and witnesses are given.
 * - `patient-reference.key`: the key of pseudonymous patient references (access/patient-reference.ts),
 *   the same for STOW-RS and C-STORE; the index, care relationships and grants hold its references.
 * - `masked-view.key`: the pseudonym key of headers shown to masked viewers. Replacing it only
 *   changes the pseudonyms masked viewers see.
 *
 * A key is created only while nothing depends on it yet: a missing master key beside an
 * existing account database, or a missing log key beside an existing audit log, is an error
 * that says to restore the file, because a new key would silently orphan what the old one
 * protected or signed.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MedVeilError } from '../errors.js';
import { sessionKeyId, type SessionSigningKey } from '../access/identity/session-token.js';
import { ed25519PrivateKeyObject } from '../crypto/ed25519.js';
import { readKeyFile, writeKeyFile, type KeyFileKind } from '../crypto/key-file.js';
import { readMasterKeyFile, writeMasterKeyFile, type MasterKey } from '../crypto/master-key-file.js';
import type { CryptoSuite } from '../crypto/suite.js';
import { formatPublicKeyFile, formatSecretKeyFile, generateLogKeys, parseSecretKeyFile } from '../audit/note/log-keys.js';
import type { NoteKeyKind, NoteSigner } from '../audit/note/note-key.js';

export const SESSION_KEY_FILE: KeyFileKind = {
  kind: 'medveil-session-signing-key',
  noun: 'session signing key file',
  title: 'session signing key file',
  hints: {
    missing: () => 'start `medveil serve` to create it',
    locate: 'check the dataDir of the config',
    exposed: (path) => `run \`chmod 600 ${path}\`; if others may have read it, delete it and restart to sign everyone out under a new key`,
    overwrite: 'move the old file away first; a new key signs everyone out',
    damaged: 'delete it and restart: a new key only signs everyone out',
  },
};

function gatewayKeyKind(kind: string, noun: string, consequence: string): KeyFileKind {
  return {
    kind,
    noun,
    title: noun,
    hints: {
      missing: () => 'start `medveil serve` to create it',
      locate: 'check the dataDir of the config',
      exposed: (path) => `run \`chmod 600 ${path}\``,
      overwrite: `move the old file away first; ${consequence}`,
      damaged: `restore it from your backup; ${consequence}`,
    },
  };
}

export const PATIENT_REFERENCE_KEY_FILE = gatewayKeyKind(
  'medveil-patient-reference-key',
  'patient reference key file',
  'a new key gives every patient a new reference, and the index, care relationships and grants hold the old ones',
);

export const MASKED_VIEW_KEY_FILE = gatewayKeyKind('medveil-masked-view-key', 'masked view key file', 'a new key only changes the pseudonyms masked viewers see');

export const EXPORT_KEY_FILE = gatewayKeyKind(
  'medveil-export-key',
  'export key file',
  "a new key gives every export recipient new pseudonyms (their earlier packages no longer match) and ends every download link",
);

export interface ServerKeyFiles {
  readonly folder: string;
  readonly master: string;
  readonly session: string;
  readonly auditSecret: string;
  readonly auditPublic: string;
  readonly patientReference: string;
  readonly maskedView: string;
  readonly exportKey: string;
}

export function serverKeyFiles(dataDir: string): ServerKeyFiles {
  const folder = join(dataDir, 'keys');
  return {
    folder,
    master: join(folder, 'master.key'),
    session: join(folder, 'session-signing.key'),
    auditSecret: join(folder, 'audit-log.key'),
    auditPublic: join(folder, 'audit-log.pub'),
    patientReference: join(folder, 'patient-reference.key'),
    maskedView: join(folder, 'masked-view.key'),
    exportKey: join(folder, 'export.key'),
  };
}

export interface ServerKeys {
  readonly master: MasterKey;
  readonly session: SessionSigningKey & { readonly publicKey: KeyObject };
  readonly auditSigners: readonly (NoteSigner & { kind: NoteKeyKind })[];
  /** The vkeys that verify the log's checkpoints (the .pub file's lines). */
  readonly auditVerifierKeys: readonly string[];
  /** The key of pseudonymous patient references. */
  readonly patientReference: Uint8Array;
  /** The pseudonym key of masked views. */
  readonly maskedView: Uint8Array;
  /** Export recipients' pseudonym keys and download link tokens derive from it (export-recipient.ts). */
  readonly exportKey: Uint8Array;
  /** Which keys this start created, for the start-up message and the audit trail. */
  readonly created: readonly ('master' | 'session' | 'audit-log' | 'patient-reference' | 'masked-view' | 'export')[];
  readonly warnings: readonly string[];
}

/**
 * Reads the server's keys from `<dataDir>/keys/`, creating those that are absent and may be
 * created. `dependents` says which stores exist already (see the file comment).
 */
export async function ensureServerKeys(
  dataDir: string,
  options: { suite: CryptoSuite; origin: string; dependents: { accounts: boolean; auditLog: boolean; index?: boolean; exports?: boolean } },
): Promise<ServerKeys> {
  const files = serverKeyFiles(dataDir);
  makePrivateFolder(files.folder);
  const created: ServerKeys['created'][number][] = [];
  const warnings: string[] = [];

  if (!existsSync(files.master)) {
    if (options.dependents.accounts) {
      throw new MedVeilError('key', `the master key ${files.master} is missing, but the data folder already holds accounts sealed under it`, {
        hint: 'restore keys/master.key from your backup; a new master key cannot open what the old one sealed',
      });
    }
    writeMasterKeyFile(files.master);
    created.push('master');
  }
  const master = readMasterKeyFile(files.master);
  warnings.push(...master.warnings);

  if (!existsSync(files.session)) {
    writeKeyFile(files.session, {}, SESSION_KEY_FILE);
    created.push('session');
  }
  const sessionFile = readKeyFile(files.session, SESSION_KEY_FILE);
  warnings.push(...sessionFile.warnings);
  const privateKey = ed25519PrivateKeyObject(sessionFile.key);
  const publicKey = createPublicKey(privateKey);

  if (!existsSync(files.auditSecret)) {
    if (options.dependents.auditLog) {
      throw new MedVeilError('key', `the audit log signing key ${files.auditSecret} is missing, but the audit log exists`, {
        hint: 'restore keys/audit-log.key from your backup, so that auditors can keep verifying checkpoints with the public key they hold',
      });
    }
    const keys = generateLogKeys(options.origin, options.suite);
    writeNew(files.auditSecret, formatSecretKeyFile(keys), 0o600);
    writeNew(files.auditPublic, formatPublicKeyFile(keys), 0o644);
    created.push('audit-log');
  }
  const auditSigners = parseSecretKeyFile(readPrivateText(files.auditSecret));
  const names = [...new Set(auditSigners.map((signer) => signer.name))];
  if (names.length !== 1 || names[0] !== options.origin) {
    throw new MedVeilError('config', `audit.origin is ${options.origin}, but the audit log key ${files.auditSecret} signs for ${names.join(', ')}`, {
      hint: 'set audit.origin back to the origin the log was created with; an audit log keeps its origin for life',
    });
  }
  if (options.suite === 'gm' && !auditSigners.some((signer) => signer.kind === 'sm2')) {
    warnings.push(`crypto.suite is gm but ${files.auditSecret} holds no SM2 key: checkpoints are signed with Ed25519 only`);
  }
  if (!existsSync(files.patientReference)) {
    if (options.dependents.index === true) {
      throw new MedVeilError('key', `the patient reference key ${files.patientReference} is missing, but the index holds references made with it`, {
        hint: 'restore keys/patient-reference.key from your backup; a new key would give every patient a new reference',
      });
    }
    writeKeyFile(files.patientReference, {}, PATIENT_REFERENCE_KEY_FILE);
    created.push('patient-reference');
  }
  const patientReference = readKeyFile(files.patientReference, PATIENT_REFERENCE_KEY_FILE);
  warnings.push(...patientReference.warnings);
  if (!existsSync(files.maskedView)) {
    writeKeyFile(files.maskedView, {}, MASKED_VIEW_KEY_FILE);
    created.push('masked-view');
  }
  const maskedView = readKeyFile(files.maskedView, MASKED_VIEW_KEY_FILE);
  warnings.push(...maskedView.warnings);
  if (!existsSync(files.exportKey)) {
    if (options.dependents.exports === true) {
      throw new MedVeilError('key', `the export key ${files.exportKey} is missing, but export packages were made with it`, {
        hint: "restore keys/export.key from your backup; a new key would give every recipient new pseudonyms, so their packages no longer match, and end every download link",
      });
    }
    writeKeyFile(files.exportKey, {}, EXPORT_KEY_FILE);
    created.push('export');
  }
  const exportKey = readKeyFile(files.exportKey, EXPORT_KEY_FILE);
  warnings.push(...exportKey.warnings);

  const auditVerifierKeys = existsSync(files.auditPublic)
    ? readFileSync(files.auditPublic, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
    : [];

  return {
    master,
    session: { kid: await sessionKeyId(publicKey), privateKey, publicKey },
    auditSigners,
    auditVerifierKeys,
    patientReference: patientReference.key,
    maskedView: maskedView.key,
    exportKey: exportKey.key,
    created,
    warnings,
  };
}

/** Creates `folder` (and its parents) owner-only; an existing folder is left as it is. */
export function makePrivateFolder(folder: string): void {
  try {
    const existed = existsSync(folder);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!existed && process.platform !== 'win32') chmodSync(folder, 0o700);
  } catch (cause) {
    throw new MedVeilError('io', `cannot create the folder ${folder}`, { cause, hint: 'check dataDir in the config and the permissions of its parent folder' });
  }
}

function writeNew(path: string, text: string, mode: number): void {
  try {
    writeFileSync(path, text, { flag: 'wx', mode });
    if (process.platform !== 'win32') chmodSync(path, mode);
  } catch (cause) {
    throw new MedVeilError('io', `cannot create ${path}`, { cause, hint: 'check the permissions of the data folder' });
  }
}

// Like key-file.ts: a signing key others can read is refused, not used.
function readPrivateText(path: string): string {
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    throw new MedVeilError('key', `${path} is accessible to other users`, { hint: `run \`chmod 600 ${path}\`; if others may have read it, rotate the audit log key` });
  }
  return readFileSync(path, 'utf8');
}
