/**
 * The configuration of `medveil serve`: a YAML (or JSON, which is YAML) file whose every key has
 * an embedded default, so that the server starts with no file at all. Unknown keys and bad values
 * are errors that name the key and the file (STYLE.md rule 1): a misspelt `htpp.port` must not
 * quietly leave the server on its default port.
 *
 * Relative paths in a file are read from the file's folder, so a config and its data folder
 * move together; with no file they are read from the working directory.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isIP } from 'node:net';
import { LineCounter, parseDocument } from 'yaml';
import { MedVeilError } from '../errors.js';
import { parseVerifierKey } from '../audit/note/verifier-key.js';
import type { CryptoSuite } from '../crypto/suite.js';
import type { DimsePeer } from './dimse-services.js';
import { BREAK_GLASS_DEFAULT_CONFIG_TEXT, type BreakGlassConfig, type NotificationsConfig, readBreakGlassConfig, readNotificationsConfig } from './config-break-glass.js';
import { MASKING_DEFAULT_CONFIG_TEXT, type MaskingConfig, readMaskingConfig } from './config-masking.js';
import { OIDC_DEFAULT_CONFIG_TEXT, readOidcConfig, type OidcConfig } from './config-oidc.js';
import { RETENTION_DEFAULT_CONFIG_TEXT, readRetentionConfig, type RetentionConfig } from './config-retention.js';
import { EXPORTS_DEFAULT_CONFIG_TEXT, type ExportsConfig, readExportsConfig } from './config-exports.js';

/** The environment variable naming the config file when `--config` is not given. */
export const CONFIG_ENV_VAR = 'MEDVEIL_CONFIG';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A DICOM node C-MOVE may send to (PS3.4 C.4.2); moves to any other AE title are refused. */
export interface MoveDestination {
  readonly aeTitle: string;
  readonly host: string;
  readonly port: number;
}

export interface ServerConfig {
  /** The file read, or undefined when the embedded defaults are used alone. */
  readonly source: string | undefined;
  /** Absolute path of the folder holding the databases, the object folder and the keys. */
  readonly dataDir: string;
  readonly http: {
    readonly host: string;
    /** 0 asks the system for a free port (tests). */
    readonly port: number;
    /** Browser origins allowed to call the API (`https://viewer.example.org`); none by default. */
    readonly corsOrigins: readonly string[];
  };
  readonly dimse: {
    readonly host: string;
    readonly port: number;
    readonly aeTitle: string;
    /** The calling AE titles that may associate, each acting as one account (docs/dimse.md). */
    readonly peers: readonly DimsePeer[];
    readonly moveDestinations: readonly MoveDestination[];
  };
  readonly crypto: { readonly suite: CryptoSuite };
  /** Limits of the DICOMweb services (src/dicomweb/dicomweb-deps.ts, docs/dicomweb.md). */
  readonly dicomweb: {
    readonly maxObjectMegabytes: number;
    readonly maxStowParts: number;
    readonly maxStowMegabytes: number;
    readonly maxQidoResults: number;
    readonly maxRetrieveInstances: number;
  };
  readonly sessions: { readonly lifetimeMinutes: number };
  readonly audit: {
    /** The log's origin line (c2sp.org/tlog-checkpoint), also the session token issuer. */
    readonly origin: string;
    readonly checkpointMinutes: number;
    /**
     * The witnesses' public keys (cosignature/v1 vkeys), which the audit API hands to a browser
     * verifying receipts (GET /api/audit/keys); the log's own keys come from keys/audit-log.pub.
     */
    readonly witnessKeys: readonly string[];
    /**
     * The witnesses the server submits each new checkpoint to (c2sp.org/tlog-witness), with the
     * key each cosigns with; their keys are handed to browsers too.
     */
    readonly witnesses: readonly { readonly url: string; readonly key: string }[];
  };
  readonly log: { readonly level: LogLevel };
  /** Sign-in through the hospital's OpenID provider (config-oidc.ts); undefined when off. */
  readonly oidc: OidcConfig | undefined;
  /** How masked views are made: mosaic blocks per sensitivity level, pixel rules (config-masking.ts). */
  readonly masking: MaskingConfig;
  /** Break-glass limits and review (config-break-glass.ts). */
  readonly breakGlass: BreakGlassConfig;
  /** Where break-glass notifications go: webhook and SMTP (config-break-glass.ts). */
  readonly notifications: NotificationsConfig;
  /** Expiring copies and the purge job (config-retention.ts). */
  readonly retention: RetentionConfig;
  /** Export recipients besides the requester (config-exports.ts). */
  readonly exports: ExportsConfig;
}

export const DEFAULT_DATA_DIR = './medveil-data';

