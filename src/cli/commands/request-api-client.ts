/**
 * How `medveil request`, `medveil approve`, `medveil grants` and `medveil exports` talk to a
 * running server: JSON over its REST API with the caller's token (and an export package as a
 * stream). The token comes from MEDVEIL_TOKEN only, never from a flag, because a command line
 * is visible to every user of the machine (ps) and kept in shell history; a TOTP code is spent
 * once, so it may be a flag.
 */
import { MedVeilError } from '../../errors.js';

export interface ServerOptions {
  server?: string;
}

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

export function serverOption(): [string, string] {
  return ['--server <url>', `the MedVeil server (default: MEDVEIL_URL or ${DEFAULT_SERVER})`];
}

/** What to do next when the server refuses with a status, by status; a 401 has its own. */
export type RefusalHints = Readonly<Partial<Record<number, string>>>;

/** Calls the API; the parsed JSON body of a 2xx answer, or a MedVeilError with the server's reason. */
export async function callApi<T>(options: ServerOptions, method: 'GET' | 'POST', path: string, body?: object, hints: RefusalHints = {}): Promise<T> {
  const { url, response } = await sendApiRequest(options, method, path, 'application/json', body);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new MedVeilError('http', `${url.origin} answered ${response.status} with a body that is not JSON`, { hint: 'check that --server names a MedVeil server' });
  }
  if (!response.ok) throw refusalOf(response.status, parsed, hints);
  return parsed as T;
}

/**
 * GETs a body to stream (an export package): the 2xx response, its body unread, or a
 * MedVeilError with the server's reason. `path` may come from the server (a job view names
 * its download); it is followed only on the server's own origin, which gets the token.
 */
export async function getApiStream(options: ServerOptions, path: string, hints: RefusalHints = {}): Promise<Response & { body: ReadableStream<Uint8Array> }> {
  const { response } = await sendApiRequest(options, 'GET', path, '*/*');
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    throw refusalOf(response.status, parsed, hints);
  }
  if (response.body === null) throw new MedVeilError('http', `the server answered ${response.status} without a body`, { hint: 'check that --server names a MedVeil server' });
  return response as Response & { body: ReadableStream<Uint8Array> };
}

async function sendApiRequest(options: ServerOptions, method: 'GET' | 'POST', path: string, accept: string, body?: object): Promise<{ url: URL; response: Response }> {
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
  if (url.origin !== new URL(base).origin) {
    throw new MedVeilError('http', `the server named ${url.origin} for ${path.split('?')[0]}, which is not its own origin; MedVeil's token goes nowhere else`, { hint: 'check that --server names a MedVeil server' });
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, accept, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (cause) {
    throw new MedVeilError('http', `cannot reach ${url.origin}`, { cause, hint: 'check --server or MEDVEIL_URL and that `medveil serve` runs there' });
  }
  return { url, response };
}

function refusalOf(status: number, parsed: unknown, hints: RefusalHints): MedVeilError {
  const error = parsed as { error?: string; message?: string } | undefined;
  const hint = status === 401 ? 'your token has expired or is wrong: sign in again and export MEDVEIL_TOKEN' : hints[status];
  return new MedVeilError('http', `${error?.error ?? `HTTP ${status}`}: ${error?.message ?? 'the server refused the request'}`, hint === undefined ? {} : { hint });
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
