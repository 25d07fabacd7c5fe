/**
 * The `oidc` section of the server config (docs/accounts.md, "Sign-in with the hospital's
 * identity provider"): off by default; when on, every key is checked at start-up, so a typo
 * stops the server instead of leaving sign-in half configured.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { inspect } from 'node:util';
import { defaultIdTokenAlgorithms, symmetricIdTokenAlgorithms } from '../access/identity/oidc-id-token.js';
import type { OidcAccountLink } from '../access/identity/oidc-account-claim.js';
import type { MedVeilError } from '../errors.js';

/** The embedded defaults of the section, in the YAML of DEFAULT_CONFIG_TEXT. */
export const OIDC_DEFAULT_CONFIG_TEXT = `oidc:
  enabled: false
  issuer: ""
  clientId: ""
  clientSecret: ""
  clientSecretFile: ""
  redirectUrl: ""
  scopes: [openid, profile]
  accountClaim: preferred_username
  mfaAmrValues: []
  mfaAcrValues: []
  idTokenAlgorithms: [${defaultIdTokenAlgorithms.join(', ')}]
`;

/**
 * A secret read from the config: it prints as `[redacted]` however it is logged or serialised,
 * and gives its value only to `reveal()`.
 */
export class ConfigSecret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

export interface OidcConfig {
  /** The issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly clientId: string;
  /** Undefined for a public client, which authenticates with PKCE alone. */
  readonly clientSecret: ConfigSecret | undefined;
  /** Registered at the provider; the provider sends the browser back here with the code. */
  readonly redirectUrl: string;
  readonly scopes: readonly string[];
  readonly link: OidcAccountLink;
  readonly mfaAmrValues: readonly string[];
  readonly mfaAcrValues: readonly string[];
  readonly idTokenAlgorithms: readonly string[];
}

type Problem = (message: string) => MedVeilError;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const CLAIM_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

/** The checked section, or undefined when OIDC sign-in is off. */
export function readOidcConfig(raw: Record<string, unknown>, baseDir: string, problem: Problem): OidcConfig | undefined {
  if (typeof raw.enabled !== 'boolean') throw problem('oidc.enabled must be true or false');
  if (!raw.enabled) return undefined;
  const text = (key: string): string => {
    const value = raw[key];
    if (typeof value !== 'string') throw problem(`oidc.${key} must be a text`);
    return value.trim();
  };
  const issuer = httpsUrl(text('issuer'), 'oidc.issuer', problem);
  const clientId = text('clientId');
  if (clientId === '') throw problem('oidc.clientId must name the client registered for MedVeil at the provider');
  const clientSecret = secretOf(text('clientSecret'), text('clientSecretFile'), baseDir, problem);
  const redirectUrl = httpsUrl(text('redirectUrl'), 'oidc.redirectUrl', problem);
  const scopes = texts(raw.scopes, 'oidc.scopes', problem);
  if (!scopes.includes('openid')) throw problem('oidc.scopes must include openid');
  const accountClaim = text('accountClaim');
  if (!CLAIM_NAME.test(accountClaim)) throw problem('oidc.accountClaim must be a claim name such as preferred_username, upn, email, or sub to link accounts by issuer and subject');
  const idTokenAlgorithms = texts(raw.idTokenAlgorithms, 'oidc.idTokenAlgorithms', problem);
  const known = [...defaultIdTokenAlgorithms, ...symmetricIdTokenAlgorithms];
  for (const algorithm of idTokenAlgorithms) {
    if (!known.includes(algorithm)) throw problem(`oidc.idTokenAlgorithms: ${JSON.stringify(algorithm).slice(0, 40)} is not one of ${known.join(', ')}`);
    if (symmetricIdTokenAlgorithms.includes(algorithm) && clientSecret === undefined) throw problem(`oidc.idTokenAlgorithms: ${algorithm} needs the client secret`);
  }
  if (idTokenAlgorithms.length === 0) throw problem('oidc.idTokenAlgorithms must name at least one algorithm');
  return {
    issuer,
    clientId,
    clientSecret,
    redirectUrl,
    scopes,
    link: accountClaim === 'sub' ? { by: 'subject' } : { by: 'username', claim: accountClaim },
    mfaAmrValues: texts(raw.mfaAmrValues, 'oidc.mfaAmrValues', problem),
    mfaAcrValues: texts(raw.mfaAcrValues, 'oidc.mfaAcrValues', problem),
    idTokenAlgorithms,
  };
}

/** An absolute https URL without query or fragment; plain http only on a loopback host (a test provider). */
function httpsUrl(value: string, key: string, problem: Problem): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const loopback = url !== undefined && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url === undefined || (url.protocol !== 'https:' && !loopback) || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw problem(`${key} must be an https URL without query or fragment (http only on localhost), got ${JSON.stringify(value).slice(0, 80)}`);
  }
  return value;
}

function texts(value: unknown, key: string, problem: Problem): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.trim() !== '' && item.length <= 256)) {
    throw problem(`${key} must be a list of non-empty texts`);
  }
  return value.map((item: string) => item.trim());
}

// The secret's value never appears in a message: only the key or the file's path.
function secretOf(inline: string, file: string, baseDir: string, problem: Problem): ConfigSecret | undefined {
  if (inline !== '' && file !== '') throw problem('give oidc.clientSecret or oidc.clientSecretFile, not both');
  if (inline !== '') return new ConfigSecret(inline);
  if (file === '') return undefined;
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  let value: string;
  try {
    value = readFileSync(path, 'utf8').trim();
  } catch {
    throw problem(`oidc.clientSecretFile: cannot read ${path}`);
  }
  if (value === '') throw problem(`oidc.clientSecretFile: ${path} is empty`);
  return new ConfigSecret(value);
}