/** The embedded defaults, as a config file would spell them (docs/server.md shows the same). */
export const DEFAULT_CONFIG_TEXT = `dataDir: ${DEFAULT_DATA_DIR}
http:
  host: 127.0.0.1
  port: 8080
  corsOrigins: []
dimse:
  host: 127.0.0.1
  port: 11112
  aeTitle: MEDVEIL
  peers: []
  moveDestinations: []
crypto:
  suite: intl
dicomweb:
  maxObjectMegabytes: 512
  maxStowParts: 1000
  maxStowMegabytes: 2048
  maxQidoResults: 1000
  maxRetrieveInstances: 10000
sessions:
  lifetimeMinutes: 15
audit:
  origin: medveil.localhost/audit
  checkpointMinutes: 5
  witnessKeys: []
  witnesses: []
log:
  level: info
${OIDC_DEFAULT_CONFIG_TEXT}${MASKING_DEFAULT_CONFIG_TEXT}${BREAK_GLASS_DEFAULT_CONFIG_TEXT}${RETENTION_DEFAULT_CONFIG_TEXT}${EXPORTS_DEFAULT_CONFIG_TEXT}`;

type Problem = (message: string) => MedVeilError;

/**
 * Reads the config file at `path` (resolved against `cwd`), or returns the embedded defaults
 * when `path` is undefined. `env` is consulted for CONFIG_ENV_VAR when `path` is not given.
 */
export function loadServerConfig(options: { path?: string | undefined; env?: NodeJS.ProcessEnv; cwd?: string } = {}): ServerConfig {
  const cwd = options.cwd ?? process.cwd();
  const named = options.path ?? nonEmpty(options.env?.[CONFIG_ENV_VAR]);
  if (named === undefined) return parseServerConfig('', { source: undefined, baseDir: cwd });
  const path = resolve(cwd, named);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new MedVeilError('config', missing ? `no config file at ${path}` : `cannot read the config file ${path}`, {
      cause,
      hint: missing
        ? `check --config or ${CONFIG_ENV_VAR}; without either, \`medveil serve\` runs on its embedded defaults`
        : 'check the permissions of the file',
    });
  }
  return parseServerConfig(text, { source: path, baseDir: dirname(path) });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * The config in `text` over the embedded defaults. `source` names the file in messages;
 * `baseDir` is where relative paths start.
 */
export function parseServerConfig(text: string, options: { source: string | undefined; baseDir: string }): ServerConfig {
  const where = options.source ?? 'the embedded defaults';
  const problem: Problem = (message) =>
    new MedVeilError('config', `${where}: ${message}`, { hint: 'fix that key in the config file; docs/server.md lists every key with its default' });
  const defaults = parseYamlObject(DEFAULT_CONFIG_TEXT, problem);
  const given = text.trim() === '' ? {} : parseYamlObject(text, problem);
  const merged = mergeKnown(defaults, given, '', problem);
  return readConfig(merged, { ...options, problem });
}

function parseYamlObject(text: string, problem: Problem): Record<string, unknown> {
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  const [error] = document.errors;
  if (error !== undefined) {
    const { line } = lines.linePos(error.pos[0]);
    throw problem(`line ${line}: not valid YAML or JSON (${error.code}: ${error.message.split('\n')[0]})`);
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) throw problem('the top level must be a mapping of keys to values');
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `given` laid over `defaults`, refusing every key the defaults do not have. Mappings merge
 * key by key; any other value (lists included) replaces the default whole.
 */
function mergeKnown(defaults: Record<string, unknown>, given: Record<string, unknown>, prefix: string, problem: Problem): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(given)) {
    const path = prefix + key;
    if (!Object.hasOwn(defaults, key)) {
      const known = Object.keys(defaults).map((name) => prefix + name).join(', ');
      throw problem(`unknown key "${path}" (known here: ${known})`);
    }
    const fallback = defaults[key];
    if (isPlainObject(fallback)) {
      if (!isPlainObject(value)) throw problem(`"${path}" must be a mapping with the keys ${Object.keys(fallback).join(', ')}`);
      out[key] = mergeKnown(fallback, value, `${path}.`, problem);
    } else {
      out[key] = value;
    }
  }
  return out;
}

interface ReadContext {
  source: string | undefined;
  baseDir: string;
  problem: Problem;
}

