/**
 * The console's only way to the server: the public REST API (docs/accounts.md), with the
 * session token as a bearer token, exactly as any other API client sends it.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The `error` code of the answer (`invalid-credentials`, `weak-password`, ...), or `network`. */
    readonly code: string,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Role = 'admin' | 'dso' | 'director' | 'radiologist' | 'clinician' | 'technician' | 'researcher' | 'auditor';
export const ROLES: readonly Role[] = ['admin', 'dso', 'director', 'radiologist', 'clinician', 'technician', 'researcher', 'auditor'];

export interface UserView {
  name: string;
  displayName?: string;
  roles: Role[];
  departments: string[];
  directorOf: string[];
  disabled: boolean;
  deleted: boolean;
  mfaRequired: boolean;
  mfaEnrolled: boolean;
  passwordChangeRequired: boolean;
  createdAt: string;
  createdBy: string;
}

/** What POST /api/login and POST /api/me/totp/confirm answer. */
export interface SessionAnswer {
  token: string;
  expiresAt: string;
  methods: string[];
  mfaEnrolmentRequired?: boolean;
  user?: UserView;
}

/** Called when the server refuses the session (expired, revoked, account disabled). */
let onSessionRefused: () => void = () => undefined;
export function whenSessionRefused(callback: () => void): void {
  onSessionRefused = callback;
}

// studies: the DICOMweb calls (api/studies.ts) report a refused session the same way.
export function sessionRefused(): void {
  onSessionRefused();
}

export async function api<T>(method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: options.body === undefined ? null : JSON.stringify(options.body), credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', 'the server cannot be reached');
  }
  const body = await jsonBody(response);
  if (!response.ok) {
    if (response.status === 401 && options.token !== undefined && body.error === 'invalid-token') onSessionRefused();
    const problems = Array.isArray(body.problems) ? body.problems.map(String) : [];
    throw new ApiError(response.status, typeof body.error === 'string' ? body.error : `http-${response.status}`, typeof body.message === 'string' ? body.message : response.statusText, problems);
  }
  return body as T;
}

/** The answer's JSON object; an empty or non-JSON body (a proxy's error page, the 503 page) reads as `{}`. */
async function jsonBody(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    const parsed: unknown = text === '' ? {} : JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
