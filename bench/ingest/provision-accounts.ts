/**
 * The accounts a benchmark needs, made through the REST API the way docs/server.md tells an
 * administrator to: the first administrator from the bootstrap code, TOTP enrolment (otplib
 * computes the codes an authenticator app would show), a department, then the users. Passwords
 * are random for each run and never printed.
 */
import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { MedVeilError } from '../../src/errors.js';

export interface BenchUser {
  readonly userName: string;
  readonly roles: readonly string[];
  readonly departments?: readonly string[];
}

export interface ApiClient {
  readonly url: string;
  call(method: string, path: string, body?: object, token?: string): Promise<Record<string, unknown>>;
}

export function apiClient(url: string): ApiClient {
  return {
    url,
    async call(method, path, body, token) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new MedVeilError('http', `${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
      return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    },
  };
}

export interface ProvisionedAccounts {
  /** A session token of the administrator, with both factors. */
  readonly adminToken: string;
  /** The password of each user made, by user name. */
  readonly passwords: ReadonlyMap<string, string>;
}

export async function provisionAccounts(api: ApiClient, options: { bootstrapCode: string; departments: readonly string[]; users: readonly BenchUser[] }): Promise<ProvisionedAccounts> {
  const adminPassword = newPassword();
  await api.call('POST', '/api/bootstrap', { code: options.bootstrapCode, userName: 'bench.admin', password: adminPassword });
  const enrolling = (await api.call('POST', '/api/login', { userName: 'bench.admin', password: adminPassword })).token as string;
  const { secret } = (await api.call('POST', '/api/me/totp', undefined, enrolling)) as { secret: string };
  const adminToken = (await api.call('POST', '/api/me/totp/confirm', { code: await generate({ secret }) }, enrolling)).token as string;
  for (const id of options.departments) await api.call('POST', '/api/departments', { id }, adminToken);
  const passwords = new Map<string, string>();
  for (const user of options.users) {
    const password = newPassword();
    await api.call('POST', '/api/users', { userName: user.userName, password, roles: user.roles, ...(user.departments === undefined ? {} : { departments: user.departments }) }, adminToken);
    passwords.set(user.userName, password);
  }
  return { adminToken, passwords };
}

/** A session token for a user without a second factor (radiologists, technicians). */
export async function signIn(api: ApiClient, userName: string, password: string): Promise<string> {
  return (await api.call('POST', '/api/login', { userName, password })).token as string;
}

function newPassword(): string {
  return randomBytes(18).toString('base64url');
}