function readConfig(raw: Record<string, unknown>, context: ReadContext): ServerConfig {
  const { problem } = context;
  const section = (name: string) => raw[name] as Record<string, unknown>;
  const http = section('http');
  const dimse = section('dimse');
  const dataDirText = text(raw.dataDir, 'dataDir', problem);
  return {
    source: context.source,
    dataDir: isAbsolute(dataDirText) ? dataDirText : resolve(context.baseDir, dataDirText),
    http: {
      host: host(http.host, 'http.host', problem),
      port: port(http.port, 'http.port', problem, { allowZero: true }),
      corsOrigins: list(http.corsOrigins, 'http.corsOrigins', problem).map((item, i) => origin(item, `http.corsOrigins[${i}]`, problem)),
    },
    dimse: {
      host: host(dimse.host, 'dimse.host', problem),
      port: port(dimse.port, 'dimse.port', problem, { allowZero: true }),
      aeTitle: aeTitle(dimse.aeTitle, 'dimse.aeTitle', problem),
      peers: dimsePeers(dimse.peers, problem),
      moveDestinations: moveDestinations(dimse.moveDestinations, problem),
    },
    crypto: { suite: oneOf(section('crypto').suite, 'crypto.suite', ['intl', 'gm'] as const, problem) },
    dicomweb: {
      maxObjectMegabytes: wholeNumber(section('dicomweb').maxObjectMegabytes, 'dicomweb.maxObjectMegabytes', 1, 4096, problem),
      maxStowParts: wholeNumber(section('dicomweb').maxStowParts, 'dicomweb.maxStowParts', 1, 100_000, problem),
      maxStowMegabytes: wholeNumber(section('dicomweb').maxStowMegabytes, 'dicomweb.maxStowMegabytes', 1, 65_536, problem),
      maxQidoResults: wholeNumber(section('dicomweb').maxQidoResults, 'dicomweb.maxQidoResults', 1, 100_000, problem),
      maxRetrieveInstances: wholeNumber(section('dicomweb').maxRetrieveInstances, 'dicomweb.maxRetrieveInstances', 1, 1_000_000, problem),
    },
    sessions: { lifetimeMinutes: wholeNumber(section('sessions').lifetimeMinutes, 'sessions.lifetimeMinutes', 1, 12 * 60, problem) },
    audit: {
      origin: logOrigin(section('audit').origin, problem),
      checkpointMinutes: wholeNumber(section('audit').checkpointMinutes, 'audit.checkpointMinutes', 1, 24 * 60, problem),
      witnessKeys: witnessKeys(section('audit').witnessKeys, 'audit.witnessKeys', problem),
      witnesses: witnesses(section('audit').witnesses, problem),
    },
    log: { level: oneOf(section('log').level, 'log.level', LOG_LEVELS, problem) },
    oidc: readOidcConfig(section('oidc'), context.baseDir, problem),
    masking: readMaskingConfig(section('masking'), context.baseDir, problem),
    breakGlass: readBreakGlassConfig(section('breakGlass'), problem),
    notifications: readNotificationsConfig(section('notifications'), problem),
    retention: readRetentionConfig(section('retention'), problem),
    exports: readExportsConfig(section('exports'), context.baseDir, problem),
  };
}

function shown(value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function text(value: unknown, key: string, problem: Problem): string {
  if (typeof value !== 'string' || value.trim() === '') throw problem(`${key} must be a non-empty text, got ${shown(value)}`);
  return value;
}

function list(value: unknown, key: string, problem: Problem): unknown[] {
  if (!Array.isArray(value)) throw problem(`${key} must be a list, got ${shown(value)}`);
  return value;
}

function wholeNumber(value: unknown, key: string, min: number, max: number, problem: Problem): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw problem(`${key} must be a whole number from ${min} to ${max}, got ${shown(value)}`);
  }
  return value;
}

function port(value: unknown, key: string, problem: Problem, options: { allowZero: boolean }): number {
  return wholeNumber(value, key, options.allowZero ? 0 : 1, 65535, problem);
}

function oneOf<T extends string>(value: unknown, key: string, allowed: readonly T[], problem: Problem): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw problem(`${key} must be one of ${allowed.join(', ')}, got ${shown(value)}`);
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function host(value: unknown, key: string, problem: Problem): string {
  const given = text(value, key, problem);
  if (isIP(given) === 0 && !HOST_NAME.test(given)) throw problem(`${key} must be an IP address or a host name, got ${shown(value)}`);
  return given;
}

/** A browser origin (RFC 6454 6.1): scheme, host and optional port, nothing else. */
function origin(value: unknown, key: string, problem: Problem): string {
  const given = text(value, key, problem);
  let url: URL | undefined;
  try {
    url = new URL(given);
  } catch {
    url = undefined;
  }
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.origin !== given) {
    throw problem(`${key} must be an origin such as https://viewer.example.org (scheme, host, optional port; no path or trailing slash), got ${shown(value)}`);
  }
  return given;
}

/** PS3.5 6.2 AE: 1 to 16 characters of the default repertoire without backslash, not all spaces. */
function aeTitle(value: unknown, key: string, problem: Problem): string {
  if (typeof value !== 'string' || !/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(value) || value.trim() === '') {
    throw problem(`${key} must be a DICOM AE title: 1 to 16 printable ASCII characters, no backslash, not only spaces; got ${shown(value)}`);
  }
  return value.trim();
}

