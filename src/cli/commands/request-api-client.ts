/**
 * How `medveil request`, `medveil approve` and `medveil grants` talk to a running server: JSON
 * over its REST API with the caller's token. The token comes from MEDVEIL_TOKEN only, never
 * from a flag, because a command line is visible to every user of the machine (ps) and kept
 * in shell history; a TOTP code is spent once, so it may be a flag.
 */
import { MedVeilError } from '../../errors.js';

export interface ServerOptions {
  server?: string;
}

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

export function serverOption(): [string, string] {
  return ['--server <url>', `the MedVeil server (default: MEDVEIL_URL or ${DEFAULT_SERVER})`];
}

/** Calls the API; the parsed JSON body of a 2xx answer, or a MedVeilError with the server's reason. */
export async function callApi<T>(options: ServerOptions, method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
  const base = options.server ?? process.env.MEDVEIL_URL ?? DEFAULT_SERVER;
  const token = process.env.MEDVEIL_TOKEN;
  if (token === undefined || token === '') {
    throw new MedVeilError('usage', 'no token: set MEDVEIL_TOKEN', { hint: 'sign in (POST /api/login with your password and TOTP code) and export MEDVEIL_TOKEN=<token>' });
  }
  let url: URL;
  try {
    url = new URL(path, base);
  } catch (cause) {
    throw new MedVeilError('usage', `--server ${JSON.stringify(base)} is not a URL`, { cause, hint: `give it as ${DEFAULT_SERVER}` });
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (cause) {
    throw new MedVeilError('http', `cannot reach ${url.origin}`, { cause, hint: 'check --server or MEDVEIL_URL and that `medveil serve` runs there' });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new MedVeilError('http', `${url.origin} answered ${response.status} with a body that is not JSON`, { hint: 'check that --server names a MedVeil server' });
  }
  if (!response.ok) {
    const error = parsed as { error?: string; message?: string } | undefined;
    const hint = response.status === 401 ? 'your token has expired or is wrong: sign in again and export MEDVEIL_TOKEN' : undefined;
    throw new MedVeilError('http', `${error?.error ?? `HTTP ${response.status}`}: ${error?.message ?? 'the server refused the request'}`, hint === undefined ? {} : { hint });
  }
  return parsed as T;
}

interface RequestLike {
  id: string;
  status: string;
  requester: string;
  kind: string;
  purpose: string;
  studies: Array<{ studyUid: string; department: string }>;
  approvals: Array<{ by: string; as: string }>;
  grant?: GrantLike;
}

export interface GrantLike {
  id: string;
  subject: string;
  effect: string;
  validUntil: string;
  revokedAt?: string;
}

/** One line per request: id, status, kind, purpose, requester, studies, approvals. */
export function requestLine(request: RequestLike): string {
  const approvals = request.approvals.map((a) => `${a.by} (${a.as})`).join(', ') || 'none';
  const grant = request.grant === undefined ? '' : `  grant until ${request.grant.validUntil}${request.grant.revokedAt === undefined ? '' : `, revoked ${request.grant.revokedAt}`}`;
  return `${request.id}  ${request.status}  ${request.kind}  ${request.purpose}  by ${request.requester}  ${request.studies.length} stud${request.studies.length === 1 ? 'y' : 'ies'}  approvals: ${approvals}${grant}\n`;
}

export function grantLine(grant: GrantLike): string {
  return `${grant.id}  ${grant.subject}  ${grant.effect}  until ${grant.validUntil}${grant.revokedAt === undefined ? '' : `  revoked ${grant.revokedAt}`}\n`;
}