function moveDestinations(value: unknown, problem: Problem): MoveDestination[] {
  const seen = new Set<string>();
  return list(value, 'dimse.moveDestinations', problem).map((item, i) => {
    const key = `dimse.moveDestinations[${i}]`;
    if (!isPlainObject(item)) throw problem(`${key} must be a mapping with aeTitle, host and port`);
    const unknown = Object.keys(item).filter((name) => !['aeTitle', 'host', 'port'].includes(name));
    if (unknown.length > 0) throw problem(`unknown key "${key}.${unknown[0]}" (known here: aeTitle, host, port)`);
    const destination = {
      aeTitle: aeTitle(item.aeTitle, `${key}.aeTitle`, problem),
      host: host(item.host, `${key}.host`, problem),
      port: port(item.port, `${key}.port`, problem, { allowZero: false }),
    };
    if (seen.has(destination.aeTitle)) throw problem(`${key}.aeTitle ${destination.aeTitle} is listed twice`);
    seen.add(destination.aeTitle);
    return destination;
  });
}

/**
 * `dimse.peers`: who may associate. A peer's host, when given, must be an IP address: it is
 * compared with the socket's address, never resolved.
 */
function dimsePeers(value: unknown, problem: Problem): DimsePeer[] {
  const seen = new Set<string>();
  return list(value, 'dimse.peers', problem).map((item, i) => {
    const key = `dimse.peers[${i}]`;
    if (!isPlainObject(item)) throw problem(`${key} must be a mapping with aeTitle, user and optionally host`);
    const unknown = Object.keys(item).filter((name) => !['aeTitle', 'user', 'host'].includes(name));
    if (unknown.length > 0) throw problem(`unknown key "${key}.${unknown[0]}" (known here: aeTitle, user, host)`);
    const user = text(item.user, `${key}.user`, problem);
    if (item.host !== undefined && (typeof item.host !== 'string' || isIP(item.host) === 0)) {
      throw problem(`${key}.host must be an IP address (it is compared with the peer's address, never resolved); got ${shown(item.host)}`);
    }
    const peer: DimsePeer = { aeTitle: aeTitle(item.aeTitle, `${key}.aeTitle`, problem), user, ...(item.host === undefined ? {} : { host: item.host as string }) };
    if (seen.has(peer.aeTitle)) throw problem(`${key}.aeTitle ${peer.aeTitle} is listed twice`);
    seen.add(peer.aeTitle);
    return peer;
  });
}

/** Each a witness's cosignature/v1 vkey (c2sp.org/tlog-cosignature), as `medveil audit keygen --witness` prints it. */
function witnessKeys(value: unknown, name: string, problem: Problem): string[] {
  return list(value, name, problem).map((item, i) => witnessKey(item, `${name}[${i}]`, problem));
}

function witnessKey(item: unknown, key: string, problem: Problem): string {
  let kind: string;
  try {
    kind = parseVerifierKey(text(item, key, problem)).kind;
  } catch (error) {
    throw problem(`${key} is not a verifier key: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (kind !== 'cosignature/v1') throw problem(`${key} is a log key (${kind}); a witness key is a cosignature/v1 key (medveil audit keygen --witness)`);
  return (item as string).trim();
}

/** Each `{ url, key }`: where a witness takes checkpoints (http or https, no query) and its cosignature/v1 vkey. */
function witnesses(value: unknown, problem: Problem): { url: string; key: string }[] {
  const urls = new Set<string>();
  return list(value, 'audit.witnesses', problem).map((item, i) => {
    const name = `audit.witnesses[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw problem(`${name} must be a mapping with url and key`);
    const { url, key, ...rest } = item as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw problem(`${name} has an unknown key: ${Object.keys(rest)[0]} (known: url, key)`);
    let parsed: URL | undefined;
    try {
      parsed = new URL(text(url, `${name}.url`, problem));
    } catch (error) {
      if (error instanceof MedVeilError) throw error;
    }
    if (parsed === undefined || !['http:', 'https:'].includes(parsed.protocol) || parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
      throw problem(`${name}.url must be an http or https URL without query, fragment or credentials, got ${shown(url)}`);
    }
    const href = parsed.href.replace(/\/$/, '');
    if (urls.has(href)) throw problem(`${name}.url ${href} is listed twice`);
    urls.add(href);
    return { url: href, key: witnessKey(key, `${name}.key`, problem) };
  });
}

/** c2sp.org/tlog-checkpoint: the origin is one line; as a note key name it has no spaces or '+'. */
function logOrigin(value: unknown, problem: Problem): string {
  const given = text(value, 'audit.origin', problem);
  if (!/^[\x21-\x7e]{1,200}$/.test(given) || given.includes('+')) {
    throw problem(`audit.origin must be one word of printable ASCII without '+', such as hospital.example.org/audit; got ${shown(value)}`);
  }
  return given;
}
